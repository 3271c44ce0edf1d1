// One request and its answer. Every answer goes through here so that the call is counted
// before the first byte leaves: a test that awaits a response then sees exact counters.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimCore } from './core';
import { currentTestName, redactedPairs, summarizeBody, type JournalEntry } from './journal';
import { boundaryOf, parseMultipart } from './multipart';
import type { ScopeSet } from './scopes';
import type { DcState } from './state';

export interface ExchangeOptions {
	core: SimCore;
	dc: DcState;
	req: IncomingMessage;
	res: ServerResponse;
	url: URL;
	/** False for /__sim admin calls, which are not counted. */
	counted: boolean;
}

const JSON_TYPE = 'application/json;charset=UTF-8';

export class Exchange {
	readonly core: SimCore;
	readonly dc: DcState;
	readonly req: IncomingMessage;
	readonly res: ServerResponse;
	readonly method: string;
	/** Pathname without the query string. */
	readonly path: string;
	readonly query: URLSearchParams;
	body: Buffer = Buffer.alloc(0);
	private readonly counted: boolean;
	private answered = false;
	/** Zoho's code (or `error`) of the JSON answer, for the journal. */
	private answerCode: string | undefined;
	/** While set, an answer is kept here instead of sent (see `withhold`). */
	private held?: () => void;
	private holding = false;

	constructor(options: ExchangeOptions) {
		this.core = options.core;
		this.dc = options.dc;
		this.req = options.req;
		this.res = options.res;
		this.method = (options.req.method ?? 'GET').toUpperCase();
		this.path = options.url.pathname;
		this.query = options.url.searchParams;
		this.counted = options.counted;
	}

	header(name: string): string | undefined {
		const value = this.req.headers[name.toLowerCase()];
		return Array.isArray(value) ? value.join(', ') : value;
	}

	get isAnswered(): boolean {
		return this.answered;
	}

	/** From now on answers are kept back, not sent, until `release` says what becomes of them. */
	withhold(): void {
		this.holding = true;
	}

	/** Stops withholding; `send` true sends the kept answer, false drops it (a fault answers instead). */
	release(options: { send: boolean }): void {
		const held = this.held;
		this.holding = false;
		this.held = undefined;
		if (options.send) held?.();
	}

	json(status: number, body: unknown, headers: Record<string, string> = {}): void {
		if (typeof body === 'object' && body !== null) {
			const { code, error } = body as Record<string, unknown>;
			const answerCode =
				typeof code === 'string' ? code : typeof error === 'string' ? error : undefined;
			if (answerCode !== undefined && !this.holding) this.answerCode = answerCode;
		}
		this.send({
			status,
			data: Buffer.from(JSON.stringify(body)),
			headers: { 'Content-Type': JSON_TYPE, ...headers },
		});
	}

	/** 204 and similar: no body at all. */
	empty(status: number): void {
		if (this.hold(() => this.empty(status))) return;
		if (!this.begin(status)) return;
		this.res.writeHead(status, { Date: this.date() });
		this.res.end();
	}

	send(options: { status: number; data: Buffer; headers: Record<string, string> }): void {
		if (this.hold(() => this.send(options))) return;
		if (!this.begin(options.status)) return;
		this.res.writeHead(options.status, {
			Date: this.date(),
			...options.headers,
			'Content-Length': String(options.data.length),
		});
		this.res.end(options.data);
	}

	/**
	 * Sends the head now and hands back the response, for a body written in parts (a large
	 * download). Not withheld: a fault meant for after handling does not apply to it.
	 */
	stream(options: { status: number; headers: Record<string, string> }): ServerResponse | undefined {
		if (!this.begin(options.status)) return undefined;
		this.res.writeHead(options.status, options.headers);
		return this.res;
	}

	/** Destroys the connection without answering. */
	drop(): void {
		if (!this.begin(0)) return;
		this.req.socket.destroy();
	}

	/**
	 * Sends the head and part of a body, then destroys the connection.
	 * With `declaredLength` the head promises more bytes than come; without it the body is
	 * chunked and the final chunk never arrives.
	 */
	cutShort(options: {
		status: number;
		headers: Record<string, string>;
		part: Buffer;
		declaredLength?: number;
	}): void {
		if (!this.begin(options.status)) return;
		const headers = { ...options.headers };
		if (options.declaredLength !== undefined)
			headers['Content-Length'] = String(options.declaredLength);
		this.res.writeHead(options.status, headers);
		// Destroy only once the partial body is handed to the socket, so the client sees it.
		this.res.write(options.part, () => this.res.destroy());
	}

	/** Zoho's `Date` header, on the simulator's clock: how a client learns Zoho's time. */
	private date(): string {
		return new Date(this.core.now()).toUTCString();
	}

	private hold(answer: () => void): boolean {
		if (!this.holding) return false;
		this.held ??= answer;
		return true;
	}

	private begin(status: number): boolean {
		if (this.answered) return false;
		this.answered = true;
		if (this.counted) {
			const authorization = this.header('authorization');
			this.core.counters.recordCall({
				dc: this.dc.id,
				method: this.method,
				path: this.path,
				status,
				...(authorization !== undefined ? { authorization } : {}),
			});
			this.core.journal?.write(this.journalEntry(status));
		}
		return true;
	}

	private journalEntry(status: number): JournalEntry {
		const contentType = this.header('content-type') ?? '';
		const ifModifiedSince = this.header('if-modified-since');
		return {
			dc: this.dc.id,
			method: this.method,
			path: this.path,
			query: redactedPairs(this.query.entries()),
			headers: {
				...(ifModifiedSince !== undefined ? { ifModifiedSince } : {}),
				...(contentType !== '' ? { contentType } : {}),
				...(this.header('orgid') !== undefined ? { orgId: true } : {}),
			},
			body: summarizeBody({
				body: this.body,
				contentType,
				multipartParts: () => {
					const boundary = boundaryOf(contentType);
					return boundary ? parseMultipart(this.body, boundary) : undefined;
				},
			}),
			status,
			...(this.answerCode !== undefined ? { code: this.answerCode } : {}),
			...(this.core.deliberate !== undefined ? { deliberate: this.core.deliberate } : {}),
			...optional('testName', currentTestName()),
		};
	}
}

function optional(key: string, value: string | undefined): Record<string, string> {
	return value === undefined ? {} : { [key]: value };
}

/** One API endpoint: whether a token's scopes allow it, and how it answers. */
export interface ApiRoute {
	/** True when the token's scopes allow this call. */
	allowed(scopes: ScopeSet): boolean;
	/** API credits the call costs when they depend on the route's own reading (COQL's LIMIT); else limits.ts prices it. */
	credits?: number;
	handle(ex: Exchange): Promise<void> | void;
}
