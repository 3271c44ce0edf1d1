// The same promises inside one process without Redis: the in-process token store
// keeps the mint cool-down, the in-process limiter the credential's concurrency limit.
import { ZohoSimulator } from '../../../../simulator';
import { ZohoApi } from '../../../../zoho/api/apiClient';
import { TokenFailureMemo } from '../../../../zoho/token/auth';
import { LocalLimiter } from '../../../../zoho/limiter/localLimiter';
import { parseCredentials, type ZohoCredentials } from '../../../../zoho/credentials';
import { ZohoError } from '../../../../zoho/errors';
import type { ZohoRuntime } from '../../../../zoho/runtime';
import { DEFAULT_COOLDOWN, LocalMinter } from '../../../../zoho/token/store/localMinter';
import { closeOpened, openRuntime, rejectionOf, selfClient, SimClock } from '../../fixtures';

const sim = new ZohoSimulator({ dataCentres: ['us'] });
const refusal = {
	code: 'INVALID_TOKEN',
	details: {},
	message: 'invalid oauth token',
	status: 'error',
};

beforeAll(() => sim.start());
afterAll(() => sim.stop());
beforeEach(() => sim.resetCounters());
afterEach(async () => {
	sim.clearFaults();
	sim.configure({ concurrencyLimit: Infinity, apiLatencyMs: 0 });
	await closeOpened();
});

function getOrg(runtime: ZohoRuntime, credentials: ZohoCredentials, memo?: TokenFailureMemo) {
	return new ZohoApi(runtime.api, { credentials, timeoutMs: 10_000, tokenMemo: memo }).send({
		path: '/crm/v8/org',
	});
}

describe('in one process, without Redis', () => {
	it('keeps the Concurrency Limit: 40 parallel calls, Zoho allowing 5 → at most 5 in flight, no 429', async () => {
		sim.configure({ concurrencyLimit: 5, apiLatencyMs: 30 });
		const client = selfClient(sim);
		const credentials = parseCredentials({ ...client.data, concurrencyLimit: 'free' });
		const runtime = openRuntime();
		expect(runtime.tokenSource).toBeInstanceOf(LocalMinter);
		const results = await Promise.all(
			Array.from({ length: 40 }, () => getOrg(runtime, credentials)),
		);
		expect(results.map((res) => res.status)).toEqual(Array(40).fill(200));
		const counters = sim.counters();
		expect(counters.callsByPathStatus['GET /crm/v8/org 429']).toBeUndefined();
		expect(counters.maxInFlight).toBeLessThanOrEqual(5);
		expect(counters.maxInFlight).toBeGreaterThan(1);
	});

	it('keeps the mint cool-down: 30 executions against an API refusing every token → 2 mints', async () => {
		const client = selfClient(sim);
		const credentials = parseCredentials(client.data);
		sim.injectFault({
			path: '/crm/v8/org',
			kind: 'status',
			status: 401,
			body: refusal,
			times: Infinity,
		});
		const runtime = openRuntime();
		const first = await Promise.allSettled(
			Array.from({ length: 20 }, () => getOrg(runtime, credentials, new TokenFailureMemo())),
		);
		const later = await Promise.allSettled(
			Array.from({ length: 10 }, () => getOrg(runtime, credentials, new TokenFailureMemo())),
		);
		expect(
			[...first, ...later].every(
				(outcome) => outcome.status === 'rejected' && outcome.reason instanceof ZohoError,
			),
		).toBe(true);
		expect(
			later.map((outcome) => ((outcome as PromiseRejectedResult).reason as ZohoError).code),
		).toEqual(Array(10).fill('TOKEN_COOLDOWN'));
		expect(sim.mintsFor(client.refreshToken)).toBe(2);
	});

	it('a refused token (evicted, revoked elsewhere) still gets its one refresh and retry; refusals a minute apart start no cool-down', async () => {
		const client = selfClient(sim);
		const credentials = parseCredentials(client.data);
		const clock = new SimClock(sim);
		const runtime = openRuntime({ clock });
		await getOrg(runtime, credentials);
		sim.injectFault({ path: '/crm/v8/org', kind: 'status', status: 401, body: refusal });
		expect((await getOrg(runtime, credentials)).status).toBe(200);
		clock.advance(DEFAULT_COOLDOWN.freshRefusalMs);
		sim.injectFault({ path: '/crm/v8/org', kind: 'status', status: 401, body: refusal });
		expect((await getOrg(runtime, credentials)).status).toBe(200);
		expect(sim.mintsFor(client.refreshToken)).toBe(3);
	});
});

describe('LocalLimiter', () => {
	it('hands a freed slot to the next waiter, gives up after the wait and on cancel', async () => {
		const limiter = new LocalLimiter();
		const options = { key: 'k', limit: 1, waitMs: 10_000, holdMs: 1_000 };
		const release = await limiter.acquire(options);
		const next = limiter.acquire(options);
		expect(limiter.active('k')).toBe(1);
		release();
		release(); // a second release does nothing
		(await next)();
		expect(limiter.active('k')).toBe(0);

		const held = await limiter.acquire(options);
		const timedOut = (await rejectionOf(limiter.acquire({ ...options, waitMs: 20 }))) as ZohoError;
		expect(timedOut.code).toBe('CONCURRENCY_WAIT');
		const controller = new AbortController();
		const cancelled = limiter.acquire({ ...options, signal: controller.signal });
		controller.abort();
		expect(((await rejectionOf(cancelled)) as ZohoError).code).toBe('ABORTED');
		held();
		expect(limiter.active('k')).toBe(0);
	});
});
