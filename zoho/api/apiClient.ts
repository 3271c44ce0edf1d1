/**
 * The one way code calls Zoho: a client bound to one caller's options (credential, Timeout,
 * cancel signal, logger) over what the process shares (token cache, dispatcher, limiter).
 * It sends a cached access token (`Authorization: Zoho-oauthtoken`) only to hosts of the
 * credential's data centre (or explicitly allowed ones), refreshes and retries once after
 * 401 INVALID_TOKEN, and retries 429 and 5xx boundedly. A path resolves against the token's
 * api_domain and the product's API root (serviceUrl keeps that rule); an answer is parsed
 * with a zod schema, and one that does not fit is the one INVALID_RESPONSE error, naming
 * what was expected.
 */
import { FormData, type Dispatcher } from 'undici';
import type { ZodType, ZodTypeDef } from 'zod';

import { apiAnswerError, booksCodeError } from './apiErrors';
import { parseJsonBody } from '../json';
import type { CallScope, ZohoAuth } from '../token/auth';
import type { Clock } from '../clock';
import type { ConcurrencyLimiter } from '../limiter/concurrencyLimit';
import { acquireSlots, isSubConcurrent } from '../limiter/subConcurrency';
import type { ZohoCredentials } from '../credentials';
import { isZohoError, ZohoError, ZohoTransportError } from '../errors';
import { apiErrorSchema } from './schemas';
import { describeUrl } from '../secrets';
import { isOriginAllowed, serviceUrl, type ServiceId } from './services';
import type { AccessToken } from '../token/accessToken';
import { IDEMPOTENT_METHODS, parseRetryAfter, withRetry, type RetryPolicy } from '../http/retry';
import {
	headerValue,
	openHttpStream,
	requestTarget,
	sendHttp,
	type HttpMethod,
	type HttpResponse,
	type HttpStreamResponse,
} from '../http/transport';

export type MultipartPart =
	| { name: string; value: string }
	| { name: string; data: Buffer; fileName: string; contentType: string };

export type RequestBody =
	| { kind: 'json'; value: unknown }
	| { kind: 'form'; fields: Array<[string, string]> }
	| { kind: 'multipart'; parts: MultipartPart[] }
	| { kind: 'raw'; data: Buffer | string; contentType?: string };

export interface ApiRequest {
	method?: HttpMethod;
	/** On the product's API root ("/Leads"), or on the api_domain without a product; a full URL as it is. */
	path: string;
	/** The product and its version (a CrmTarget is one); none: the api_domain's origin. */
	base?: { product: ServiceId; crmVersion?: string };
	query?: Array<[string, string]>;
	headers?: Record<string, string>;
	/** Sent as JSON; or `body` as given. */
	json?: unknown;
	body?: RequestBody;
}

/** An answer with the URL it came from and the token that was sent. */
export type ApiResult = HttpResponse & { url: string; token: AccessToken };

/** A successful answer read as a stream (ZohoApi.stream). */
export type ApiStreamResult = HttpStreamResponse & { url: string; token: AccessToken };

export interface ApiCallOptions extends CallScope {
	credentials: ZohoCredentials;
	/** A token saved in the n8n credential, reused when still fresh. */
	saved?: AccessToken;
	allowedHosts?: readonly string[];
	timeoutMs: number;
	/** Retry 5xx and network failures for POST/PATCH too (their effect is unknown: duplicates are possible). */
	retryNonIdempotent?: boolean;
	/** Books-style products answer failures as a non-zero `code`. */
	checkBooksCode?: boolean;
	/** This call's retry policy instead of the client's (e.g. a download that waits out a per-minute limit). */
	retry?: RetryPolicy;
}

/** What every API call of the process shares (the runtime builds it once). */
export interface ApiDeps {
	auth: ZohoAuth;
	dispatcher?: Dispatcher;
	clock: Clock;
	retry?: RetryPolicy;
	limiter: ConcurrencyLimiter;
	/** Told the Date header of every answer: Zoho's clock (ZohoClock) is read from it. */
	zohoClock?: { observe(dateHeader: string | undefined): void };
}

/** What an answer must be: its schema, and what it is in words ("a list of modules"). */
export interface Expected<T> {
	schema: ZodType<T, ZodTypeDef, unknown>;
	what: string;
	hint?: string;
}

export class ZohoApi {
	constructor(
		readonly deps: ApiDeps,
		readonly options: ApiCallOptions,
	) {}

	/** The same client with some options changed (e.g. POSTs that may be repeated). */
	with(changes: Partial<ApiCallOptions>): ZohoApi {
		return new ZohoApi(this.deps, { ...this.options, ...changes });
	}

