// How API Request fails: 401s, scopes, 429, foreign hosts, Continue On Fail, cancel.
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	callCount,
	items,
	jsonOf,
	startKit,
	zohoWorkflow,
	type NodeKit,
	listLeadsWorkflow,
} from './kit';
import { startTrap } from '../zoho/fixtures';

let kit: NodeKit;
beforeAll(async () => {
	kit = await startKit();
	kit.sim.seedCrm('us', { module: 'Leads', count: 5 });
});
afterAll(() => kit.close());
beforeEach(() => {
	kit.sim.clearFaults();
	kit.sim.resetCounters();
	kit.resetRuntime();
});

const getOrg = (extra: Record<string, unknown> = {}) =>
	zohoWorkflow({ operation: 'apiRequest', method: 'GET', path: '/org', ...extra });
const INVALID_TOKEN = {
	code: 'INVALID_TOKEN',
	details: {},
	message: 'invalid oauth token',
	status: 'error',
};

describe('API Request failures', () => {
	it('after 401 INVALID_TOKEN refreshes once and retries once', async () => {
		await kit.run({ workflow: zohoWorkflow({ operation: 'getAccessToken' }) });
		kit.sim.advanceClock(3_601_000); // Zoho expired the token; our cache does not know yet.
		const result = await kit.run({ workflow: getOrg() });
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)[0]).toHaveProperty('org');
		expect([
			callCount(kit.sim, 'GET /crm/v8/org 401'),
			callCount(kit.sim, 'GET /crm/v8/org 200'),
		]).toEqual([1, 1]);
		expect(kit.sim.mintsFor(kit.refreshToken)).toBe(2);
	});

	it('items sharing one call send the new token after a refresh, not the prepared old one', async () => {
		await kit.run({ workflow: zohoWorkflow({ operation: 'getAccessToken' }) });
		kit.sim.advanceClock(3_601_000);
		const result = await kit.run({
			workflow: getOrg({ options: { maxConcurrency: 1 } }),
			inputItems: items(4),
		});
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toHaveLength(4);
		const calls = kit.sim.counters().calls.filter((call) => call.path === '/crm/v8/org');
		expect(calls.map((call) => call.status)).toEqual([401, 200, 200, 200, 200]);
		const [expired, ...fresh] = calls.map((call) => call.authorization);
		expect(new Set(fresh).size).toBe(1);
		expect(fresh[0]).not.toBe(expired);
		expect(kit.sim.mintsFor(kit.refreshToken)).toBe(2);
	});

	it('a second 401 INVALID_TOKEN after the refresh is an error, with one refresh only', async () => {
		kit.sim.injectFault({
			path: '/crm/v8/org',
			kind: 'status',
			status: 401,
			body: INVALID_TOKEN,
			times: 5,
		});
		const result = await kit.run({ workflow: getOrg() });
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toMatch(
			/^Zoho refused the access token for GET http:\/\/127\.0\.0\.1:\d+\/crm\/v8\/org \(INVALID_TOKEN\): invalid oauth token\.$/,
		);
		expect((result.error as NodeApiError).httpCode).toBe('401');
		expect(kit.sim.mintsFor(kit.refreshToken)).toBe(2);
	});

	it('401 OAUTH_SCOPE_MISMATCH: no refresh; the error names the URL, the scope it needs, the scopes the token has and how to get both', async () => {
		const booksOnly = await startKit({ scopes: ['ZohoBooks.fullaccess.all'] });
		try {
			booksOnly.sim.seedCrm('us', { module: 'Leads', count: 1 });
			const result = await booksOnly.run({
				workflow: listLeadsWorkflow(),
			});
			expect(result.error).toBeInstanceOf(NodeApiError);
			expect(result.error?.message).toMatch(
				/^The access token's scopes do not allow GET http:\/\/127\.0\.0\.1:\d+\/crm\/v8\/Leads \(OAUTH_SCOPE_MISMATCH\): it needs ZohoCRM\.modules\.READ\.$/,
			);
			expect((result.error as NodeApiError).description).toContain(
				'The token has the scopes: ZohoBooks.fullaccess.all. For a token with both, Generate Code in the Zoho API Console (Self Client) with the scopes ZohoBooks.fullaccess.all, ZohoCRM.modules.READ, ' +
					"then run this node's Exchange Grant Code operation",
			);
			expect(booksOnly.sim.mintsFor(booksOnly.refreshToken)).toBe(1);
		} finally {
			await booksOnly.close();
			kit.resetRuntime();
		}
	});

	it('429: waits for Retry-After and retries, bounded', async () => {
		const tooMany = { code: 'TOO_MANY_REQUESTS', message: 'too many requests', status: 'error' };
		kit.sim.injectFault({
			path: '/crm/v8/org',
			kind: 'status',
			status: 429,
			body: tooMany,
			headers: { 'Retry-After': '1' },
		});
		const ok = await kit.run({ workflow: getOrg() });
		expect(ok.error).toBeUndefined();
		expect([
			callCount(kit.sim, 'GET /crm/v8/org 429'),
			callCount(kit.sim, 'GET /crm/v8/org 200'),
		]).toEqual([1, 1]);

		kit.sim.resetCounters();
		kit.sim.injectFault({
			path: '/crm/v8/org',
			kind: 'status',
			status: 429,
			body: tooMany,
			headers: { 'Retry-After': '0' },
			times: 10,
		});
		const failed = await kit.run({ workflow: getOrg() });
		expect(failed.error).toBeInstanceOf(NodeApiError);
		expect(failed.error?.message).toMatch(
			/^Zoho's rate limit was hit for GET .*\(TOO_MANY_REQUESTS\): too many requests\.$/,
		);
		expect(callCount(kit.sim, 'GET /crm/v8/org 429')).toBe(4); // the first try and 3 retries
	});

	it("429 with X-API-CREDITS-REMAINING 0: the org's credits are spent, no retries, one error item per item", async () => {
		kit.sim.configure({ creditBudget: 1 });
		try {
			expect((await kit.run({ workflow: getOrg() })).error).toBeUndefined();
			kit.sim.resetCounters();
			const failed = await kit.run({ workflow: getOrg() });
			expect(failed.error).toBeInstanceOf(NodeApiError);
			expect(failed.error?.message).toMatch(
				/^Zoho refused GET .*: the organisation's API credits are spent \(TOO_MANY_REQUESTS, X-API-CREDITS-REMAINING 0\): /,
			);
			expect((failed.error as NodeApiError).description).toContain(
				'Zoho counts API credits per organisation over a rolling 24 hours',
			);
			expect((failed.error as NodeApiError).description).toContain('Developer Space → APIs');
			expect(callCount(kit.sim, 'GET /crm/v8/org 429')).toBe(1);

			kit.sim.resetCounters();
			const each = await kit.run({
				workflow: zohoWorkflow(
					{ operation: 'apiRequest', method: 'GET', path: '/org' },
					{ continueOnFail: true },
				),
				inputItems: items(3),
			});
			expect(jsonOf(each).map((item) => item.code)).toEqual(Array(3).fill('CREDITS_SPENT'));
			expect(callCount(kit.sim, 'GET /crm/v8/org 429')).toBe(3);
		} finally {
			kit.sim.configure({ creditBudget: Infinity });
		}
	});

	it('refuses a full URL to a non-Zoho host before sending; Allowed Hosts opens it', async () => {
		const foreign = kit.sim.url('us').replace('127.0.0.1', 'localhost');
		const refused = await kit.run({ workflow: getOrg({ path: `${foreign}/crm/v8/org` }) });
		expect(refused.error).toBeInstanceOf(NodeOperationError);
		expect(refused.error?.message).toBe(
			`Refused to send the Zoho access token to ${foreign} (Path or URL): not a Zoho host of this credential's data centre.`,
		);
		expect((refused.error as NodeOperationError).description).toContain('Allowed Hosts');
		expect(
			kit.sim.counters().authorizationHeaders.filter((seen) => seen.host.startsWith('localhost')),
		).toHaveLength(0);
		// Only the token endpoint was called; no API request went anywhere.
		expect(kit.sim.counters().calls.filter((call) => call.path !== '/oauth/v2/token')).toHaveLength(
			0,
		);

		// An entry without a port means the default port: this server is not it.
		const portless = await kit.run({
			workflow: getOrg({ path: `${foreign}/crm/v8/org`, options: { allowedHosts: 'localhost' } }),
		});
		expect(portless.error?.message).toMatch(/^Refused to send the Zoho access token to /);
		const allowed = await kit.run({
			workflow: getOrg({
				path: `${foreign}/crm/v8/org`,
				options: { allowedHosts: new URL(foreign).host },
			}),
		});
		expect(allowed.error).toBeUndefined();
		expect(
			kit.sim.counters().authorizationHeaders.filter((seen) => seen.host.startsWith('localhost')),
		).toHaveLength(1);
	});

	it("compares origins: another port of the accounts server's host gets nothing", async () => {
		const trap = await startTrap();
		try {
			expect(new URL(trap.url).hostname).toBe(new URL(kit.sim.url('us')).hostname);
			const refused = await kit.run({ workflow: getOrg({ path: `${trap.url}/crm/v8/org` }) });
			expect(refused.error).toBeInstanceOf(NodeOperationError);
			expect(refused.error?.message).toBe(
				`Refused to send the Zoho access token to ${trap.url} (Path or URL): not a Zoho host of this credential's data centre.`,
			);
			expect((refused.error as NodeOperationError).description).toContain('host:port');
			expect(trap.received).toEqual([]);

			// Named with its port under Allowed Hosts, it is let through.
			const allowed = await kit.run({
				workflow: getOrg({
					path: `${trap.url}/crm/v8/org`,
					options: { allowedHosts: new URL(trap.url).host },
				}),
			});
			expect(allowed.error).toBeUndefined();
			expect(trap.received).toEqual([`GET ${new URL(trap.url).host} /crm/v8/org`]);
		} finally {
			await trap.close();
		}
	});

	it('with Continue On Fail, every input item yields exactly one output item, in order', async () => {
		const paths = ['/org', 'org', '/org', '/NoSuchThing/x/y/z', '/org'];
		const workflow = zohoWorkflow(
			{ operation: 'apiRequest', method: 'GET', path: '={{ $json.path }}' },
			{ continueOnFail: true },
		);
		const result = await kit.sim.deliberately('item 4 asks for a path Zoho does not have', () =>
			kit.run({
				workflow,
				inputItems: items(paths.length, (i) => ({ path: paths[i] })),
			}),
		);
		expect(result.error).toBeUndefined();
		const out = result.outputs.Zoho?.[0] ?? [];
		expect(out).toHaveLength(5);
		expect(out.map((item) => item.pairedItem)).toEqual(paths.map((_, i) => ({ item: i })));
		expect(out[1]?.json).toEqual(
			expect.objectContaining({
				error: 'Path or URL "org" must start with "/".',
				field: 'Path or URL',
				code: 'INVALID_INPUT',
			}),
		);
		expect(out[3]?.json).toEqual(
			expect.objectContaining({
				code: 'API_ERROR',
				httpStatus: 404,
				zohoCode: 'INVALID_URL_PATTERN',
			}),
		);
		expect([0, 2, 4].map((i) => Object.keys(out[i]?.json ?? {}))).toEqual([
			['org'],
			['org'],
			['org'],
		]);
	});

	it('without Continue On Fail, the first failing item stops the node with its item index', async () => {
		const workflow = zohoWorkflow({
			operation: 'apiRequest',
			method: 'GET',
			path: '={{ $json.path }}',
		});
		const result = await kit.run({
			workflow,
			inputItems: items(3, (i) => ({ path: i === 1 ? 'bad' : '/org' })),
		});
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect((result.error as NodeOperationError).context.itemIndex).toBe(1);
	});

	it('rejects zero, negative and non-numeric limits and concurrency, naming the option', async () => {
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ limit: 0 }, 'Limit must be a whole number of 1 or more (got 0).'],
			[{ limit: -5 }, 'Limit must be a whole number of 1 or more (got -5).'],
			[
				{ maxConcurrency: 0 },
				'Max Concurrent Requests must be a whole number of 1 or more (got 0).',
			],
			[{ timeout: 'soon' }, 'Timeout must be a whole number of 1 or more (got "soon").'],
		];
		for (const [options, message] of cases) {
			const result = await kit.run({ workflow: getOrg({ options }) });
			expect(result.error).toBeInstanceOf(NodeOperationError);
			expect(result.error?.message).toBe(message);
		}
		expect(kit.sim.counters().calls).toHaveLength(0);
	});

	it('cancelling the execution aborts the in-flight request', async () => {
		kit.sim.configure({ apiLatencyMs: 10_000 });
		try {
			const controller = new AbortController();
			const running = kit.run({ workflow: getOrg(), signal: controller.signal });
			// Cancel once the request is at the simulator (bounded wait).
			for (let i = 0; i < 300 && kit.sim.counters().maxInFlight === 0; i++)
				await new Promise((r) => setTimeout(r, 10));
			expect(kit.sim.counters().maxInFlight).toBe(1);
			controller.abort();
			// The harness rejects if the node does not wind down within its grace period.
			const result = await running;
			expect(result.status).toBe('canceled');
		} finally {
			kit.sim.configure({ apiLatencyMs: 0 });
		}
	});
});
