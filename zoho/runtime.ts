/**
 * Composition root: builds the token client, cache and HTTP dispatcher once per
 * process. Everything below receives these as arguments; only this file picks
 * the real clock and the real undici dispatcher (through the proxy n8n's
 * environment names, if any).
 */
import type { Dispatcher } from 'undici';

import { ZohoApiClient } from './apiClient';
import { ZohoAuth } from './auth';
import { createDispatcher } from './proxy';
import { systemClock, type Clock } from './clock';
import { TokenCache } from './tokenCache';
import { ZohoTokenClient } from './tokenClient';
import type { RetryPolicy } from './transport';

export interface ZohoRuntime {
	clock: Clock;
	dispatcher: Dispatcher;
	auth: ZohoAuth;
	api: ZohoApiClient;
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
}

export function createZohoRuntime(options: ZohoRuntimeOptions = {}): ZohoRuntime {
	const clock = options.clock ?? systemClock;
	const dispatcher =
		options.dispatcher ?? createDispatcher({ env: options.env ?? process.env, agent: { keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 } });
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
	const auth = new ZohoAuth({ tokenClient, cache });
	return {
		clock,
		dispatcher,
		auth,
		api: new ZohoApiClient({ auth, dispatcher, clock, retry: options.apiRetry }),
		close: () => dispatcher.close(),
	};
}

let shared: ZohoRuntime | undefined;

/** The runtime every node execution and credential in this process shares (one token cache). */
export function sharedZohoRuntime(): ZohoRuntime {
	shared ??= createZohoRuntime();
	return shared;
}

/** For tests and benchmarks: run the n8n side against another clock, dispatcher or cache. */
export function setSharedZohoRuntime(runtime: ZohoRuntime | undefined): void {
	shared = runtime;
}