	/**
	 * The answer as it came (API Request: any URL and body, any answer). The path is resolved
	 * against the token's api_domain; the host is checked before the token leaves the process.
	 */
	async send(request: ApiRequest): Promise<ApiResult> {
		// sendHttp answers whole, so is what `exchange` returns.
		return (await this.exchange(request, sendHttp)) as ApiResult;
	}

	/**
	 * The successful answer as a stream (a Bulk Read download): the same retries, host check
	 * and 401 handling until the answer starts; a failure while the body streams is the
	 * reader's (a ZohoError), not retried here. No concurrency slot is held while the body
	 * streams: a slot's lease is bounded by the Timeout, a download is not.
	 */
	async stream(request: ApiRequest): Promise<ApiStreamResult> {
		const res = await this.exchange(request, openHttpStream);
		if ('stream' in res) return res;
		throw new ZohoTransportError(
			'INVALID_RESPONSE',
			`Zoho answered HTTP ${res.status} instead of the file (${describeUrl(res.url)}).`,
			{
				url: describeUrl(res.url),
				httpStatus: res.status,
				hint: 'Zoho sent no file where one was expected; try again, and report the answer if it stays.',
			},
		);
	}

	/** The answer's JSON as `expected`; an empty answer (204, 304) is undefined. */
	async read<T>(request: ApiRequest, expected: Expected<T>): Promise<T | undefined> {
		const res = await this.send(request);
		return res.body.length === 0 ? undefined : parsed(res, request, expected);
	}

	/** The answer's JSON as `expected`; an empty answer does not fit. */
	async fetch<T>(request: ApiRequest, expected: Expected<T>): Promise<T> {
		return parsed(await this.send(request), request, expected);
	}

	private async exchange(
		request: ApiRequest,
		transport: typeof sendHttp | typeof openHttpStream,
	): Promise<ApiResult | ApiStreamResult> {
		const { auth, zohoClock } = this.deps;
		const { options } = this;
		const { credentials, signal, logger, tokenMemo } = options;
		const tokenOptions = { signal, logger, tokenMemo, saved: options.saved };
		// Almost every call finds its token cached: no promise to wait for then.
		let token =
			auth.cachedToken(credentials, tokenOptions) ??
			(await auth.getToken(credentials, tokenOptions));
		let refreshed = false;
		const method = request.method ?? 'GET';
		return withRetry({
			policy: options.retry ?? this.deps.retry ?? DEFAULT_API_RETRY,
			signal,
			// A 429 may always be sent again (Zoho did not process it); another retryable failure
			// only with an idempotent method, unless the user allowed POST and PATCH too.
			isRetryable: (error) =>
				isZohoError(error) &&
				error.retryable &&
				(error.code === 'RATE_LIMITED' ||
					IDEMPOTENT_METHODS.has(method) ||
					options.retryNonIdempotent === true),
			attempt: async () => {
				for (;;) {
					const { url, target, headers, body } = prepare(request, token, options);
					const limit = credentials.concurrencyLimit;
					// Without a Concurrency Limit (the default) no slot is taken: nothing but this test per call.
					const release =
						limit === undefined
							? undefined
							: await this.slot({ limit, request, url: new URL(url) });
					let res: HttpResponse | HttpStreamResponse;
					try {
						res = await transport({
							url,
							target,
							method,
							headers,
							body,
							dispatcher: this.deps.dispatcher,
							timeoutMs: options.timeoutMs,
							signal,
						});
					} finally {
						release?.();
					}
					zohoClock?.observe(headerValue(res.headers, 'date'));
					// The transport's answer is new to this call: it carries the URL and token on.
					const answer = Object.assign(res, { url, token });
					if ('stream' in answer) return answer;
					if (res.status === 401 && isExpiredTokenAnswer(answer.body)) {
						// The token died early (revoked, evicted by Zoho's live-token cap): one refresh, one
						// more send, not counted as a retry. The refused token is reported either way: a
						// refused fresh one counts toward the mint cool-down.
						await auth.refused(credentials, { token, logger });
						if (!refreshed) {
							token = await auth.getToken(credentials, { signal, logger, tokenMemo });
							refreshed = true;
							continue;
						}
					}
					const reply = {
						status: res.status,
						body: answer.body,
						url: describeUrl(url),
						method,
						secrets: [token.accessToken, credentials.refreshToken, credentials.clientSecret],
					};
					if (res.status >= 400) {
						const retryAfter = headerValue(res.headers, 'retry-after');
						throw apiAnswerError({
							...reply,
							creditsRemaining: headerValue(res.headers, 'x-api-credits-remaining'),
							retryAfterMs: parseRetryAfter(retryAfter, this.deps.clock.now()),
							scopes: token.scopes,
						});
					}
					const booksError = options.checkBooksCode && booksCodeError(reply);
					if (booksError) throw booksError;
					return answer;
				}
			},
		});
	}

