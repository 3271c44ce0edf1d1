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

import { ZohoApiClient } from './api/apiClient';
import { ZohoAuth } from './token/auth';
import { createDispatcher } from './http/proxy';
import { systemClock, type Clock } from './clock';
import { LocalLimiter, type ConcurrencyLimiter } from './fleet/concurrency';
import {
	RedisLimiter,
	RedisLink,
	RedisTokenStore,
	type LeaseTimes,
	type RedisClient,
} from './fleet/redisStore';
import { tokenStoreConfig, type RedisConnection, type TokenStoreConfig } from './fleet/storeConfig';
import { TokenCache } from './token/tokenCache';
import { ZohoTokenClient } from './token/tokenClient';
import {
	MemoryTokenStore,
	type CooldownPolicy,
	type StoreLogger,
	type TokenStore,
} from './fleet/tokenStore';
import type { RetryPolicy } from './http/transport';

export interface ZohoRuntime {
	clock: Clock;
	dispatcher: Dispatcher;
	auth: ZohoAuth;
	api: ZohoApiClient;
	tokenStore: TokenStore;
	limiter: ConcurrencyLimiter;
	close(): Promise<void>;
}

export interface ZohoRuntimeOptions {
	clock?: Clock;
	dispatcher?: Dispatcher;
	/** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read when no dispatcher is given (default: the process's environment). */
	env?: Readonly<Record<string, string | undefined>>;
	earlyRefreshMs?: number;
	maxCachedCredentials?: number;
	tokenTimeoutMs?: number;
	tokenRetry?: RetryPolicy;
	apiRetry?: RetryPolicy;
	/** Where tokens and concurrency slots are shared; default: this process only. */
	store?: TokenStoreConfig;
	/** A store and limiter built elsewhere (tests that hold the Redis client); wins over `store`. */
	fleet?: { tokenStore: TokenStore; limiter: ConcurrencyLimiter };
	lease?: Partial<LeaseTimes>;
	cooldown?: CooldownPolicy;
	/** Receives the one warning when Redis is unavailable. */
	logger?: StoreLogger;
}

export function createZohoRuntime(options: ZohoRuntimeOptions = {}): ZohoRuntime {
	const clock = options.clock ?? systemClock;
	const dispatcher =
		options.dispatcher ??
		createDispatcher({
			env: options.env ?? process.env,
			agent: { keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 },
		});
	const tokenClient = new ZohoTokenClient({
		dispatcher,
		clock,
		timeoutMs: options.tokenTimeoutMs,
		retry: options.tokenRetry,
	});
	const cache = new TokenCache({
		clock,
		earlyRefreshMs: options.earlyRefreshMs,
		maxEntries: options.maxCachedCredentials,
	});
	const { tokenStore, limiter } = options.fleet ?? createFleet({ ...options, clock });
	const auth = new ZohoAuth({ tokenClient, cache, store: tokenStore });
	return {
		clock,
		dispatcher,
		auth,
		api: new ZohoApiClient({ auth, dispatcher, clock, retry: options.apiRetry, limiter }),
		tokenStore,
		limiter,
		close: async () => {
			await tokenStore.close();
			await dispatcher.close();
		},
	};
}

/** The store and limiter `options.store` asks for: in-process, or on one Redis client shared by both. */
export function createFleet(options: ZohoRuntimeOptions & { clock: Clock }): {
	tokenStore: TokenStore;
	limiter: ConcurrencyLimiter;
} {
	const config = options.store ?? { kind: 'memory' };
	if (config.kind === 'memory')
		return {
			tokenStore: new MemoryTokenStore({ clock: options.clock, cooldown: options.cooldown }),
			limiter: new LocalLimiter(),
		};
	const link = new RedisLink({
		client: connectRedis(config.connection),
		logger: options.logger ?? { warn: () => undefined },
	});
	return {
		tokenStore: new RedisTokenStore({
			link,
			clock: options.clock,
			prefix: config.prefix,
			earlyRefreshMs: options.earlyRefreshMs,
			lease: options.lease,
			cooldown: options.cooldown,
			owner: `${hostname()}:${process.pid}`,
		}),
		limiter: new RedisLimiter({ link, prefix: config.prefix }),
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
 * The runtime every node execution and credential in this process shares (one
 * token cache), with the token store the environment chooses. `logger` is n8n's,
 * when the caller can reach it.
 */
export function sharedZohoRuntime(options: { logger?: StoreLogger } = {}): ZohoRuntime {
	shared ??= createZohoRuntime({
		store: tokenStoreConfig(process.env),
		// Only the composition root may fall back to the console.
		logger: options.logger ?? { warn: (message) => console.warn(message) },
	});
	return shared;
}

/** For tests and benchmarks: run the n8n side against another clock, dispatcher or cache. */
export function setSharedZohoRuntime(runtime: ZohoRuntime | undefined): void {
	shared = runtime;
}
