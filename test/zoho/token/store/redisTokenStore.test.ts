// A fleet of n8n processes (several ZohoRuntimes, each with its own cache and Redis
// client) sharing one Redis and one Zoho simulator: one mint for all, a lease that
// survives its holder's death, compare-and-delete after a 401, nothing usable in
// Redis, Redis outages that fail nothing, a fleet-wide concurrency budget and the
// mint cool-down.
import { Redis } from 'ioredis';

import { ZohoSimulator } from '../../../../simulator';
import { ZohoApi } from '../../../../zoho/api/apiClient';
import { TokenFailureMemo } from '../../../../zoho/token/auth';
import { parseCredentials, type ZohoCredentials } from '../../../../zoho/credentials';
import { ZohoError } from '../../../../zoho/errors';
import { openToken, sealKeys } from '../../../../zoho/token/store/sealedToken';
import {
	dumpRedis,
	eventually,
	fleetMember,
	type FleetMember,
	type FleetMemberOptions,
} from '../../../support/fleet';
import { startRedis, type RedisServer } from '../../../../servers';
import { selfClient, type SelfClient } from '../../fixtures';

const ORG = 'GET /crm/v8/org';
const refusal = {
	code: 'INVALID_TOKEN',
	details: {},
	message: 'invalid oauth token',
	status: 'error',
};

let redis: RedisServer;
let probe: Redis;
const sim = new ZohoSimulator({ dataCentres: ['us'] });
const members: FleetMember[] = [];
let testNumber = 0;
let prefix = '';

beforeAll(async () => {
	redis = await startRedis();
	probe = new Redis(redis.port, '127.0.0.1');
	await sim.start();
});

afterAll(async () => {
	probe.disconnect();
	await redis.stop();
	await sim.stop();
});

beforeEach(() => {
	testNumber++;
	prefix = `fleet-test-${testNumber}:`;
	sim.resetCounters();
});

afterEach(async () => {
	sim.clearFaults();
	sim.configure({ concurrencyLimit: Infinity, apiLatencyMs: 0 });
	await Promise.all(members.splice(0).map((member) => member.runtime.close()));
});

function member(options: Partial<FleetMemberOptions> = {}): FleetMember {
	const created = fleetMember({ redisUrl: redis.url, prefix, ...options });
	members.push(created);
	return created;
}

function fleet(count: number, options: Partial<FleetMemberOptions> = {}): FleetMember[] {
	return Array.from({ length: count }, () => member(options));
}

function getOrg(who: FleetMember, credentials: ZohoCredentials, memo?: TokenFailureMemo) {
	return new ZohoApi(who.runtime.api, { credentials, timeoutMs: 10_000, tokenMemo: memo }).send({
		path: '/crm/v8/org',
	});
}

function credentialsOf(client: SelfClient, extra: Record<string, string> = {}): ZohoCredentials {
	return parseCredentials({ ...client.data, ...extra });
}

function calls(status: number): number {
	return sim.counters().callsByPathStatus[`${ORG} ${status}`] ?? 0;
}

/** The token Redis holds for a credential, opened with the credential's own secrets. */
async function sharedToken(credentials: ZohoCredentials) {
	const key = `${prefix}{${credentials.key}}:token`;
	const sealed = await probe.get(key);
	return sealed === null ? undefined : openToken({ keys: sealKeys(credentials), sealed, aad: key });
}

