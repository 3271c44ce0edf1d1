/**
 * The one retry loop: which failures may be sent again, how long to wait between tries
 * (exponential back-off with jitter, or the server's Retry-After), and the cancellable
 * wait itself.
 */
import { isZohoError } from '../errors';
import type { HttpMethod } from './transport';
import { pause } from './wait';

/** Methods that may be repeated safely after a failure whose effect is unknown. */
export const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set([
	'GET',
	'HEAD',
	'PUT',
	'DELETE',
]);

/** `Retry-After` as milliseconds from `now` (seconds or an HTTP date); undefined if absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
	if (!value) return undefined;
	const trimmed = value.trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const date = Date.parse(trimmed);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface RetryPolicy {
	/** Extra attempts after the first. */
	retries: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 2, baseDelayMs: 300, maxDelayMs: 5_000 };

/** Exponential backoff with jitter, or the server's Retry-After when it gave one; capped. */
export function backoffDelay(options: {
	attempt: number;
	policy: RetryPolicy;
	retryAfterMs?: number;
}): number {
	const { attempt, policy, retryAfterMs } = options;
	if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs);
	const exp = policy.baseDelayMs * 2 ** attempt;
	return Math.min(policy.maxDelayMs, exp / 2 + Math.random() * (exp / 2));
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or the
 * policy's retries are spent. The wait between tries is cancellable.
 */
export async function withRetry<T>(options: {
	attempt: (attemptNumber: number) => Promise<T>;
	policy: RetryPolicy;
	signal?: AbortSignal;
	isRetryable?: (error: unknown) => boolean;
}): Promise<T> {
	const isRetryable = options.isRetryable ?? ((e) => isZohoError(e) && e.retryable);
	for (let attempt = 0; ; attempt++) {
		try {
			return await options.attempt(attempt);
		} catch (error) {
			if (attempt >= options.policy.retries || !isRetryable(error)) throw error;
			const retryAfterMs = isZohoError(error) ? error.retryAfterMs : undefined;
			await pause(backoffDelay({ attempt, policy: options.policy, retryAfterMs }), {
				signal: options.signal,
				url: isZohoError(error) ? error.url : undefined,
			});
		}
	}
}
