// The token cache through createZohoRuntime + ZohoAuth.getToken, against the simulator:
// single-flight, reuse for the token's lifetime, early refresh, no cached failures,
// invalidation after a 401, the LRU bound and the hashed key.
import { ZohoSimulator } from '../../../simulator';
import { parseCredentials, type ZohoCredentials } from '../../../zoho/credentials';
import type { ZohoRuntime, ZohoRuntimeOptions } from '../../../zoho/runtime';
import type { AccessToken } from '../../../zoho/token/accessToken';
import {
	closeOpened,
	expectNoSecrets,
	NO_RETRY,
	openRuntime,
	selfClient,
	SimClock,
	zohoRejection,
	type SelfClient,
} from '../fixtures';

const TOKEN_PATH = '/oauth/v2/token';
const HOUR_MS = 3_600_000;
const sim = new ZohoSimulator({ dataCentres: ['us'] });

beforeAll(() => sim.start());
afterAll(() => sim.stop());
afterEach(async () => {
	sim.clearFaults();
	sim.configure({ tokenLifetimeSec: 3600 });
	await closeOpened();
});

interface Setup {
	client: SelfClient;
	creds: ZohoCredentials;
	clock: SimClock;
	runtime: ZohoRuntime;
}

/** A fresh Self Client, a clock in step with the simulator, and a runtime on that clock. */
function setup(
	options: Pick<ZohoRuntimeOptions, 'maxCachedCredentials' | 'tokenRetry'> = {},
): Setup {
	const client = selfClient(sim);
	const clock = new SimClock(sim);
	const runtime = openRuntime({ clock, ...options });
	return { client, clock, runtime, creds: parseCredentials(client.data) };
}

function parallel(count: number, call: () => Promise<AccessToken>): Promise<AccessToken[]> {
	return Promise.all(Array.from({ length: count }, call));
}

function distinct(tokens: AccessToken[]): string[] {
	return [...new Set(tokens.map((token) => token.accessToken))];
}

describe('single flight and reuse', () => {
	it('100 parallel getToken on a cold cache mint exactly one token', async () => {
		const { client, creds, runtime } = setup();
		const before = sim.counters().tokenRequests;
		const tokens = await parallel(100, () => runtime.auth.getToken(creds));
		expect(distinct(tokens)).toHaveLength(1);
		expect(sim.mintsFor(client.refreshToken)).toBe(1);
		expect(sim.counters().tokenRequests - before).toBe(1);
		expect(runtime.auth.cache.stats.refreshes).toBe(1);
		expect(runtime.auth.cache.stats.joins).toBe(99);
	});

	it('10,000 getToken calls within the lifetime mint one token', async () => {
		const { client, creds, clock, runtime } = setup();
		const first = await runtime.auth.getToken(creds);
		// 10,000 calls spread over 50 minutes, partly in parallel bursts.
		for (let burst = 0; burst < 100; burst++) {
			const tokens = await parallel(100, () => runtime.auth.getToken(creds));
			expect(distinct(tokens)).toEqual([first.accessToken]);
			clock.advance(30_000);
		}
		expect(sim.mintsFor(client.refreshToken)).toBe(1);
		expect(runtime.auth.cache.stats.hits).toBe(10_000);
	});

	it('refreshes once, early, 4 minutes before expiry, even with many parallel callers', async () => {
		const { client, creds, clock, runtime } = setup();
		const first = await runtime.auth.getToken(creds);
		clock.advance(HOUR_MS - 6 * 60_000);
		expect(distinct(await parallel(50, () => runtime.auth.getToken(creds)))).toEqual([
			first.accessToken,
		]);
		expect(sim.mintsFor(client.refreshToken)).toBe(1);

		clock.advance(2 * 60_000); // 4 minutes left: inside the 5-minute margin
		const renewed = await parallel(100, () => runtime.auth.getToken(creds));
		expect(distinct(renewed)).toHaveLength(1);
		expect(renewed[0]?.accessToken).not.toBe(first.accessToken);
		expect(renewed[0]?.issuedAt).toBe(clock.now());
		expect(renewed[0]?.expiresAt).toBe(clock.now() + HOUR_MS);
		expect(sim.mintsFor(client.refreshToken)).toBe(2);
		// And the new one is reused.
		await parallel(100, () => runtime.auth.getToken(creds));
		expect(sim.mintsFor(client.refreshToken)).toBe(2);
	});

	it('with a short lifetime, refreshes no later than half-way', async () => {
		sim.configure({ tokenLifetimeSec: 20 });
		const { client, creds, clock, runtime } = setup();
		const first = await runtime.auth.getToken(creds);
		expect(first.expiresAt - first.issuedAt).toBe(20_000);
		clock.advance(9_999);
		expect((await runtime.auth.getToken(creds)).accessToken).toBe(first.accessToken);
		expect(sim.mintsFor(client.refreshToken)).toBe(1);
		clock.advance(1);
		const second = await runtime.auth.getToken(creds);
		expect(second.accessToken).not.toBe(first.accessToken);
		expect(sim.mintsFor(client.refreshToken)).toBe(2);
	});

	it('drops a token when the clock goes backwards', async () => {
		const { client, creds, clock, runtime } = setup();
		const first = await runtime.auth.getToken(creds);
		clock.set(clock.now() - 60_000);
		const second = await runtime.auth.getToken(creds);
		expect(second.accessToken).not.toBe(first.accessToken);
		expect(sim.mintsFor(client.refreshToken)).toBe(2);
	});
});