	/** One of the credential's concurrency slots (fleet-wide with a shared store), waited for within the call's Timeout. */
	private slot(call: { limit: number; request: ApiRequest; url: URL }): Promise<() => void> {
		const { options } = this;
		const { limit, request } = call;
		const { body } = request;
		const json = request.json ?? (body?.kind === 'json' ? body.value : undefined);
		return acquireSlots(this.deps.limiter, {
			subConcurrent: isSubConcurrent({ method: request.method ?? 'GET', url: call.url, json }),
			key: options.credentials.limitKey,
			limit,
			waitMs: options.timeoutMs,
			// undici bounds the wait for the headers and each pause in the body by the Timeout.
			holdMs: 2 * options.timeoutMs + 1_000,
			signal: options.signal,
			logger: options.logger,
		});
	}
}

function parsed<T>(res: ApiResult, request: ApiRequest, expected: Expected<T>): T {
	const result = expected.schema.safeParse(parseJsonBody(res.body));
	if (result.success) return result.data;
	const url = describeUrl(res.url);
	throw new ZohoTransportError(
		'INVALID_RESPONSE',
		`Zoho's answer to ${request.method ?? 'GET'} ${url} is not ${expected.what}.`,
		{
			url,
			httpStatus: res.status,
			hint: expected.hint ?? 'Try again; if the answer stays so, report it.',
		},
	);
}

const DEFAULT_API_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 500, maxDelayMs: 30_000 };

/** The URL, checked against the allowed hosts before the token goes anywhere, the headers and the encoded body. */
function prepare(request: ApiRequest, token: AccessToken, options: ApiCallOptions) {
	const { query } = request;
	const { apiDomain } = token;
	const { accountsUrl } = options.credentials;
	const { allowedHosts } = options;
	const path = serviceUrl({
		service: request.base?.product ?? 'custom',
		crmVersion: request.base?.crmVersion,
		path: request.path,
		apiDomain,
		accountsUrl,
	});
	const parsed = new URL(path);
	for (const [name, value] of query ?? []) parsed.searchParams.append(name, value);
	const url = query?.length ? parsed.href : path;
	if (!isOriginAllowed({ url: parsed, apiDomain, accountsUrl, allowedHosts })) {
		// Nothing was sent: not an API's answer, but the node's input refused (a ZohoError of its own code).
		throw new ZohoError(
			'HOST_NOT_ALLOWED',
			`Refused to send the Zoho access token to ${parsed.origin} (Path or URL): not a Zoho host of this credential's data centre.`,
			{
				url: describeUrl(url),
				field: 'Path or URL',
				hint:
					`The token is only sent to ${new URL(apiDomain).origin} and the other Zoho hosts of the credential's data centre, over https. ` +
					'If this server really is a Zoho API (e.g. a custom domain), add it under Options → Allowed Hosts (host, or host:port for another port).',
			},
		);
	}
	const { body, contentType } = encodeBody(
		request.json === undefined ? request.body : { kind: 'json', value: request.json },
	);
	const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
	if (contentType) headers['content-type'] = contentType;
	headers.authorization = `Zoho-oauthtoken ${token.accessToken}`;
	return { url, target: requestTarget(parsed), headers, body };
}

function isExpiredTokenAnswer(body: Buffer): boolean {
	const parsed = apiErrorSchema.safeParse(parseJsonBody(body));
	// A bare 401 without Zoho's body is treated like INVALID_TOKEN; a scope mismatch is not.
	if (!parsed.success) return true;
	return parsed.data.code === 'INVALID_TOKEN' || parsed.data.code === 'AUTHENTICATION_FAILURE';
}

function encodeBody(body?: RequestBody): {
	body?: string | Buffer | FormData;
	contentType?: string;
} {
	if (!body) return {};
	switch (body.kind) {
		case 'json':
			return { body: JSON.stringify(body.value), contentType: 'application/json' };
		case 'form':
			return {
				body: new URLSearchParams(body.fields).toString(),
				contentType: 'application/x-www-form-urlencoded',
			};
		case 'raw':
			return { body: body.data, contentType: body.contentType };
		case 'multipart': {
			// undici sets the multipart content type with its boundary.
			const form = new FormData();
			for (const part of body.parts) {
				if ('data' in part)
					form.append(part.name, new Blob([part.data], { type: part.contentType }), part.fileName);
				else form.append(part.name, part.value);
			}
			return { body: form };
		}
	}
}
