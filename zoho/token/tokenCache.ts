/**
 * Process-wide access-token cache. One entry per credential key; one refresh in
 * flight per key, shared by every caller; failures are never stored; the least
 * recently used entry goes when the cache is full. A refresh every caller has
 * given up on (all cancelled) is aborted, so no request or retry wait outlives them.
 */
import type { Clock } from '../clock';
import { ZohoAbortError } from '../errors';
import { abortableWait } from '../http/wait';
import { isFresh } from './expiry';
import type { AccessToken } from './accessToken';

/** Fetches a token; `signal` aborts when every caller waiting for it was cancelled. */
type TokenFetcher = (signal: AbortSignal) => Promise<AccessToken>;

interface Flight {
	promise: Promise<AccessToken>;
	controller: AbortController;
	/** Waiters that can still cancel. */
	cancellable: number;
	/** A waiter without a cancel signal joined: the refresh must run to its end. */
	pinned: boolean;
}

export class TokenCache {
	private readonly clock: Clock;
	private readonly maxEntries: number;
	private readonly entries = new Map<string, AccessToken>();
	private readonly inFlight = new Map<string, Flight>();
	/** Per key, the last token Zoho refused (401): never taken back, wherever it is offered from. */
	private readonly refused = new Map<string, string>();
	readonly stats = { hits: 0, refreshes: 0, joins: 0, evictions: 0 };

	constructor(options: { clock: Clock; maxEntries?: number }) {
		this.clock = options.clock;
		this.maxEntries = Math.max(1, options.maxEntries ?? 500);
	}

	get size(): number {
		return this.entries.size;
	}

	/**
	 * A fresh token for `key`, fetching one with `fetch` only when none is cached
	 * (or `forceRefresh`). Concurrent callers share one fetch. The caller's
	 * `signal` stops its own wait; the shared fetch stops only when every caller
	 * waiting for it has cancelled.
	 */
	async get(
		key: string,
		fetch: TokenFetcher,
		options: { forceRefresh?: boolean; signal?: AbortSignal } = {},
	): Promise<AccessToken> {
		if (options.signal?.aborted) throw new ZohoAbortError();
		if (!options.forceRefresh) {
			const cached = this.hit(key);
			if (cached) return cached;
		}
		let flight = this.inFlight.get(key);
		if (flight) this.stats.joins++;
		else flight = this.startRefresh(key, fetch);
		return this.waitFor({ key, flight, signal: options.signal });
	}

	/** The cached token if it is still fresh, counted as a hit. */
	hit(key: string): AccessToken | undefined {
		const cached = this.use(key);
		if (cached) this.stats.hits++;
		return cached;
	}

	/** The cached token if it is still fresh, made the most recently used entry; a stale one is dropped. */
	private use(key: string): AccessToken | undefined {
		const token = this.entries.get(key);
		if (!token) return undefined;
		if (!isFresh(token, this.clock.now())) {
			this.entries.delete(key);
			return undefined;
		}
		this.entries.delete(key);
		this.entries.set(key, token);
		return token;
	}

	/**
	 * Offers a token obtained elsewhere (e.g. saved in the n8n credential by
	 * another process). Kept only if fresh and later-expiring than what is cached.
	 */
	offer(key: string, token: AccessToken): boolean {
		if (this.refused.get(key) === token.accessToken) return false;
		if (!isFresh(token, this.clock.now())) return false;
		const current = this.use(key);
		if (current && current.expiresAt >= token.expiresAt) return false;
		this.store(key, token);
		return true;
	}

	/**
	 * Drops the cached token, e.g. after Zoho answered 401 with it. Given the
	 * refused token, only drops the entry if it still holds that token, so many
	 * parallel 401s for one stale token cause one refresh, not many; and that token
	 * is never accepted again (the credential may still carry it as its saved token).
	 */
	invalidate(key: string, refusedAccessToken?: string): void {
		if (refusedAccessToken !== undefined) this.rememberRefused(key, refusedAccessToken);
		const current = this.entries.get(key);
		if (!current) return;
		if (refusedAccessToken === undefined || current.accessToken === refusedAccessToken)
			this.entries.delete(key);
	}

	/** A token saved elsewhere (the credential, another process) may still be this one after Zoho refused it. */
	private rememberRefused(key: string, refusedAccessToken: string): void {
		this.refused.delete(key);
		this.refused.set(key, refusedAccessToken);
		if (this.refused.size > this.maxEntries)
			this.refused.delete(this.refused.keys().next().value as string);
	}

	private startRefresh(key: string, fetch: TokenFetcher): Flight {
		this.stats.refreshes++;
		const controller = new AbortController();
		const promise = Promise.resolve()
			.then(() => fetch(controller.signal))
			.then((token) => {
				this.store(key, token);
				return token;
			})
			.finally(() => {
				if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
			});
		const flight: Flight = { promise, controller, cancellable: 0, pinned: false };
		this.inFlight.set(key, flight);
		// Waiters may all have been cancelled; the settled promise must not be an unhandled rejection.
		flight.promise.catch(noteIgnoredFailure);
		return flight;
	}

	/** The flight's outcome for one caller; the last cancellable caller to cancel aborts the fetch. */
	private waitFor(options: {
		key: string;
		flight: Flight;
		signal?: AbortSignal;
	}): Promise<AccessToken> {
		const { key, flight, signal } = options;
		if (!signal) {
			flight.pinned = true;
			return flight.promise;
		}
		return abortableWait<AccessToken>({
			signal,
			start: (end) => {
				flight.cancellable++;
				flight.promise.then(
					(value) => end({ value }),
					(error: unknown) => end({ error }),
				);
				return () => {
					flight.cancellable--;
				};
			},
			onCancel: () => {
				if (flight.cancellable === 0 && !flight.pinned) this.abandon(key, flight);
			},
		});
	}

	/** Nobody waits any more: stop the fetch (its request and retry waits); a later caller starts afresh. */
	private abandon(key: string, flight: Flight): void {
		if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
		flight.controller.abort();
	}

	private store(key: string, token: AccessToken): void {
		this.entries.delete(key);
		this.entries.set(key, token);
		while (this.entries.size > this.maxEntries) {
			const oldest = this.entries.keys().next().value as string;
			this.entries.delete(oldest);
			this.stats.evictions++;
		}
	}
}

function noteIgnoredFailure(): void {
	// The failure reaches every waiter through their own await; this handler only
	// keeps a refresh whose waiters all gave up from crashing the process.
}
