/**
 * What the n8n side calls: a valid access token for a credential (cached,
 * single-flight), invalidation after a 401, grant-code exchange and revoke.
 */
import { cacheKey, type ZohoCredentials } from '../credentials';
import { ZohoAbortError } from '../errors';
import type { Logger } from '../logger';
import type { AccessToken, GrantExchangeResult } from './accessToken';
import type { TokenCache } from './tokenCache';
import type { ZohoTokenClient } from './tokenClient';
import type { TokenSource } from './store/tokenSource';

/**
 * One per n8n execution. Once getting a token failed (Zoho's mint throttle, a
 * revoked refresh token, an accounts server that is down after its retries), later
 * items of the same execution fail with that error at once instead of asking Zoho
 * again: no retry storm against the token endpoint. The next execution asks afresh,
 * so this is no cache of failures.
 */
export class TokenFailureMemo {
	private readonly failures = new Map<string, unknown>();

	failureOf(key: string): unknown {
		return this.failures.get(key);
	}

	remember(key: string, error: unknown): void {
		// A cancelled wait says nothing about the credential.
		if (!(error instanceof ZohoAbortError) && !this.failures.has(key))
			this.failures.set(key, error);
	}
}

/** What every call of one n8n execution carries down to the core. */
export interface CallScope {
	/** The execution's cancel signal: aborting it stops requests and waits. */
	signal?: AbortSignal;
	/** The execution's logger: messages about this call go there. */
	logger?: Logger;
	/** The execution's memo: a token that could not be had is not asked for again by its later items. */
	tokenMemo?: TokenFailureMemo;
}

export class ZohoAuth {
	readonly tokenClient: ZohoTokenClient;
	readonly cache: TokenCache;
	/** Behind the cache: where a process looks (and mints, under a lease) when its cache has no token. */
	readonly source: TokenSource;

	constructor(options: { tokenClient: ZohoTokenClient; cache: TokenCache; source: TokenSource }) {
		this.tokenClient = options.tokenClient;
		this.cache = options.cache;
		this.source = options.source;
	}

	/**
	 * A token for the credential: from the cache, else the one `saved` in the
	 * credential if still fresh, else the token store's (shared by the fleet, or
	 * new from Zoho).
	 */
	getToken(
		credentials: ZohoCredentials,
		options: CallScope & { forceRefresh?: boolean; saved?: AccessToken } = {},
	): Promise<AccessToken> {
		const memo = options.tokenMemo;
		const known = memo?.failureOf(credentials.key);
		if (known !== undefined) return Promise.reject(known);
		if (options.saved && !options.forceRefresh) this.cache.offer(credentials.key, options.saved);
		const mint = (signal: AbortSignal) => this.tokenClient.refresh({ ...credentials, signal });
		const pending = this.cache.get(
			credentials.key,
			(signal) =>
				this.source.obtain({
					credentials,
					mint,
					signal,
					force: options.forceRefresh,
					logger: options.logger,
				}),
			options,
		);
		if (!memo) return pending;
		return pending.catch((error: unknown) => {
			memo.remember(credentials.key, error);
			throw error;
		});
	}

	/**
	 * The token getToken would give at once (cached, or `saved` and fresh), without a
	 * promise; undefined when getToken has to wait, refresh or fail.
	 */
	cachedToken(
		credentials: ZohoCredentials,
		options: CallScope & { saved?: AccessToken } = {},
	): AccessToken | undefined {
		if (options.signal?.aborted || options.tokenMemo?.failureOf(credentials.key) !== undefined)
			return undefined;
		if (options.saved) this.cache.offer(credentials.key, options.saved);
		return this.cache.hit(credentials.key);
	}

	/**
	 * Forget a token (or, without one, whatever is held) here and in the token store,
	 * so the next getToken gets another. Only the given token is dropped: a late
	 * call for a stale token leaves a newer one alone.
	 */
	invalidate(
		credentials: ZohoCredentials,
		options: { accessToken?: string; logger?: Logger } = {},
	): Promise<void> {
		this.cache.invalidate(credentials.key, options.accessToken);
		return this.source.discard({ credentials, ...options });
	}

	/**
	 * Zoho answered 401 INVALID_TOKEN with `token`: forget it like invalidate, and
	 * let the token source count a refusal right after minting (two in a row start
	 * the mint cool-down).
	 */
	refused(
		credentials: ZohoCredentials,
		options: { token: AccessToken; logger?: Logger },
	): Promise<void> {
		this.cache.invalidate(credentials.key, options.token.accessToken);
		return this.source.refused({ credentials, ...options });
	}

	/**
	 * Exchanges a grant code. The access token that comes with the new refresh
	 * token is cached for it, so the first call after the user pastes the refresh
	 * token into the credential mints nothing.
	 */
	async exchangeGrantCode(
		credentials: ZohoCredentials,
		options: CallScope & { code: string },
	): Promise<GrantExchangeResult> {
		const result = await this.tokenClient.exchangeGrantCode({ ...credentials, ...options });
		// The cache keeps the access token only, never the refresh token.
		const { refreshToken, ...token } = result;
		const key = cacheKey({
			accountsUrl: credentials.accountsUrl,
			clientId: credentials.clientId,
			refreshToken,
		});
		this.cache.offer(key, token);
		return result;
	}

	async revoke(credentials: ZohoCredentials, options: CallScope = {}): Promise<void> {
		try {
			await this.tokenClient.revoke({ ...credentials, signal: options.signal });
		} finally {
			// Whatever Zoho said, tokens of this refresh token must not be used again.
			await this.invalidate(credentials, { logger: options.logger });
		}
	}
}
