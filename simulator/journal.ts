// The request journal: when told to (a folder in ZOHO_SIM_JOURNAL_DIR or the `journal`
// option), every API request the simulator answers is appended to a JSON-lines file
// there, so a checker can hold each one against Zoho's request contract after a test
// run, also when the client is an n8n child process. Secrets never reach the file: the
// Authorization header is not kept and secret parameters keep their names only.
import { appendFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { MultipartPart } from './multipart';

export const JOURNAL_ENV = 'ZOHO_SIM_JOURNAL_DIR';

/** Parameters whose values are secrets (token endpoint, revoke, API Request bodies). */
const SECRET_PARAMS = new Set([
	'client_secret',
	'refresh_token',
	'code',
	'token',
	'access_token',
	'id_token',
]);
export const REDACTED = '<redacted>';
/** Body keys kept whole: COQL's `select_query`; Bulk Read's `query`, `callback` and `file_type`. */
const WHOLE_KEYS = ['select_query', 'query', 'callback', 'file_type'];

/** What a request's body held, in short: enough for the contract, nothing secret. */
export type BodySummary =
	| { kind: 'none' }
	| {
			kind: 'json';
			/** Top-level keys of an object body. */
			keys: string[];
			/** Length of `data` when it is an array. */
			dataLength?: number;
			/** Every key the records in `data` used. */
			recordKeys?: string[];
			/** Whether each element of `data` was an object. */
			recordsAreObjects?: boolean;
			trigger?: unknown;
			duplicateCheckFields?: unknown;
			/** Keys the contract reads whole (`WHOLE_KEYS`), as sent. */
			values?: Record<string, unknown>;
	  }
	| { kind: 'form'; params: Array<[string, string]> }
	| {
			kind: 'multipart';
			parts: string[];
			/** Text parts (no file name), secret values redacted: a form sent as multipart. */
			params: Array<[string, string]>;
	  }
	| { kind: 'other'; contentType: string; bytes: number };

export interface JournalEntry {
	dc: string;
	method: string;
	path: string;
	/** Query parameters in order, secret values redacted. */
	query: Array<[string, string]>;
	/** Headers the contract reads (never Authorization). */
	headers: { ifModifiedSince?: string; contentType?: string; orgId?: boolean };
	body: BodySummary;
	status: number;
	/** Zoho's `code` (or the token endpoint's `error`) of the answer, when it had one. */
	code?: string;
	/** Set while a test sends something wrong on purpose (ZohoSimulator.deliberately). */
	deliberate?: string;
	/** The running test, when the simulator runs inside jest (for the checker's report). */
	testName?: string;
}

/** jest's current test name, read from its global `expect` when there is one. */
export function currentTestName(): string | undefined {
	const expectGlobal = (
		globalThis as { expect?: { getState?: () => { currentTestName?: string } } }
	).expect;
	return typeof expectGlobal?.getState === 'function'
		? expectGlobal.getState().currentTestName
		: undefined;
}

export class Journal {
	private readonly file: string;

	constructor(folder: string) {
		mkdirSync(folder, { recursive: true });
		this.file = path.join(folder, `journal-${process.pid}-${Date.now()}-${nextId()}.jsonl`);
	}

	write(entry: JournalEntry): void {
		appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
	}
}

let counter = 0;
function nextId(): number {
	counter += 1;
	return counter;
}

export function redactedPairs(pairs: Iterable<[string, string]>): Array<[string, string]> {
	return [...pairs].map(([name, value]) => [
		name,
		SECRET_PARAMS.has(name.toLowerCase()) ? REDACTED : value,
	]);
}

/** A summary of a request body for the journal. */
export function summarizeBody(options: {
	body: Buffer;
	contentType: string;
	multipartParts: () => MultipartPart[] | undefined;
}): BodySummary {
	const { body, contentType } = options;
	if (body.length === 0) return { kind: 'none' };
	if (/^application\/x-www-form-urlencoded/i.test(contentType))
		return { kind: 'form', params: redactedPairs(new URLSearchParams(body.toString('utf8'))) };
	if (/^multipart\//i.test(contentType)) {
		const parts = options.multipartParts() ?? [];
		return {
			kind: 'multipart',
			parts: parts.map((part) => part.name),
			params: redactedPairs(
				parts
					.filter((part) => part.filename === undefined)
					.map((part): [string, string] => [part.name, part.data.toString('utf8')]),
			),
		};
	}
	const json = parseJson(body);
	if (json === undefined)
		return { kind: 'other', contentType: contentType || 'none', bytes: body.length };
	if (typeof json !== 'object' || json === null || Array.isArray(json))
		return { kind: 'json', keys: [] };
	const object = json as Record<string, unknown>;
	const summary: BodySummary = { kind: 'json', keys: Object.keys(object) };
	if (Array.isArray(object.data)) {
		const records = object.data as unknown[];
		summary.dataLength = records.length;
		summary.recordsAreObjects = records.every(
			(record) => typeof record === 'object' && record !== null && !Array.isArray(record),
		);
		const keys = new Set<string>();
		for (const record of records)
			if (typeof record === 'object' && record !== null)
				for (const key of Object.keys(record)) keys.add(key);
		summary.recordKeys = [...keys];
	}
	if ('trigger' in object) summary.trigger = object.trigger;
	if ('duplicate_check_fields' in object)
		summary.duplicateCheckFields = object.duplicate_check_fields;
	const whole = WHOLE_KEYS.filter((key) => key in object);
	if (whole.length > 0) summary.values = Object.fromEntries(whole.map((key) => [key, object[key]]));
	if ('watch' in object) summary.values = { ...summary.values, watch: redactedWatch(object.watch) };
	return summary;
}

/** A Notification API body's channels, each verification token's value redacted. */
function redactedWatch(watch: unknown): unknown {
	if (!Array.isArray(watch)) return watch;
	return watch.map((item: unknown) =>
		typeof item === 'object' && item !== null && 'token' in item
			? { ...item, token: REDACTED }
			: item,
	);
}

function parseJson(body: Buffer): unknown {
	try {
		return JSON.parse(body.toString('utf8')) as unknown;
	} catch (error) {
		if (error instanceof SyntaxError) return undefined;
		throw error;
	}
}
