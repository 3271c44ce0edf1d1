// The instant trigger's relay: callbacks from any process reach the one consumer in order,
// the lease keeps a second consumer out, the state outlives the consumer, and a Redis
// outage falls back to this process. Redis is a real redis-server.
import { Redis } from 'ioredis';

import type { ChannelRelay } from '../../../zoho/relay/channelRelay';
import { LocalRelay } from '../../../zoho/relay/localRelay';
import { RedisLink } from '../../../zoho/redis/redisLink';
import { RedisRelay } from '../../../zoho/relay/redisRelay';
import { connectRedis } from '../../../zoho/runtime';
import { tokenStoreConfig } from '../../../zoho/redis/storeConfig';
import { startRedis, type RedisServer } from '../../../servers';

let redis: RedisServer;
let probe: Redis;
const links: RedisLink[] = [];
let prefix = '';
let testNumber = 0;

/** A relay of one "n8n process": its own Redis client. */
function member(options: { leaseMs?: number } = {}): { relay: RedisRelay; warnings: string[] } {
	const config = tokenStoreConfig({ ZOHO_TOKEN_STORE: redis.url });
	if (config.kind !== 'redis') throw new Error('a Redis URL is needed');
	const warnings: string[] = [];
	const link = new RedisLink({
		client: connectRedis(config.connection),
		logger: { warn: (message) => warnings.push(message) },
		restMs: 50,
	});
	links.push(link);
	return {
		relay: new RedisRelay({
			link,
			prefix,
			owner: `member-${links.length}`,
			times: { pollMs: 20, leaseMs: options.leaseMs ?? 30_000 },
		}),
		warnings,
	};
}

beforeAll(async () => {
	redis = await startRedis();
	probe = new Redis(redis.port, '127.0.0.1');
});

afterAll(async () => {
	probe.disconnect();
	await redis.stop();
});

beforeEach(() => {
	testNumber++;
	prefix = `relay-test-${testNumber}:`;
});

afterEach(async () => {
	await Promise.all(links.splice(0).map((link) => link.close()));
});

describe.each<[string, () => { relay: ChannelRelay; other: ChannelRelay }]>([
	[
		'LocalRelay (one process)',
		() => {
			const relay = new LocalRelay();
			return { relay, other: relay };
		},
	],
	['RedisRelay (two processes)', () => ({ relay: member().relay, other: member().relay })],
])('%s', (_name, make) => {
	it('hands callbacks over to the consumer in order, at most `max` at a time', async () => {
		const { relay, other } = make();
		for (const n of [1, 2, 3]) await other.handOver({ key: 'c1', callback: `cb${n}` });
		await other.handOver({ key: 'c2', callback: 'elsewhere' });
		expect(await relay.take({ key: 'c1', max: 2, waitMs: 0 })).toEqual(['cb1', 'cb2']);
		expect(await relay.take({ key: 'c1', max: 10, waitMs: 0 })).toEqual(['cb3']);
		expect(await relay.take({ key: 'c1', max: 10, waitMs: 0 })).toEqual([]);
		expect(await relay.take({ key: 'c2', max: 10, waitMs: 0 })).toEqual(['elsewhere']);
	});

	it('wakes a waiting consumer with a callback handed over while it waits', async () => {
		const { relay, other } = make();
		const waiting = relay.take({ key: 'c1', max: 10, waitMs: 30_000 });
		await other.handOver({ key: 'c1', callback: 'late' });
		expect(await waiting).toEqual(['late']);
	});

	it('ends a wait when the consumer stops, with nothing taken', async () => {
		const { relay } = make();
		const stop = new AbortController();
		const waiting = relay.take({ key: 'c1', max: 10, waitMs: 30_000, signal: stop.signal });
		stop.abort();
		expect(await waiting).toEqual([]);
	});

	it('gives the lease to one consumer at a time, and its state to the next', async () => {
		const { relay, other } = make();
		const first = await relay.lease({ key: 'c1' });
		expect(first).toBeDefined();
		expect(await other.lease({ key: 'c1' })).toBeUndefined();
		await first?.save('{"seq":1}');
		await first?.release();
		const second = await other.lease({ key: 'c1' });
		expect(second?.lost()).toBe(false);
		expect(await other.loadState({ key: 'c1' })).toBe('{"seq":1}');
		await second?.release();
	});

	it('passes on what the webhook side announces', async () => {
		const { relay, other } = make();
		expect(await relay.announced({ key: 'c1' })).toBeUndefined();
		await other.announce({ key: 'c1', channel: '{"notifyUrl":"https://n8n.example/webhook"}' });
		expect(await relay.announced({ key: 'c1' })).toBe(
			'{"notifyUrl":"https://n8n.example/webhook"}',
		);
	});
});

describe('RedisRelay', () => {
	it('keeps its keys under the prefix in one Cluster slot per channel, callbacks for a day at most', async () => {
		const { relay } = member();
		await relay.handOver({ key: '1234', callback: 'cb' });
		await relay.announce({ key: '1234', channel: 'x' });
		const lease = await relay.lease({ key: '1234' });
		await lease?.save('state');
		expect((await probe.keys(`${prefix}*`)).sort()).toEqual(
			['announced', 'lease', 'queue', 'state'].map((what) => `${prefix}instant:{1234}:${what}`),
		);
		const ttl = await probe.pttl(`${prefix}instant:{1234}:queue`);
		expect(ttl).toBeGreaterThan(0);
		expect(ttl).toBeLessThanOrEqual(24 * 60 * 60 * 1000);
		expect(await probe.get(`${prefix}instant:{1234}:lease`)).toMatch(/^member-1:/);
		await lease?.release();
	});

	it('knows its lease lost when another consumer holds it, and saves no state then', async () => {
		const { relay } = member({ leaseMs: 90 });
		const lease = await relay.lease({ key: 'c1' });
		// The lease lapsed (a stalled process) and another consumer took it.
		await probe.set(`${prefix}instant:{c1}:lease`, 'someone-else', 'PX', 60_000);
		await lease?.save('stale');
		expect(lease?.lost()).toBe(true);
		expect(await relay.loadState({ key: 'c1' })).toBeUndefined();
		await lease?.release();
		expect(await probe.get(`${prefix}instant:{c1}:lease`)).toBe('someone-else');
	});

	it('while Redis is away keeps callbacks and the lease in this process, and says so once', async () => {
		const { relay, warnings } = member();
		await redis.stop();
		try {
			await relay.handOver({ key: 'c1', callback: 'during the outage' });
			await relay.handOver({ key: 'c1', callback: 'still away' });
			expect(await relay.take({ key: 'c1', max: 10, waitMs: 0 })).toEqual([
				'during the outage',
				'still away',
			]);
			const lease = await relay.lease({ key: 'c1' });
			expect(lease).toBeDefined();
			await lease?.release();
			expect(warnings).toHaveLength(1);
			expect(warnings[0]).toMatch(/Redis is not available/);
		} finally {
			redis = await startRedis({ port: redis.port });
			probe.disconnect();
			probe = new Redis(redis.port, '127.0.0.1');
		}
	});
});
