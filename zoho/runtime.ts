/**
 * Composition root: builds the token client, cache and HTTP dispatcher once per
 * process. Everything below receives these as arguments; only this file picks
 * the real clock and a real undici Agent.
 */
import { Agent, type Dispatcher } from 'undici';

import { ZohoApiClient } from './apiClient';
import { ZohoAuth } from './auth';
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
	earlyRefreshMs?: number;
	maxCachedCredentials?: number;
	tokenTimeoutMs?: number;
	tokenRetry?: RetryPolicy;
	apiRetry?: RetryPolicy;
}

export function createZohoRuntime(options: ZohoRuntimeOptions = {}): ZohoRuntime {
	const clock = options.clock ?? systemClock;
	const dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 });
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
