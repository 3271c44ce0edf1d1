/**
 * The one place HTTP leaves the process. Uses undici with an injected dispatcher,
 * a per-request timeout, and the caller's cancel signal; turns every failure
 * into a ZohoError with a stable code.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { errors as undiciErrors, request, type Dispatcher, type FormData } from 'undici';

import { ZohoAbortError, ZohoError, ZohoTransportError } from './errors';
import { describeUrl } from './secrets';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

/** Methods that may be repeated safely after a failure whose effect is unknown. */
export const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

export interface HttpRequest {
	url: string;
	method: HttpMethod;
	headers?: Record<string, string>;
	body?: string | Buffer | Uint8Array | FormData;
	dispatcher?: Dispatcher;
	timeoutMs: number;
	signal?: AbortSignal;
}

export interface HttpResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}

export async function sendHttp(req: HttpRequest): Promise<HttpResponse> {
	if (req.signal?.aborted) throw new ZohoAbortError(describeUrl(req.url));
	try {
		// undici's own timers bound the wait for the answer and every pause in its body,
		// and the caller's signal goes straight to undici: no AbortController and no
		// timer of ours per request (they were a measurable part of a cached call).
		const res = await request(req.url, {
			method: req.method,
			headers: req.headers,
			body: req.body,
			dispatcher: req.dispatcher,
			signal: req.signal,
			headersTimeout: req.timeoutMs,
			bodyTimeout: req.timeoutMs,
		});
		const body = Buffer.from(await res.body.arrayBuffer());
		return { status: res.statusCode, headers: res.headers, body };
	} catch (error) {
		// Described only on failure: parsing the URL for every successful call is measurable.
		const url = describeUrl(req.url);
		if (req.signal?.aborted) throw new ZohoAbortError(url);
		if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
			throw new ZohoTransportError('TIMEOUT', `Zoho did not answer within ${req.timeoutMs} ms (${url}).`, {
				url,
				retryable: true,
				hint: 'Zoho or the network is slow. Try again later, or raise the Timeout option.',
				cause: error,
			});
		}
		throw networkError(error, url);
	}
}

function networkError(error: unknown, url: string): ZohoError {
	const code = (error as { code?: unknown } | undefined)?.code;
	if (code === 'ECONNREFUSED') {
		return new ZohoTransportError('CONNECTION_REFUSED', `Could not connect to ${url}: connection refused.`, {
			url,
			hint: 'Check the Data Centre (or Custom Accounts URL) and that the server is reachable from n8n.',
			cause: error,
		});
	}
	const reason = error instanceof undiciErrors.UndiciError || error instanceof Error ? error.message : String(error);
	return new ZohoTransportError('NETWORK_ERROR', `Network error talking to ${url}: ${reason}.`, {
		url,
		retryable: true,
		hint: 'The connection failed or was cut. Check the network between n8n and Zoho and try again.',
		cause: error,
	});
}

export function headerValue(headers: HttpResponse['headers'], name: string): string | undefined {
	const value = headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

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
export function backoffDelay(options: { attempt: number; policy: RetryPolicy; retryAfterMs?: number }): number {
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
	const isRetryable = options.isRetryable ?? ((e) => e instanceof ZohoError && e.retryable);
	for (let attempt = 0; ; attempt++) {
		try {
			return await options.attempt(attempt);
		} catch (error) {
			if (attempt >= options.policy.retries || !isRetryable(error)) throw error;
			const retryAfterMs = error instanceof ZohoError ? error.retryAfterMs : undefined;
			await pause(backoffDelay({ attempt, policy: options.policy, retryAfterMs }), options.signal);
		}
	}
}

async function pause(ms: number, signal?: AbortSignal): Promise<void> {
	try {
		await sleep(ms, undefined, { signal });
	} catch (error) {
		if (signal?.aborted) throw new ZohoAbortError();
		throw error;
	}
}
