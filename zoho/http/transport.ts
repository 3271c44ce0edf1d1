/**
 * The one place HTTP leaves the process. Uses undici with an injected dispatcher,
 * a per-request timeout, and the caller's cancel signal; turns every failure
 * into a ZohoError with a stable code.
 */
import type { Readable } from 'node:stream';

import {
	errors as undiciErrors,
	getGlobalDispatcher,
	type Dispatcher,
	type FormData,
} from 'undici';

import { ZohoAbortError, ZohoTransportError, type ZohoError } from '../errors';
import { ProxyFailure } from './proxy';
import { describeUrl } from '../secrets';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

export interface RequestTarget {
	origin: string;
	/** Path and query. */
	path: string;
}

interface HttpRequest {
	url: string;
	/** The URL split as undici wants it, when the caller has it already: saves parsing the URL again. */
	target?: RequestTarget;
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

/** A successful answer whose body is read as it arrives (a Bulk Read download). */
export interface HttpStreamResponse {
	status: number;
	headers: HttpResponse['headers'];
	/**
	 * The body's bytes, pulled as fast as the reader takes them; its failures are
	 * ZohoErrors, and a reader that stops early releases the connection.
	 */
	stream: AsyncIterable<Uint8Array>;
	/** Lets the connection go, read or not (a reader that never started cannot end the stream). */
	release(): void;
}

/** One request, its answer read whole. undici's timers bound the wait for the answer and every pause in its body. */
export async function sendHttp(req: HttpRequest): Promise<HttpResponse> {
	if (req.signal?.aborted) throw new ZohoAbortError(describeUrl(req.url));
	try {
		const { statusCode: status, headers, body } = await dispatch(req);
		return { status, headers, body: Buffer.from(await body.arrayBuffer()) };
	} catch (error) {
		throw transportError(error, req);
	}
}

/**
 * One request whose 2xx answer is handed over as a stream, for answers too large to hold
 * (an export file). Any other answer is small (Zoho's error JSON) and comes whole, as from
 * sendHttp, so the caller's error handling is the same. undici's request() pauses the
 * socket while the reader is behind; its body timeout does not run while paused.
 */
export async function openHttpStream(req: HttpRequest): Promise<HttpResponse | HttpStreamResponse> {
	if (req.signal?.aborted) throw new ZohoAbortError(describeUrl(req.url));
	try {
		const answer = await dispatch(req);
		const { statusCode: status, headers } = answer;
		if (status >= 200 && status < 300)
			return {
				status,
				headers,
				stream: streamedBody(answer.body, req),
				release: () => answer.body.destroy(),
			};
		return { status, headers, body: Buffer.from(await answer.body.arrayBuffer()) };
	} catch (error) {
		throw transportError(error, req);
	}
}

/** The body as an async iterable whose failures are ZohoErrors; ending early destroys it. */
async function* streamedBody(body: Readable, req: HttpRequest): AsyncGenerator<Uint8Array> {
	// Iterated by hand: the repository's type-aware lint misreads `for await` over streams.
	const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
	try {
		for (;;) {
			const next = await chunks.next();
			if (next.done) return;
			yield next.value;
		}
	} catch (error) {
		throw transportError(error, req);
	} finally {
		body.destroy();
	}
}

function transportError(error: unknown, req: HttpRequest): ZohoError {
	// Described only on failure: a successful call needs no description of its URL.
	const url = describeUrl(req.url);
	if (req.signal?.aborted) return new ZohoAbortError(url);
	if (
		error instanceof undiciErrors.HeadersTimeoutError ||
		error instanceof undiciErrors.BodyTimeoutError
	) {
		return new ZohoTransportError(
			'TIMEOUT',
			`Zoho did not answer within ${req.timeoutMs} ms (${url}).`,
			{
				url,
				retryable: true,
				hint: 'Zoho or the network is slow. Try again later, or raise the Timeout option.',
				cause: error,
			},
		);
	}
	return networkError(error, url);
}

/** The request through the dispatcher, bounded by the Timeout, cancelled by the caller's signal. */
function dispatch(req: HttpRequest): Promise<Dispatcher.ResponseData> {
	const { origin, path } = req.target ?? requestTarget(req.url);
	return (req.dispatcher ?? getGlobalDispatcher()).request({
		origin,
		path,
		method: req.method,
		// A copy: undici's proxy agent adds `host` to the headers it is given, and callers share theirs.
		headers: req.headers && { ...req.headers },
		body: req.body,
		headersTimeout: req.timeoutMs,
		bodyTimeout: req.timeoutMs,
		signal: req.signal,
	});
}

/** Where undici sends a URL: its origin, and its path with the query (never the fragment). */
export function requestTarget(url: string | URL): RequestTarget {
	const parsed = typeof url === 'string' ? new URL(url) : url;
	return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
}

/** Failures to resolve the host name: nothing was sent. */
const NAME_NOT_RESOLVED: ReadonlySet<unknown> = new Set(['ENOTFOUND', 'EAI_AGAIN']);

function networkError(error: unknown, url: string): ZohoError {
	if (error instanceof ProxyFailure) return proxyError(error, url);
	const code = (error as { code?: unknown } | undefined)?.code;
	if (code === 'ECONNREFUSED') {
		return new ZohoTransportError(
			'CONNECTION_REFUSED',
			`Could not connect to ${url}: connection refused.`,
			{
				url,
				neverSent: true,
				hint: 'Check the Data Centre (or Custom Accounts URL) and that the server is reachable from n8n.',
				cause: error,
			},
		);
	}
	const reason =
		error instanceof undiciErrors.UndiciError || error instanceof Error
			? error.message
			: String(error);
	return new ZohoTransportError('NETWORK_ERROR', `Network error talking to ${url}: ${reason}.`, {
		url,
		retryable: true,
		neverSent: NAME_NOT_RESOLVED.has(code),
		hint: 'The connection failed or was cut. Check the network between n8n and Zoho and try again.',
		cause: error,
	});
}

function proxyError(error: ProxyFailure, url: string): ZohoError {
	const what =
		error.status === undefined
			? 'could not be reached'
			: `did not open the connection to Zoho (HTTP ${error.status})`;
	return new ZohoTransportError(
		'PROXY_ERROR',
		`The proxy ${error.proxy} ${what}; nothing was sent to ${url}.`,
		{
			url,
			neverSent: true,
			httpStatus: error.status,
			hint:
				// 407 by the standard; some proxies (tinyproxy) answer 401.
				error.status === 407 || error.status === 401
					? 'The proxy asks for a user name and password: put them in the proxy URL (http://user:password@host:port) of HTTPS_PROXY / HTTP_PROXY.'
					: 'n8n sends Zoho calls through the proxy set in HTTPS_PROXY / HTTP_PROXY. Check that the proxy is running and lets n8n through ' +
						'(its access list, CONNECT to port 443), or list the Zoho host in NO_PROXY to bypass it.',
			cause: error,
		},
	);
}

export function headerValue(headers: HttpResponse['headers'], name: string): string | undefined {
	const value = headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}
