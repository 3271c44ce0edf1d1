/**
 * The instant trigger's relay for an n8n fleet, in the Redis the token store uses: Zoho's
 * callbacks may reach any main or webhook process, the consumer runs on n8n's leader.
 * Keys are `<prefix>instant:{<channel key>}:<what>` (braces: one Cluster slot, for the
 * lease scripts). The consumer looks for callbacks every `pollMs` (a blocking pop would
 * hold a connection of its own per trigger); one handed over in its own process wakes it
 * at once. While Redis is away everything goes through this process (LocalRelay): a
 * single main still works, what another process received is lost and caught up.
 */
import { randomUUID } from 'node:crypto';

import type { ChannelRelay, ConsumerLease, RelayCall } from './channelRelay';
import { LocalRelay, MAX_QUEUED_CALLBACKS } from './localRelay';
import { RELEASE_LEASE, RENEW_LEASE, type RedisLink } from '../redis/redisLink';

/** Sets KEYS[2] to ARGV[2] for ARGV[3] ms if KEYS[1] still is the lease ARGV[1]; 0 when it is not. */
const SET_UNDER_LEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) return 1 end return 0`;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Callbacks nobody took within a day are dropped: the consumer's catch-up has read them by then. */
const QUEUE_TTL_MS = DAY_MS;
/** State and announcement outlive a few weeks of a stopped fleet; static data keeps them longer. */
const KEEP_MS = 30 * DAY_MS;

export class RedisRelay implements ChannelRelay {
	readonly kind = 'redis';
	private readonly link: RedisLink;
	private readonly prefix: string;
	private readonly owner: string;
	/** Consumer lease lifetime (renewed every third of it); pause between looks for callbacks other processes queued. */
	private readonly times: { leaseMs: number; pollMs: number };
	private readonly local = new LocalRelay();

	constructor(options: {
		link: RedisLink;
		prefix: string;
		/** Written into the lease, so an operator sees which process consumes, e.g. `host:pid`. */
		owner?: string;
		times?: Partial<RedisRelay['times']>;
	}) {
		this.link = options.link;
		this.prefix = options.prefix;
		this.owner = options.owner ?? 'process';
		this.times = { leaseMs: 30_000, pollMs: 200, ...options.times };
	}

	/** One of a channel's keys: braces keep them in one Cluster slot, for the lease scripts. */
	private key(channel: string, what: 'queue' | 'lease' | 'state' | 'announced'): string {
		return `${this.prefix}instant:{${channel}}:${what}`;
	}

	async handOver(options: RelayCall & { callback: string }): Promise<void> {
		const queue = this.key(options.key, 'queue');
		const kept = await this.link.shared(options.logger, (client) =>
			client
				.multi()
				.rpush(queue, options.callback)
				.ltrim(queue, -MAX_QUEUED_CALLBACKS, -1)
				.pexpire(queue, QUEUE_TTL_MS)
				.exec(),
		);
		if (kept) this.local.notify(options.key);
		else await this.local.handOver(options);
	}

	async take(
		options: RelayCall & { max: number; waitMs: number; signal?: AbortSignal },
	): Promise<string[]> {
		// Waits are timers here, never clock readings (an injected clock may stand still).
		const timeout = AbortSignal.timeout(options.waitMs);
		const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
		for (;;) {
			const taken = await this.local.take({ ...options, waitMs: 0 });
			if (taken.length < options.max)
				taken.push(...(await this.takeShared({ ...options, max: options.max - taken.length })));
			if (taken.length > 0 || signal.aborted) return taken;
			await this.local.waitLocal(options.key, { waitMs: this.times.pollMs, signal });
		}
	}

	async announce(options: RelayCall & { channel: string }): Promise<void> {
		await this.local.announce(options);
		await this.link.shared(options.logger, (client) =>
			client.set(this.key(options.key, 'announced'), options.channel, 'PX', KEEP_MS),
		);
	}

	async announced(options: RelayCall): Promise<string | undefined> {
		const shared = await this.link.shared(options.logger, (client) =>
			client.get(this.key(options.key, 'announced')),
		);
		return shared ?? (await this.local.announced(options));
	}

	async lease(options: RelayCall): Promise<ConsumerLease | undefined> {
		const id = `${this.owner}:${randomUUID()}`;
		const taken = await this.link.shared(options.logger, (client) =>
			client.set(this.key(options.key, 'lease'), id, 'PX', this.times.leaseMs, 'NX'),
		);
		// Redis away: this process decides alone (n8n runs trigger() on its leader only).
		if (taken === undefined) return this.local.lease(options);
		if (taken !== 'OK') return undefined;
		return this.heldLease({ ...options, id });
	}

	async loadState(options: RelayCall): Promise<string | undefined> {
		const shared = await this.link.shared(options.logger, (client) =>
			client.get(this.key(options.key, 'state')),
		);
		return shared ?? (await this.local.loadState(options));
	}

	async close(): Promise<void> {
		await this.local.close();
	}

	private heldLease(options: RelayCall & { id: string }): ConsumerLease {
		const { id, logger } = options;
		const keys = { lease: this.key(options.key, 'lease'), state: this.key(options.key, 'state') };
		let lost = false;
		const renew = setInterval(
			() => {
				void this.link
					.shared(logger, (client) =>
						client.eval(RENEW_LEASE, 1, keys.lease, id, String(this.times.leaseMs)),
					)
					.then((kept) => {
						if (kept === 0) lost = true;
					});
			},
			Math.max(1, Math.floor(this.times.leaseMs / 3)),
		);
		renew.unref();
		return {
			save: async (state) => {
				const kept = await this.link.shared(logger, (client) =>
					client.eval(SET_UNDER_LEASE, 2, keys.lease, keys.state, id, state, String(KEEP_MS)),
				);
				if (kept === 0) lost = true;
			},
			lost: () => lost,
			release: async () => {
				clearInterval(renew);
				this.link.quietly(logger, (client) => client.eval(RELEASE_LEASE, 1, keys.lease, id));
			},
		};
	}

	/** Up to `max` callbacks other processes queued, oldest first. */
	private async takeShared(options: RelayCall & { max: number }): Promise<string[]> {
		const queue = this.key(options.key, 'queue');
		const answer = await this.link.shared(options.logger, (client) =>
			client
				.multi()
				.lrange(queue, 0, options.max - 1)
				.ltrim(queue, options.max, -1)
				.exec(),
		);
		const first = answer?.[0];
		if (!first || first[0] !== null || !Array.isArray(first[1])) return [];
		return first[1].filter((item): item is string => typeof item === 'string');
	}
}
