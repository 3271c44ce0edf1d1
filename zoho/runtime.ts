/**
 * Composition root: builds the token client, cache, token store, concurrency
 * limiter and HTTP dispatcher once per process. Everything below receives these
 * as arguments; only this file picks the real clock, the real undici dispatcher
 * (through the proxy n8n's environment names, if any), a Redis client, and reads
 * process.env.
 */
import { hostname } from 'node:os';

import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Dispatcher } from 'undici';

import type { ApiDeps } from './api/apiClient';
import type { ConcurrencyLimiter } from './limiter/concurrencyLimit';
import type { ChannelRelay } from './relay/channelRelay';
import { systemClock, type Clock } from './clock';
import { DEFAULT_JOB_TIMING, type JobTiming } from './crm/bulkRead/job';
import { ListFieldsCache } from './crm/metadata/listFields';
import { ZohoClock } from './api/zohoClock';
import { LocalLimiter } from './limiter/localLimiter';
import { LocalMinter } from './token/store/localMinter';
import { LocalRelay } from './relay/localRelay';
import { RedisLimiter } from './limiter/redisLimiter';
import { RedisLink, type RedisClient } from './redis/redisLink';
import { RedisRelay } from './relay/redisRelay';
import { RedisTokenStore } from './token/store/redisTokenStore';
import { tokenStoreConfig, type RedisConnection, type TokenStoreConfig } from './redis/storeConfig';
import { createDispatcher } from './http/proxy';
import type { RetryPolicy } from './http/retry';
import type { Logger } from './logger';
import { ZohoAuth } from './token/auth';
import { TokenCache } from './token/tokenCache';
import { ZohoTokenClient } from './token/tokenClient';
import type { TokenSource } from './token/store/tokenSource';

export type ZohoRuntime = ReturnType<typeof createZohoRuntime>;

export interface ZohoRuntimeOptions {
	clock?: Clock;
	dispatcher?: Dispatcher;
	/** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read when no dispatcher is given (default: the process's environment). */
	env?: Readonly<Record<string, string | undefined>>;
	maxCachedCredentials?: number;
	tokenTimeoutMs?: number;
	tokenRetry?: RetryPolicy;
	apiRetry?: RetryPolicy;
	jobTiming?: JobTiming;
	/** Where tokens and concurrency slots are shared; default: this process only. */
	store?: TokenStoreConfig;
	/** A token source and limiter built elsewhere (tests that hold the Redis client); wins over `store`. */
	fleet?: Fleet;
	/** For messages of calls that bring no logger of their own (each n8n execution brings its own). */
	logger?: Logger;
}

export function createZohoRuntime(options: ZohoRuntimeOptions = {}) {
	const clock = options.clock ?? systemClock;
	const dispatcher =
		options.dispatcher ??
		createDispatcher({
			env: options.env ?? process.env,
			agent: { keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 },
		});
	const fleet = options.fleet ?? createFleet({ ...options, clock });
	const { tokenSource, limiter } = fleet;
	const relay: ChannelRelay = fleet.relay ?? new LocalRelay();
	const auth = new ZohoAuth({
		tokenClient: new ZohoTokenClient({
			dispatcher,
			clock,
			timeoutMs: options.tokenTimeoutMs,
			retry: options.tokenRetry,
		}),
		cache: new TokenCache({ clock, maxEntries: options.maxCachedCredentials }),
		source: tokenSource,
	});
	const zohoClock = new ZohoClock(clock);
	/** What every ZohoApi of this process is built on. */
	const api: ApiDeps = { auth, dispatcher, clock, retry: options.apiRetry, limiter, zohoClock };
	return {
		clock,
		auth,
		api,
		tokenSource,
		limiter,
		/** Where the instant trigger's webhook hands Zoho's callbacks to its consumer. */
		relay,
		/** Zoho's time as this process last heard it (answers' Date headers): channel expiry is Zoho's. */
		zohoClock,
		/** How long-running jobs (Bulk Read) are waited for and their results fetched. */
		jobTiming: options.jobTiming ?? DEFAULT_JOB_TIMING,
		/** The fields record lists ask for when the user names none (settings/fields, kept a while). */
		listFields: new ListFieldsCache({ clock }),
		close: async (): Promise<void> => {
			await relay.close();
			await tokenSource.close();
			await dispatcher.close();
		},
	};
}

/** Where tokens, concurrency slots and instant-trigger callbacks go: this process alone, or the fleet through its Redis. */
interface Fleet {
	tokenSource: TokenSource;
	limiter: ConcurrencyLimiter;
	/** Default: this process only. */
	relay?: ChannelRelay;
}

/** The fleet `options.store` asks for: this process only, or one Redis client shared by token store and limiter. */
function createFleet(options: ZohoRuntimeOptions & { clock: Clock }): Fleet {
	const config = options.store ?? { kind: 'memory' };
	if (config.kind === 'memory')
		return { tokenSource: new LocalMinter({ clock: options.clock }), limiter: new LocalLimiter() };
	const owner = `${hostname()}:${process.pid}`;
	const link = new RedisLink({
		client: connectRedis(config.connection),
		logger: options.logger ?? { warn: () => undefined },
	});
	return {
		tokenSource: new RedisTokenStore({ link, clock: options.clock, prefix: config.prefix, owner }),
		limiter: new RedisLimiter({ link, prefix: config.prefix }),
		relay: new RedisRelay({ link, prefix: config.prefix, owner }),
	};
}

/**
 * A client that fails fast instead of queueing: a command while Redis is away
 * fails at once (the caller falls back), a slow Redis costs at most
 * commandTimeout, and reconnecting goes on in the background.
 */
export function connectRedis(connection: RedisConnection): RedisClient {
	const common: RedisOptions = {
		username: connection.username,
		password: connection.password,
		db: connection.db,
		tls: connection.tls ? {} : undefined,
		enableOfflineQueue: false,
		maxRetriesPerRequest: 1,
		connectTimeout: 2_000,
		commandTimeout: 1_000,
		retryStrategy: (times) => Math.min(times * 200, 2_000),
		connectionName: 'n8n-nodes-zoho-oauth',
	};
	if (connection.cluster) {
		return new Cluster(connection.nodes, {
			redisOptions: common,
			enableOfflineQueue: false,
			clusterRetryStrategy: (times) => Math.min(times * 200, 2_000),
		});
	}
	const [node] = connection.nodes;
	return new Redis({ ...common, host: node?.host, port: node?.port });
}

let shared: ZohoRuntime | undefined;

/**
 * The runtime every node execution and credential in this process shares (one token
 * cache), with the token store the environment chooses. Each call brings its
 * execution's logger; a call without one (code using the package directly) logs to the
 * console.
 */
export function sharedZohoRuntime(): ZohoRuntime {
	shared ??= createZohoRuntime({
		store: tokenStoreConfig(process.env),
		// Only the composition root may fall back to the console.
		logger: { warn: (message) => console.warn(message) },
	});
	return shared;
}

/** For tests and benchmarks: run the n8n side against another clock, dispatcher or cache. */
export function setSharedZohoRuntime(runtime: ZohoRuntime | undefined): void {
	shared = runtime;
}
