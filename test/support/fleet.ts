/**
 * Several n8n processes in one test: each "member" is a ZohoRuntime of its own
 * (its own token cache, HTTP agent and Redis client) on a shared Redis, as a
 * queue-mode main and its workers are.
 */
import type { Redis } from 'ioredis';

import { systemClock, type Clock } from '../../zoho/clock';
import { RedisLimiter } from '../../zoho/limiter/redisLimiter';
import { RedisLink } from '../../zoho/redis/redisLink';
import { RedisRelay } from '../../zoho/relay/redisRelay';
import { RedisTokenStore, type LeaseTimes } from '../../zoho/token/store/redisTokenStore';
import { connectRedis, createZohoRuntime, type ZohoRuntime } from '../../zoho/runtime';
import { tokenStoreConfig } from '../../zoho/redis/storeConfig';
import type { CooldownPolicy } from '../../zoho/token/store/localMinter';
import type { RetryPolicy } from '../../zoho/http/retry';

export interface FleetMember {
	runtime: ZohoRuntime;
	/** The member's own Redis client: disconnect it to make the member "die" for Redis. */
	client: Redis;
	/** What the member logged. */
	warnings: string[];
}

export interface FleetMemberOptions {
	redisUrl: string;
	prefix: string;
	clock?: Clock;
	lease?: Partial<LeaseTimes>;
	cooldown?: CooldownPolicy;
	apiRetry?: RetryPolicy;
	tokenRetry?: RetryPolicy;
}

export function fleetMember(options: FleetMemberOptions): FleetMember {
	const config = tokenStoreConfig({
		ZOHO_TOKEN_STORE: options.redisUrl,
		ZOHO_TOKEN_STORE_PREFIX: options.prefix,
	});
	if (config.kind !== 'redis') throw new Error('fleetMember needs a Redis URL');
	const client = connectRedis(config.connection) as Redis;
	const warnings: string[] = [];
	const link = new RedisLink({ client, logger: { warn: (message) => warnings.push(message) } });
	const clock = options.clock ?? systemClock;
	const runtime = createZohoRuntime({
		clock,
		fleet: {
			tokenSource: new RedisTokenStore({
				link,
				clock,
				prefix: options.prefix,
				lease: options.lease,
				cooldown: options.cooldown,
			}),
			limiter: new RedisLimiter({ link, prefix: options.prefix }),
			relay: new RedisRelay({ link, prefix: options.prefix, times: { pollMs: 20 } }),
		},
		tokenRetry: options.tokenRetry ?? { retries: 2, baseDelayMs: 5, maxDelayMs: 50 },
		apiRetry: options.apiRetry ?? { retries: 3, baseDelayMs: 5, maxDelayMs: 200 },
	});
	return { runtime, client, warnings };
}

/** Every key and value under `prefix` as text (strings, and sorted-set members with scores), for leak checks. */
export async function dumpRedis(
	client: Redis,
	pattern = '*',
): Promise<Array<{ key: string; text: string }>> {
	const keys = await client.keys(pattern);
	const out: Array<{ key: string; text: string }> = [];
	for (const key of keys) {
		const type = await client.type(key);
		if (type === 'string') out.push({ key, text: (await client.get(key)) ?? '' });
		else if (type === 'zset')
			out.push({ key, text: (await client.zrange(key, 0, -1, 'WITHSCORES')).join(' ') });
		else out.push({ key, text: `[${type}]` });
	}
	return out;
}

/** Polls `condition` every 50 ms, at most `limitMs`. */
export async function eventually(
	condition: () => boolean | Promise<boolean>,
	limitMs = 10_000,
): Promise<void> {
	for (let waited = 0; !(await condition()); waited += 50) {
		if (waited >= limitMs) throw new Error('condition not reached in time');
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}