describe('failures', () => {
	it('a failed refresh is shared by its waiters and never cached', async () => {
		const { client, creds, runtime } = setup({ tokenRetry: NO_RETRY });
		const before = sim.counters().tokenRequests;
		sim.injectFault({ path: TOKEN_PATH, kind: 'status', status: 500 });
		const failures = await Promise.allSettled(
			Array.from({ length: 20 }, () => runtime.auth.getToken(creds)),
		);
		expect(failures.every((result) => result.status === 'rejected')).toBe(true);
		const reasons = new Set(
			failures.map((result) => (result as PromiseRejectedResult).reason as unknown),
		);
		expect(reasons.size).toBe(1);
		await zohoRejection(Promise.reject([...reasons][0]), 'SERVER_ERROR');
		expect(sim.counters().tokenRequests - before).toBe(1);
		expect(sim.mintsFor(client.refreshToken)).toBe(0);

		const token = await runtime.auth.getToken(creds);
		expect(token.accessToken).toMatch(/^1000\./);
		expect(sim.mintsFor(client.refreshToken)).toBe(1);
		expect(sim.counters().tokenRequests - before).toBe(2);
	});

	it('a refused refresh token is not cached either, and leaks no secret', async () => {
		const { client, creds, runtime } = setup();
		sim.revokeRefreshToken('us', client.refreshToken);
		const before = sim.counters().tokenRequests;
		const first = await zohoRejection(runtime.auth.getToken(creds), 'INVALID_REFRESH_TOKEN');
		await zohoRejection(runtime.auth.getToken(creds), 'INVALID_REFRESH_TOKEN');
		expect(sim.counters().tokenRequests - before).toBe(2);
		expectNoSecrets({ error: first, secrets: [client.clientSecret, client.refreshToken] });
	});
});