describe('one token for the fleet', () => {
	it('4 processes × 25 concurrent calls on cold caches → 1 mint; a process started later mints nothing', async () => {
		const client = selfClient(sim);
		const credentials = credentialsOf(client);
		const results = await Promise.all(
			fleet(4).flatMap((who) => Array.from({ length: 25 }, () => getOrg(who, credentials))),
		);
		expect(results.map((res) => res.status)).toEqual(Array(100).fill(200));
		expect(new Set(results.map((res) => res.token.accessToken)).size).toBe(1);
		expect(sim.mintsFor(client.refreshToken)).toBe(1);

		const late = member();
		expect((await getOrg(late, credentials)).status).toBe(200);
		expect(sim.mintsFor(client.refreshToken)).toBe(1);
		expect(calls(200)).toBe(101);
		expect((await sharedToken(credentials))?.accessToken).toBe(results[0]?.token.accessToken);
	});

	it('keeps nothing usable in Redis: hashed keys, sealed values, no secret or token anywhere', async () => {
		const client = selfClient(sim);
		const credentials = credentialsOf(client, { concurrencyLimit: 'free' });
		const [first, second] = fleet(2);
		const token = (await getOrg(first as FleetMember, credentials)).token;
		await getOrg(second as FleetMember, credentials);
		// A refused fresh token leaves its marks (refusal fingerprint) too.
		sim.injectFault({ path: '/crm/v8/org', kind: 'status', status: 401, body: refusal });
		const renewed = (await getOrg(first as FleetMember, credentials)).token;

		const dump = await dumpRedis(probe, `${prefix}*`);
		expect(
			dump
				.map((entry) => entry.key.replace(credentials.key, 'K').replace(credentials.limitKey, 'L'))
				.sort(),
		).toEqual([`${prefix}{K}:refused`, `${prefix}{K}:token`]);
		const everything = dump.map((entry) => `${entry.key} ${entry.text}`).join('\n');
		for (const secret of [
			client.clientSecret,
			client.refreshToken,
			client.clientId,
			token.accessToken,
			renewed.accessToken,
		]) {
			expect(everything).not.toContain(secret);
		}
		// Opened only with the credential's own secrets.
		expect((await sharedToken(credentials))?.accessToken).toBe(renewed.accessToken);
		const key = `${prefix}{${credentials.key}}:token`;
		const sealed = (await probe.get(key)) as string;
		expect(
			openToken({
				keys: sealKeys({ ...credentials, clientSecret: `${credentials.clientSecret}x` }),
				sealed,
				aad: key,
			}),
		).toBeUndefined();
		expect(openToken({ keys: sealKeys(credentials), sealed, aad: `${key}2` })).toBeUndefined();
		const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}`;
		expect(openToken({ keys: sealKeys(credentials), sealed: tampered, aad: key })).toBeUndefined();
	});

	it('a lease holder that dies mid-mint: another process mints once the lease runs out', async () => {
		const client = selfClient(sim);
		const credentials = credentialsOf(client);
		const lease = { leaseMs: 500, waitMs: 20_000, pollMs: 50 };
		const holder = member({ lease });
		const other = member({ lease });
		// The holder's token request hangs long enough for it to "die" while holding the lease.
		sim.injectFault({ path: '/oauth/v2/token', kind: 'delay', delayMs: 5_000 });
		let holderDone = false;
		const holderToken = holder.runtime.auth.getToken(credentials).finally(() => {
			holderDone = true;
		});
		await eventually(async () => (await probe.exists(`${prefix}{${credentials.key}}:lease`)) === 1);
		holder.client.disconnect();

		const token = await other.runtime.auth.getToken(credentials);
		// The other process did not wait for the dead holder's mint.
		expect(holderDone).toBe(false);
		expect((await sharedToken(credentials))?.accessToken).toBe(token.accessToken);

		// The holder's own mint still ends (its Redis is gone: it keeps the token for itself).
		expect((await holderToken).accessToken).not.toBe(token.accessToken);
		expect(sim.mintsFor(client.refreshToken)).toBe(2);
		expect(holder.warnings).toHaveLength(1);
		expect(other.warnings).toHaveLength(0);
	});

	it('a stale 401 from one process does not discard the newer token another process minted', async () => {
		const client = selfClient(sim);
		const credentials = credentialsOf(client);
		const [first, second] = fleet(2) as [FleetMember, FleetMember];
		const original = (await getOrg(first, credentials)).token;
		expect((await getOrg(second, credentials)).token.accessToken).toBe(original.accessToken);

		// Zoho refuses the token to the first process: it mints a replacement.
		sim.injectFault({ path: '/crm/v8/org', kind: 'status', status: 401, body: refusal });
		const replacement = (await getOrg(first, credentials)).token;
		expect(replacement.accessToken).not.toBe(original.accessToken);
		expect(sim.mintsFor(client.refreshToken)).toBe(2);

		// Later the second process, still holding the old token, sees a 401 for it too.
		sim.injectFault({ path: '/crm/v8/org', kind: 'status', status: 401, body: refusal });
		expect((await getOrg(second, credentials)).token.accessToken).toBe(replacement.accessToken);
		expect((await sharedToken(credentials))?.accessToken).toBe(replacement.accessToken);
		expect((await getOrg(member(), credentials)).token.accessToken).toBe(replacement.accessToken);
		expect(sim.mintsFor(client.refreshToken)).toBe(2);
		expect(calls(401)).toBe(2);
	});
});

describe('a fleet-wide concurrency budget', () => {
	it('limit 5 across 3 processes against a Zoho that allows 5: never more than 5 in flight, no 429', async () => {
		sim.configure({ concurrencyLimit: 5, apiLatencyMs: 40 });
		const client = selfClient(sim);
		const credentials = credentialsOf(client, { concurrencyLimit: 'free' });
		const processes = fleet(3);
		await getOrg(processes[0] as FleetMember, credentials);
		sim.resetCounters();
		const results = await Promise.all(
			processes.flatMap((who) => Array.from({ length: 20 }, () => getOrg(who, credentials))),
		);
		expect(results).toHaveLength(60);
		expect(calls(200)).toBe(60);
		expect(calls(429)).toBe(0);
		expect(sim.counters().maxInFlight).toBeLessThanOrEqual(5);
		expect(sim.counters().maxInFlight).toBeGreaterThan(1);
		// Every slot was given back.
		expect(await probe.zcard(`${prefix}{${credentials.limitKey}}:slots`)).toBe(0);
	});

	it('without the limit the same load draws 429s (what the limit prevents)', async () => {
		sim.configure({ concurrencyLimit: 5, apiLatencyMs: 40 });
		const client = selfClient(sim);
		const credentials = credentialsOf(client);
		const processes = fleet(3, { apiRetry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } });
		await getOrg(processes[0] as FleetMember, credentials);
		sim.resetCounters();
		const results = await Promise.allSettled(
			processes.flatMap((who) => Array.from({ length: 20 }, () => getOrg(who, credentials))),
		);
		expect(calls(429)).toBeGreaterThan(0);
		expect(results.filter((result) => result.status === 'rejected').length).toBe(calls(429));
	});

	it('a slot held by a process that died expires; a call waits within its Timeout and then says why', async () => {
		const client = selfClient(sim);
		const credentials = credentialsOf(client, {
			concurrencyLimit: 'custom',
			customConcurrencyLimit: '1',
		});
		const who = member();
		await getOrg(who, credentials);
		const slots = `${prefix}{${credentials.limitKey}}:slots`;
		// A dead process's slot, expiring 300 ms from now on Redis's clock.
		const [seconds, micros] = (await probe.time()) as [number, number];
		await probe.zadd(
			slots,
			Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) + 300,
			'dead-process-slot',
		);
		expect((await getOrg(who, credentials)).status).toBe(200);

		// A slot that does not expire in time: the call gives up after its Timeout, with the reason.
		await probe.zadd(slots, Date.now() + 600_000, 'stuck-slot');
		const error = await new ZohoApi(who.runtime.api, { credentials, timeoutMs: 300 })
			.send({ path: '/crm/v8/org' })
			.then(
				() => undefined,
				(caught: unknown) => caught,
			);
		expect(error).toBeInstanceOf(ZohoError);
		expect((error as ZohoError).code).toBe('CONCURRENCY_WAIT');
		expect((error as ZohoError).message).toBe(
			"No free slot within the Timeout (300 ms): the credential's Concurrency Limit (1 calls at once) was in use the whole time.",
		);
		expect((error as ZohoError).field).toBe('Concurrency Limit');
	});
});

describe('no mint storm', () => {
	it('an API refusing every fresh token: 60 executions on 3 processes make at most 2 mints, each failing with the reason', async () => {
		const client = selfClient(sim);
		const credentials = credentialsOf(client);
		sim.injectFault({
			path: '/crm/v8/org',
			kind: 'status',
			status: 401,
			body: refusal,
			times: Infinity,
		});
		const processes = fleet(3);
		const outcomes = await Promise.allSettled(
			processes.flatMap((who) =>
				Array.from({ length: 20 }, () => getOrg(who, credentials, new TokenFailureMemo())),
			),
		);
		const later = await Promise.allSettled(
			processes.flatMap((who) =>
				Array.from({ length: 5 }, () => getOrg(who, credentials, new TokenFailureMemo())),
			),
		);
		const errors = [...outcomes, ...later].map((outcome) =>
			outcome.status === 'rejected' ? (outcome.reason as ZohoError) : undefined,
		);
		expect(errors.every((error) => error instanceof ZohoError)).toBe(true);
		const codes = new Set(errors.map((error) => error?.code));
		expect([...codes].every((code) => code === 'INVALID_TOKEN' || code === 'TOKEN_COOLDOWN')).toBe(
			true,
		);
		expect(sim.mintsFor(client.refreshToken)).toBe(2);
		// Executions after the cool-down began are told why nothing is tried.
		const cooled = later.map((outcome) => (outcome as PromiseRejectedResult).reason as ZohoError);
		expect(cooled.map((error) => error.code)).toEqual(Array(15).fill('TOKEN_COOLDOWN'));
		expect(cooled[0]?.message).toMatch(
			/^Zoho refused two access tokens right after issuing them \(401 INVALID_TOKEN\), so no new token is requested for this credential until \d{4}-/,
		);
		expect(cooled[0]?.hint).toContain('10 per refresh token in 10 minutes');
	});
});

describe('Redis trouble fails no workflow', () => {
	let own: RedisServer;
	beforeAll(async () => {
		own = await startRedis();
	});
	afterAll(() => own.stop());

	/** The same Redis again, empty, on its port (a Redis restart). */
	async function restartOwn(): Promise<void> {
		own = await startRedis({ port: own.port });
	}

	it('Redis killed mid-run: calls go on, one warning per process, mints bounded by processes; restarted: shared again', async () => {
		const processes = fleet(3, { redisUrl: own.url });
		const warm = selfClient(sim);
		const warmCredentials = credentialsOf(warm);
		await Promise.all(processes.map((who) => getOrg(who, warmCredentials)));
		expect(sim.mintsFor(warm.refreshToken)).toBe(1);

		await own.stop();
		const during = await Promise.all(
			processes.flatMap((who) => Array.from({ length: 10 }, () => getOrg(who, warmCredentials))),
		);
		expect(during.every((res) => res.status === 200)).toBe(true);
		expect(sim.mintsFor(warm.refreshToken)).toBe(1);
		// A credential first used during the outage: each process mints for itself, once.
		const cold = selfClient(sim);
		const coldCredentials = credentialsOf(cold, { concurrencyLimit: 'standard' });
		const coldRuns = await Promise.all(
			processes.flatMap((who) => Array.from({ length: 10 }, () => getOrg(who, coldCredentials))),
		);
		expect(coldRuns.every((res) => res.status === 200)).toBe(true);
		expect(sim.mintsFor(cold.refreshToken)).toBe(3);
		await eventually(() => processes.every((who) => who.warnings.length === 1));
		expect(processes[0]?.warnings[0]).toMatch(
			/^Zoho token store: Redis is not available \(.+\)\. This process now uses its own token cache/,
		);

		await restartOwn();
		await eventually(() => processes.every((who) => who.client.status === 'ready'));
		const after = selfClient(sim);
		const afterCredentials = credentialsOf(after);
		const afterRuns = await Promise.all(
			processes.flatMap((who) => Array.from({ length: 10 }, () => getOrg(who, afterCredentials))),
		);
		expect(afterRuns.every((res) => res.status === 200)).toBe(true);
		expect(sim.mintsFor(after.refreshToken)).toBe(1);
		expect(processes.map((who) => who.warnings.length)).toEqual([1, 1, 1]);
	});

	it('a slow Redis (every client paused) costs one command timeout: the call succeeds on its own, one warning', async () => {
		const alone = member({ redisUrl: own.url });
		await eventually(() => alone.client.status === 'ready');
		const pauser = new Redis(own.port, '127.0.0.1');
		await pauser.client('PAUSE', '3000', 'ALL');
		pauser.disconnect();
		const client = selfClient(sim);
		expect((await getOrg(alone, credentialsOf(client, { concurrencyLimit: 'free' }))).status).toBe(
			200,
		);
		expect(sim.mintsFor(client.refreshToken)).toBe(1);
		expect(alone.warnings).toEqual([
			expect.stringMatching(/^Zoho token store: Redis is not available \(Command timed out\)/),
		]);
	});

	it('a process that starts while Redis is down works on its own after a bounded wait', async () => {
		await own.stop();
		const alone = member({ redisUrl: own.url });
		const client = selfClient(sim);
		expect((await getOrg(alone, credentialsOf(client))).status).toBe(200);
		expect(sim.mintsFor(client.refreshToken)).toBe(1);
		expect(alone.warnings).toHaveLength(1);
	});
});
