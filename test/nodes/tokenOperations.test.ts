// Get Access Token, Exchange Grant Code and Revoke Refresh Token as workflows.
import { NodeApiError } from 'n8n-workflow';

import {
	ALL_SCOPES,
	CREDENTIAL_ID,
	jsonOf,
	startKit,
	zohoWorkflow,
	type NodeKit,
	listLeadsWorkflow,
} from './kit';

let kit: NodeKit;
beforeAll(async () => {
	kit = await startKit();
});
afterAll(() => kit.close());
beforeEach(() => kit.sim.resetCounters());

describe('Get Access Token', () => {
	it('outputs a valid token with its api_domain, expiry and scopes, minted once and then cached', async () => {
		const first = jsonOf(
			await kit.run({ workflow: zohoWorkflow({ operation: 'getAccessToken' }) }),
		)[0];
		expect(first).toEqual({
			access_token: expect.stringMatching(/^1000\./),
			token_type: 'Bearer',
			api_domain: kit.sim.url('us'),
			expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			expires_in_s: expect.any(Number),
			scope: ALL_SCOPES.join(' '),
			authorization_header: `Zoho-oauthtoken ${String(first?.access_token)}`,
		});
		expect(first?.expires_in_s).toBeGreaterThan(3590);
		expect(first?.expires_in_s).toBeLessThanOrEqual(3600);
		const second = jsonOf(
			await kit.run({ workflow: zohoWorkflow({ operation: 'getAccessToken' }) }),
		)[0];
		expect(second?.access_token).toBe(first?.access_token);
		expect(kit.sim.mintsFor(kit.refreshToken)).toBe(1);
	});

	it('Force Refresh mints a new token', async () => {
		const before = jsonOf(
			await kit.run({ workflow: zohoWorkflow({ operation: 'getAccessToken' }) }),
		)[0];
		const forced = jsonOf(
			await kit.run({
				workflow: zohoWorkflow({ operation: 'getAccessToken', forceRefresh: true }),
			}),
		)[0];
		expect(forced?.access_token).not.toBe(before?.access_token);
		expect(kit.sim.mintsFor(kit.refreshToken)).toBe(1);
	});

	it('feeds a later step: the token from the chain authenticates a call the simulator accepts', async () => {
		const token = jsonOf(
			await kit.run({ workflow: zohoWorkflow({ operation: 'getAccessToken' }) }),
		)[0];
		const res = await fetch(`${String(token?.api_domain)}/crm/v8/org`, {
			headers: { Authorization: String(token?.authorization_header) },
		});
		expect(res.status).toBe(200);
	});
});

describe('Exchange Grant Code', () => {
	it('turns a grant code into a refresh token with a credential whose Refresh Token is still empty', async () => {
		const data = kit.credentials[CREDENTIAL_ID]?.data ?? {};
		const saved = data.refreshToken;
		data.refreshToken = '';
		try {
			const code = kit.sim.createGrantCode('us', {
				clientId: kit.clientId,
				scopes: ['ZohoCRM.modules.ALL'],
			});
			const out = jsonOf(
				await kit.run({
					workflow: zohoWorkflow({ operation: 'exchangeGrantCode', grantCode: ` ${code} ` }),
				}),
			)[0];
			expect(out).toEqual(
				expect.objectContaining({
					refresh_token: expect.stringMatching(/^1000\./),
					access_token: expect.stringMatching(/^1000\./),
					api_domain: kit.sim.url('us'),
					scope: 'ZohoCRM.modules.ALL',
					next_step: expect.stringContaining('Refresh Token field'),
				}),
			);
			// The new refresh token works: put it into the credential and call the API.
			data.refreshToken = String(out?.refresh_token);
			const call = await kit.run({
				workflow: listLeadsWorkflow(),
			});
			expect(call.error).toBeUndefined();
			// The exchange's own access token is cached for the new refresh token: no second mint.
			expect(kit.sim.mintsFor(String(out?.refresh_token))).toBe(1);

			// A used code is refused with the explanation.
			data.refreshToken = '';
			const again = await kit.run({
				workflow: zohoWorkflow({ operation: 'exchangeGrantCode', grantCode: code }),
			});
			expect(again.error).toBeInstanceOf(NodeApiError);
			expect(again.error?.message).toBe(
				'Zoho rejected the grant code (invalid_code): it has expired or was already used.',
			);
			expect((again.error as NodeApiError).description).toContain('3–10 minutes');
			expect(JSON.stringify(again.error)).not.toContain(code);
		} finally {
			data.refreshToken = saved;
		}
	});

	it('sends the code once: a 500 after Zoho used it says the answer was lost and what to do', async () => {
		const code = kit.sim.createGrantCode('us', {
			clientId: kit.clientId,
			scopes: ['ZohoCRM.modules.ALL'],
		});
		kit.sim.injectFault({
			path: '/oauth/v2/token',
			kind: 'status',
			status: 500,
			afterHandling: true,
			times: Infinity,
		});
		try {
			const result = await kit.run({
				workflow: zohoWorkflow({ operation: 'exchangeGrantCode', grantCode: code }),
			});
			expect(result.error).toBeInstanceOf(NodeApiError);
			expect(result.error?.message).toBe(
				"Zoho may have used the grant code, but its answer was lost: Zoho's accounts server failed with HTTP 500.",
			);
			const description = String((result.error as NodeApiError).description);
			expect(description).toContain('Generate a new grant code');
			expect(description).toContain('Sessions → Connected Apps');
			expect(kit.sim.counters().tokenRequests).toBe(1);
			expect(kit.sim.counters().tokenRequestsByOutcome['authorization_code:success']).toBe(1);
			expect(JSON.stringify(result.error)).not.toContain(code);
		} finally {
			kit.sim.clearFaults();
		}
	});

	it('names the Grant Code field when it is empty', async () => {
		const result = await kit.run({
			workflow: zohoWorkflow({ operation: 'exchangeGrantCode', grantCode: '={{ $json.code }}' }),
		});
		expect(result.error?.constructor.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe('Grant Code is empty.');
		expect(kit.sim.counters().tokenRequests).toBe(0);
	});
});

describe('Revoke Refresh Token', () => {
	it('revokes at Zoho, drops the cached token, and later calls say the refresh token is revoked', async () => {
		const own = await startKit();
		try {
			await own.run({ workflow: zohoWorkflow({ operation: 'getAccessToken' }) });
			const revoked = await own.run({
				workflow: zohoWorkflow({ operation: 'revokeRefreshToken' }),
			});
			expect(jsonOf(revoked)[0]).toEqual(expect.objectContaining({ revoked: true }));
			expect(own.sim.counters().revokes).toBe(1);

			const after = await own.run({
				workflow: zohoWorkflow({ operation: 'apiRequest', method: 'GET', path: '/org' }),
			});
			expect(after.error).toBeInstanceOf(NodeApiError);
			expect(after.error?.message).toBe(
				'Zoho rejected the Refresh Token (invalid_code): it was revoked, mistyped, or belongs to another client or data centre.',
			);
			// The cache was dropped: the failed call went to the token endpoint, not to the API with a dead token.
			expect(own.sim.counters().calls.filter((call) => call.path === '/crm/v8/org')).toHaveLength(
				0,
			);
		} finally {
			await own.close();
			kit.resetRuntime();
		}
	});
});