describe('invalidation after a 401', () => {
	it('invalidate(credentials, rejectedToken) makes the next getToken mint a new token', async () => {
		const { client, creds, runtime } = setup();
		const first = await runtime.auth.getToken(creds);
		await runtime.auth.invalidate(creds, { accessToken: first.accessToken });
		const second = await runtime.auth.getToken(creds);
		expect(second.accessToken).not.toBe(first.accessToken);
		expect(sim.mintsFor(client.refreshToken)).toBe(2);
	});

	it('many parallel invalidations of the same stale token mint one new token', async () => {
		const { client, creds, runtime } = setup();
		const stale = await runtime.auth.getToken(creds);
		const renewed = await parallel(100, async () => {
			await runtime.auth.invalidate(creds, { accessToken: stale.accessToken });
			return runtime.auth.getToken(creds);
		});
		expect(distinct(renewed)).toHaveLength(1);
		expect(renewed[0]?.accessToken).not.toBe(stale.accessToken);
		expect(sim.mintsFor(client.refreshToken)).toBe(2);

		// A late 401 for the stale token does not drop the new one.
		await runtime.auth.invalidate(creds, { accessToken: stale.accessToken });
		expect((await runtime.auth.getToken(creds)).accessToken).toBe(renewed[0]?.accessToken);
		expect(sim.mintsFor(client.refreshToken)).toBe(2);
	});

	it('a refused token is never taken back, saved or offered, while the refresh runs or after', async () => {
		const { client, creds, runtime } = setup();
		const refused = await runtime.auth.getToken(creds);
		await runtime.auth.invalidate(creds, { accessToken: refused.accessToken });
		expect(runtime.auth.cache.offer(creds.key, refused)).toBe(false);
		expect(runtime.auth.cache.hit(creds.key)).toBeUndefined();
		const [renewed, joined] = await Promise.all([
			runtime.auth.getToken(creds),
			runtime.auth.getToken(creds, { saved: refused }),
		]);
		expect(renewed.accessToken).not.toBe(refused.accessToken);
		expect(joined.accessToken).toBe(renewed.accessToken);
		runtime.auth.cache.invalidate(creds.key);
		expect(runtime.auth.cache.offer(creds.key, refused)).toBe(false);
		expect(runtime.auth.cache.offer(creds.key, renewed)).toBe(true);
		expect(sim.mintsFor(client.refreshToken)).toBe(2);
	});

	it('invalidate without a token drops whatever is cached', async () => {
		const { client, creds, runtime } = setup();
		await runtime.auth.getToken(creds);
		await runtime.auth.invalidate(creds);
		await runtime.auth.getToken(creds);
		expect(sim.mintsFor(client.refreshToken)).toBe(2);
	});

	it('forceRefresh mints even when a fresh token is cached', async () => {
		const { client, creds, runtime } = setup();
		const first = await runtime.auth.getToken(creds);
		const forced = await runtime.auth.getToken(creds, { forceRefresh: true });
		expect(forced.accessToken).not.toBe(first.accessToken);
		expect((await runtime.auth.getToken(creds)).accessToken).toBe(forced.accessToken);
		expect(sim.mintsFor(client.refreshToken)).toBe(2);
	});
});

describe('bounds and keys', () => {
	it('keeps at most maxCachedCredentials entries, evicting the least recently used', async () => {
		const { runtime } = setup({ maxCachedCredentials: 2 });
		const clients = [selfClient(sim), selfClient(sim), selfClient(sim)];
		const [credsA, credsB, credsC] = clients.map((client) => parseCredentials(client.data)) as [
			ZohoCredentials,
			ZohoCredentials,
			ZohoCredentials,
		];
		const mints = () => clients.map((client) => sim.mintsFor(client.refreshToken));

		await runtime.auth.getToken(credsA);
		await runtime.auth.getToken(credsB);
		await runtime.auth.getToken(credsA); // A is now the most recently used
		await runtime.auth.getToken(credsC); // evicts B
		expect(runtime.auth.cache.size).toBe(2);
		expect(runtime.auth.cache.stats.evictions).toBe(1);
		expect(mints()).toEqual([1, 1, 1]);

		await runtime.auth.getToken(credsA);
		await runtime.auth.getToken(credsC);
		expect(mints()).toEqual([1, 1, 1]);
		await runtime.auth.getToken(credsB); // gone: minted again, evicting A
		expect(mints()).toEqual([1, 2, 1]);
		await runtime.auth.getToken(credsA);
		expect(mints()).toEqual([2, 2, 1]);
		expect(runtime.auth.cache.size).toBe(2);
	});

	it('caches under a hash that holds neither the refresh token nor the client id', async () => {
		const { client, creds, runtime } = setup();
		const token = await runtime.auth.getToken(creds);
		expect(creds.key).toMatch(/^[0-9a-f]{32}$/);
		expect(runtime.auth.cache.hit(creds.key)?.accessToken).toBe(token.accessToken);
		for (const value of [
			client.refreshToken,
			client.clientId,
			client.clientSecret,
			client.refreshToken.split('.')[1] ?? '',
		]) {
			expect(creds.key).not.toContain(value);
		}
	});
});
