// The promise of the node: items and executions in one process share one token.
import {
	callCount,
	items,
	jsonOf,
	startKit,
	zohoWorkflow,
	CREDENTIAL_ID,
	type NodeKit,
} from './kit';
import { until } from '../zoho/fixtures';
import { createZohoRuntime } from '../../zoho/runtime';
import { parseCredentials, tokenFields } from '../../zoho/credentials';

let kit: NodeKit;
beforeAll(async () => {
	kit = await startKit();
});
afterAll(() => kit.close());
beforeEach(() => {
	kit.sim.clearFaults();
	kit.sim.resetCounters();
	kit.resetRuntime();
});

const getOrg = zohoWorkflow({
	operation: 'apiRequest',
	method: 'GET',
	path: '/org',
	options: { maxConcurrency: 10 },
});

describe('token economy', () => {
	it('100 items → 1 mint', async () => {
		const result = await kit.run({ workflow: getOrg, inputItems: items(100) });
		expect(jsonOf(result)).toHaveLength(100);
		expect(kit.sim.mintsFor(kit.refreshToken)).toBe(1);
		expect(kit.sim.counters().callsByPathStatus['GET /crm/v8/org 200']).toBe(100);
	});

	it('20 executions started at once on a cold cache → 1 mint, and 20 more later → still 1', async () => {
		const runs = await Promise.all(
			Array.from({ length: 20 }, () => kit.run({ workflow: getOrg, inputItems: items(5) })),
		);
		expect(runs.map((run) => run.status)).toEqual(Array(20).fill('success'));
		for (let i = 0; i < 20; i++) await kit.run({ workflow: getOrg });
		expect(kit.sim.mintsFor(kit.refreshToken)).toBe(1);
		expect(kit.sim.counters().callsByPathStatus['GET /crm/v8/org 200']).toBe(120);
	});

	it('reuses a token another n8n process saved in the credential instead of minting', async () => {
		const other = createZohoRuntime();
		const data = kit.credentials[CREDENTIAL_ID]?.data ?? {};
		try {
			const token = await other.auth.getToken(parseCredentials(data));
			Object.assign(data, tokenFields(token));
			kit.sim.resetCounters();
			const result = await kit.run({ workflow: getOrg, inputItems: items(3) });
			expect(result.error).toBeUndefined();
			expect(kit.sim.mintsFor(kit.refreshToken)).toBe(0);
			expect(kit.sim.counters().authorizationHeaders.map((seen) => seen.value)).toEqual(
				Array(3).fill(`Zoho-oauthtoken ${token.accessToken}`),
			);
		} finally {
			Object.assign(data, {
				accessToken: '',
				accessTokenExpiresAt: '',
				accessTokenIssuedAt: '',
				apiDomain: '',
			});
			await other.close();
		}
	});

	it('a saved token Zoho refused is not taken back while the new one is minted: one 401, one mint', async () => {
		const data = kit.credentials[CREDENTIAL_ID]?.data ?? {};
		// Saved by another process, still "fresh" by its dates, but Zoho no longer knows it (revoked, evicted).
		const refused = `1000.${'a'.repeat(32)}.${'b'.repeat(32)}`;
		Object.assign(
			data,
			tokenFields({
				accessToken: refused,
				apiDomain: kit.sim.url('us'),
				tokenType: 'Bearer',
				issuedAt: Date.now(),
				expiresAt: Date.now() + 3_000_000,
			}),
		);
		// The refresh stays in flight long enough for a second execution to start meanwhile.
		kit.sim.injectFault({ path: '/oauth/v2/token', kind: 'delay', delayMs: 800 });
		try {
			const first = kit.run({ workflow: getOrg });
			await until(
				() =>
					callCount(kit.sim, 'GET /crm/v8/org 401') === 1 && kit.sim.counters().tokenRequests === 1,
			);
			// Its credential still carries the refused token; four items at once.
			const second = kit.run({
				workflow: zohoWorkflow({
					operation: 'apiRequest',
					method: 'GET',
					path: '/org',
					options: { maxConcurrency: 4 },
				}),
				inputItems: items(4),
			});
			const runs = await Promise.all([first, second]);
			expect(runs.map((run) => run.error)).toEqual([undefined, undefined]);
			expect(callCount(kit.sim, 'GET /crm/v8/org 401')).toBe(1);
			expect(callCount(kit.sim, 'GET /crm/v8/org 200')).toBe(5);
			expect(kit.sim.mintsFor(kit.refreshToken)).toBe(1);
			const sent = kit.sim.counters().authorizationHeaders.map((seen) => seen.value);
			expect(sent.filter((value) => value === `Zoho-oauthtoken ${refused}`)).toHaveLength(1);
		} finally {
			Object.assign(data, {
				accessToken: '',
				accessTokenExpiresAt: '',
				accessTokenIssuedAt: '',
				apiDomain: '',
			});
		}
	});
});
