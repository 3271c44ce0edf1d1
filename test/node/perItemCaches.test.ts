// The per-item caches of API Request (bench/results.md, "Per-item caches") recognise what
// they share by identity: the checked parameters of a node run, the call built from them,
// and the client's prepared form of that call. Each is frozen, so changing it throws
// instead of reaching every later item unseen; and what is not frozen is not remembered.
import type { IExecuteFunctions } from 'n8n-workflow';

import { readRequestParams } from '../../nodes/ZohoOAuthRequest/actions/apiRequest.params';
import type { ApiCall } from '../../zoho/api/apiClient';
import { parseCredentials, type ZohoCredentials } from '../../zoho/credentials';
import type { AccessToken } from '../../zoho/token/accessToken';
import { callCount, CREDENTIAL_ID, items, startKit, zohoWorkflow, type NodeKit } from './kit';

/** An execution context that knows only node parameters (the raw values, `=…` for an expression). */
function contextWith(parameters: Record<string, unknown>): IExecuteFunctions {
	const getNodeParameter = (
		name: string,
		itemIndex: number,
		fallback?: unknown,
		options?: { rawExpressions?: boolean },
	): unknown => {
		const raw = name in parameters ? parameters[name] : fallback;
		if (options?.rawExpressions || typeof raw !== 'string' || !raw.startsWith('=')) return raw;
		return `${raw.slice(1)}-${itemIndex}`;
	};
	return { getNodeParameter } as unknown as IExecuteFunctions;
}

const GET_ORG = {
	method: 'GET',
	service: 'crm',
	path: '/org',
	sendQuery: true,
	queryParameters: { parameters: [{ name: 'fields', value: 'id' }] },
	options: { allowedHosts: 'api.example.com' },
};

describe('the checked parameters of a node run', () => {
	it('without expressions: read once, shared by every item, frozen all the way down', () => {
		const ctx = contextWith(GET_ORG);
		const params = readRequestParams(ctx, 0);
		expect(readRequestParams(ctx, 1)).toBe(params);
		for (const part of [params, params.query, params.query[0], params.headers, params.options])
			expect(Object.isFrozen(part)).toBe(true);
		expect(() => params.query.push(['page', '2'])).toThrow(TypeError);
		expect(() => params.options.allowedHosts.push('evil.example.com')).toThrow(TypeError);
		expect(() => Object.assign(params, { path: '/users' })).toThrow(TypeError);
		expect(params.path).toBe('/org');
	});

	it('with an expression: read per item and neither shared nor frozen', () => {
		const ctx = contextWith({ ...GET_ORG, path: '=/org' });
		const first = readRequestParams(ctx, 0);
		const second = readRequestParams(ctx, 1);
		expect([first.path, second.path]).toEqual(['/org-0', '/org-1']);
		expect(Object.isFrozen(first)).toBe(false);
	});
});

describe('the call built from shared parameters, and the client', () => {
	let kit: NodeKit;
	let credentials: ZohoCredentials;
	beforeAll(async () => {
		kit = await startKit();
		credentials = parseCredentials(kit.credentials[CREDENTIAL_ID]?.data ?? {});
	});
	afterAll(() => kit.close());

	it('items without expressions share one frozen call: changing it throws', async () => {
		const builds: Array<(token: AccessToken) => ApiCall> = [];
		const call = kit.runtime.api.call.bind(kit.runtime.api);
		const spy = jest.spyOn(kit.runtime.api, 'call').mockImplementation((build, options) => {
			builds.push(build);
			return call(build, options);
		});
		try {
			const result = await kit.run({
				workflow: zohoWorkflow({ operation: 'apiRequest', method: 'GET', path: '/org' }),
				inputItems: items(3),
			});
			expect(result.error).toBeUndefined();
		} finally {
			spy.mockRestore();
		}
		const token = await kit.runtime.auth.getToken(credentials);
		const built = builds.map((build) => build(token));
		expect(built).toHaveLength(3);
		expect(built[1]).toBe(built[0]);
		expect(built[2]).toBe(built[0]);
		const shared = built[0] as ApiCall;
		expect(Object.isFrozen(shared)).toBe(true);
		expect(() => shared.query?.push(['fields', 'id'])).toThrow(TypeError);
		expect(() => Object.assign(shared, { url: 'https://evil.example.com/' })).toThrow(TypeError);
	});

	it('a call that is not frozen is not remembered: changed between sends, it goes where it now says', async () => {
		kit.sim.resetCounters();
		const call: ApiCall = { method: 'GET', url: '' };
		const send = async (path: string) => {
			const token = await kit.runtime.auth.getToken(credentials);
			call.url = `${token.apiDomain}${path}`;
			return kit.runtime.api.call(() => call, { credentials, timeoutMs: 10_000 });
		};
		expect((await send('/crm/v8/org')).status).toBe(200);
		expect((await send('/crm/v7/org')).status).toBe(200);
		expect(callCount(kit.sim, 'GET /crm/v8/org 200')).toBe(1);
		expect(callCount(kit.sim, 'GET /crm/v7/org 200')).toBe(1);
	});
});
