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

interface HttpRequest {
	url: string;
	/** The URL split as undici wants it, when the caller has it already: saves parsing the URL again. */
	target?: { origin: string; path: string };
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
export interface HttpStreamResponse extends Omit<HttpResponse, 'body'> {
	/**
	 * The body's bytes, pulled as fast as the reader takes them; its failures are
	 * ZohoErrors, and a reader that stops early releases the connection.
	 */
	stream: AsyncIterable<Uint8Array>;
	/** Lets the connection go, read or not (a reader that never started cannot end the stream). */
	release(): void;
}

/**
 * One request through the dispatcher, its answer collected whole: every caller reads
 * the whole answer, so no Readable stream (undici's request()) and no copy of its body
 * sit in between. undici's own timers bound the wait for the answer and every pause in
 * its body: no timer of ours.
 */
export async function sendHttp(req: HttpRequest): Promise<HttpResponse> {
	if (req.signal?.aborted) throw new ZohoAbortError(describeUrl(req.url));
	try {
		return await new Promise<HttpResponse>((resolve, reject) => {
			(req.dispatcher ?? getGlobalDispatcher()).dispatch(
				dispatchOptions(req),
				new WholeAnswer(resolve, reject, req.signal),
			);
		});
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
		const answer = await (req.dispatcher ?? getGlobalDispatcher()).request({
			...dispatchOptions(req),
			signal: req.signal,
		});
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
	try {
		// Stopping early ends the loop, whose iterator then destroys the body.
		for await (const chunk of body) yield chunk as Buffer;
	} catch (error) {
		throw transportError(error, req);
	}
}

function transportError(error: unknown, req: HttpRequest): ZohoError {
	// Described only on failure: a successful call needs no description of its URL.
	const url = describeUrl(req.url);
	if (req.signal?.aborted) return new ZohoAbortError(url);
	const failure = (
		code: 'TIMEOUT' | 'CONNECTION_REFUSED' | 'NETWORK_ERROR' | 'PROXY_ERROR',
		message: string,
		details: { hint: string; retryable?: boolean; neverSent?: boolean; httpStatus?: number },
	) => new ZohoTransportError(code, message, { url, ...details, cause: error });
	if (
		error instanceof undiciErrors.HeadersTimeoutError ||
		error instanceof undiciErrors.BodyTimeoutError
	) {
		return failure('TIMEOUT', `Zoho did not answer within ${req.timeoutMs} ms (${url}).`, {
			retryable: true,
			hint: 'Zoho or the network is slow. Try again later, or raise the Timeout option.',
		});
	}
	if (error instanceof ProxyFailure) {
		const what =
			error.status === undefined
				? 'could not be reached'
				: `did not open the connection to Zoho (HTTP ${error.status})`;
		return failure('PROXY_ERROR', `The proxy ${error.proxy} ${what}; nothing was sent to ${url}.`, {
			neverSent: true,
			httpStatus: error.status,
			hint:
				// 407 by the standard; some proxies (tinyproxy) answer 401.
				error.status === 407 || error.status === 401
					? 'The proxy asks for a user name and password: put them in the proxy URL (http://user:password@host:port) of HTTPS_PROXY / HTTP_PROXY.'
					: 'n8n sends Zoho calls through the proxy set in HTTPS_PROXY / HTTP_PROXY. Check that the proxy is running and lets n8n through ' +
						'(its access list, CONNECT to port 443), or list the Zoho host in NO_PROXY to bypass it.',
		});
	}
	const code = (error as { code?: unknown } | undefined)?.code;
	if (code === 'ECONNREFUSED') {
		return failure('CONNECTION_REFUSED', `Could not connect to ${url}: connection refused.`, {
			neverSent: true,
			hint: 'Check the Data Centre (or Custom Accounts URL) and that the server is reachable from n8n.',
		});
	}
	const reason = error instanceof Error ? error.message : String(error);
	return failure('NETWORK_ERROR', `Network error talking to ${url}: ${reason}.`, {
		retryable: true,
		neverSent: NAME_NOT_RESOLVED.has(code),
		hint: 'The connection failed or was cut. Check the network between n8n and Zoho and try again.',
	});
}

/** Failures to resolve the host name: nothing was sent. */
const NAME_NOT_RESOLVED: ReadonlySet<unknown> = new Set(['ENOTFOUND', 'EAI_AGAIN']);

/** The request as undici takes it, whole or streamed, bounded by the Timeout. */
function dispatchOptions(req: HttpRequest): Dispatcher.DispatchOptions {
	const { origin, path } = req.target ?? requestTarget(req.url);
	return {
		origin,
		path,
		method: req.method,
		// undici's proxy agent adds `host` to these: every caller builds them afresh for each request.
		headers: req.headers,
		body: req.body,
		headersTimeout: req.timeoutMs,
		bodyTimeout: req.timeoutMs,
	};
}

/** Where undici sends a URL: its origin, and its path with the query (never the fragment). */
export function requestTarget(url: string | URL): { origin: string; path: string } {
	const parsed = typeof url === 'string' ? new URL(url) : url;
	return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
}

/** Collects status, headers and body chunks; the caller's signal aborts the request at any stage. */
class WholeAnswer implements Dispatcher.DispatchHandler {
	private controller?: Dispatcher.DispatchController;
	private status = 0;
	private headers: HttpResponse['headers'] = {};
	private readonly chunks: Buffer[] = [];

	constructor(
		private readonly resolve: (res: HttpResponse) => void,
		private readonly reject: (error: unknown) => void,
		private readonly signal?: AbortSignal,
	) {
		// The handler is the listener (handleEvent): no closure per request.
		signal?.addEventListener('abort', this, { once: true });
	}

	handleEvent(): void {
		// Not started yet: onRequestStart aborts it.
		this.controller?.abort(this.signal?.reason);
	}

	onRequestStart(controller: Dispatcher.DispatchController): void {
		if (this.signal?.aborted) controller.abort(this.signal.reason);
		else this.controller = controller;
	}

	onResponseStart(
		_controller: Dispatcher.DispatchController,
		statusCode: number,
		headers: HttpResponse['headers'],
	): void {
		// 1xx interim answers are not the answer.
		if (statusCode < 200) return;
		this.status = statusCode;
		this.headers = headers;
	}

	onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
		this.chunks.push(chunk);
	}

	onResponseEnd(): void {
		this.signal?.removeEventListener('abort', this);
		// One chunk (the usual API answer) is kept as it is, not copied.
		const body = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
		this.resolve({ status: this.status, headers: this.headers, body });
	}

	onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
		this.signal?.removeEventListener('abort', this);
		this.reject(error);
	}
}

export function headerValue(headers: HttpResponse['headers'], name: string): string | undefined {
	const value = headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}
