/** Zoho's Concurrency Limit for the whole fleet: a semaphore in a Redis sorted set that every process sharing the store counts against. */
import { randomUUID } from 'node:crypto';

import {
	slotWaitError,
	type AcquireOptions,
	type ConcurrencyLimiter,
	type ReleaseSlot,
} from './concurrencyLimit';
import { abortableWait } from '../http/wait';
import type { Logger } from '../logger';
import { LocalLimiter } from './localLimiter';
import { StoreUnavailable, type RedisLink } from '../redis/redisLink';

/**
 * One slot of ARGV[1] in the sorted set KEYS[1] (member ARGV[3], scored by its
 * expiry on Redis's own clock, so hosts' clocks do not matter): expired slots
 * (of processes that died) are dropped first.
 */
const ACQUIRE_SLOT = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
	redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
	if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
	return 1
end
return 0`;

/** A semaphore in a Redis sorted set: every process sharing the store counts against one limit. */
export class RedisLimiter implements ConcurrencyLimiter {
	private readonly link: RedisLink;
	private readonly prefix: string;
	private readonly pollMs: number;
	private readonly fallback = new LocalLimiter();
	/** This process's waiters per key: a slot released here wakes one at once instead of at its next poll. */
	private readonly wakers = new Map<string, Array<() => void>>();

	constructor(options: { link: RedisLink; prefix: string; pollMs?: number }) {
		this.link = options.link;
		this.prefix = options.prefix;
		this.pollMs = options.pollMs ?? 20;
	}

	async acquire(options: AcquireOptions): Promise<ReleaseSlot> {
		if (!(await this.link.usable(options.logger))) return this.fallback.acquire(options);
		const key = `${this.prefix}{${options.key}}:slots`;
		const member = randomUUID();
		const timeout = AbortSignal.timeout(options.waitMs);
		try {
			for (;;) {
				const got = await this.link.run(options.logger, (client) =>
					client.eval(ACQUIRE_SLOT, 1, key, String(options.limit), String(options.holdMs), member),
				);
				if (got === 1)
					return this.releaser({ key, member, wakeKey: options.key, logger: options.logger });
				if (timeout.aborted) throw slotWaitError(options);
				await this.nextChance(options.key, options.signal);
			}
		} catch (error) {
			if (error instanceof StoreUnavailable) return this.fallback.acquire(options);
			throw error;
		}
	}

	private releaser(options: {
		key: string;
		member: string;
		wakeKey: string;
		logger?: Logger;
	}): ReleaseSlot {
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.link.quietly(options.logger, (client) => client.zrem(options.key, options.member));
			this.wakers.get(options.wakeKey)?.shift()?.();
		};
	}

	/** Resolves after a poll interval, or sooner when this process frees a slot of `key`. */
	private nextChance(key: string, signal?: AbortSignal): Promise<void> {
		const woken = () => ({ value: undefined });
		return abortableWait<void>({
			signal,
			timeout: { ms: this.pollMs * (1 + Math.random()), end: woken },
			start: (end) => {
				const wake = () => end(woken());
				const list = this.wakers.get(key);
				if (list) list.push(wake);
				else this.wakers.set(key, [wake]);
				return () => {
					const waiting = this.wakers.get(key);
					const index = waiting ? waiting.indexOf(wake) : -1;
					if (waiting && index >= 0) waiting.splice(index, 1);
					if (waiting?.length === 0) this.wakers.delete(key);
				};
			},
		});
	}
}
