/**
 * CRM and Bigin record writes in batches: Zoho takes up to 100 records per insert,
 * update, upsert or delete call and answers one entry per record, in order. Pure
 * functions check records, cut batches, build calls and map answers back to records;
 * `writeRecords` sends the batches through the API client a few at a time.
 */
import { z } from 'zod';
import type { ApiRequest, ZohoApi } from '../../api/apiClient';
import { zohoHint } from '../../api/hints';
import { parseJsonBody } from '../../json';
import { ZOHO_ID } from '../../formats';
import {
	ZohoAbortError,
	ZohoApiError,
	ZohoInputError,
	ZohoTransportError,
	isZohoError,
	type ZohoError,
} from '../../errors';
import { mapConcurrently } from '../../mapConcurrently';
import { answerEntrySchema } from '../../api/schemas';
import { describeUrl } from '../../secrets';
import { isApiName, type ModuleTarget } from '../module';

export type RecordWriteOperation = 'create' | 'update' | 'upsert' | 'delete';

/** One entry of a CRM/Bigin write answer: a record's result, in the order the records were sent. */
type WriteEntry = z.infer<typeof answerEntrySchema>;

/** Answer of insert, update, upsert and delete: `{data: [one entry per record]}` (HTTP 200/201, 207, or 400 when none succeeded). */
const writeAnswerSchema = z.object({ data: z.array(answerEntrySchema) }).passthrough();

/** Automation a write may run (record.json createRecords/upsertRecords `trigger` items). */
export const WRITE_TRIGGERS = [
	'workflow',
	'approval',
	'blueprint',
	'pathfinder',
	'orchestration',
] as const;
export type WriteTrigger = (typeof WRITE_TRIGGERS)[number];

/** Zoho's cap on records (or ids) per write call. */
export const MAX_RECORDS_PER_WRITE = 100;
/** Zoho's longest text field (multi-line, large) holds 32,000 characters. */
const MAX_FIELD_VALUE_LENGTH = 32_000;

/** A record to insert, update or upsert, or a record id to delete. */
export type WritePayload = Record<string, unknown> | string;

export type RecordOutcome = { ok: true; entry: WriteEntry } | { ok: false; error: ZohoError };

export interface WriteSettings {
	operation: RecordWriteOperation;
	/** Create, update, upsert. Omitted: Zoho runs workflows, approvals and blueprints; [] runs none; a list runs only those. */
	trigger?: readonly WriteTrigger[];
	/** Delete only. Omitted: Zoho runs the module's workflow rules; false: none (sent as wf_trigger=false). */
	runWorkflowsOnDelete?: boolean;
	/** Upsert only; omitted: the module's system-defined and unique fields. */
	duplicateCheckFields?: readonly string[];
}

/**
 * What one input item sends, or the reason it cannot be sent. Checked before any call,
 * so a bad item fails alone and the others are still written.
 */
export function checkPayload(value: unknown, operation: RecordWriteOperation): WritePayload {
	if (operation === 'delete') return checkRecordId(value);
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new ZohoInputError(
			'Record',
			`The record must be a JSON object of field API names to values (got ${describeType(value)}).`,
			'Map the fields, or give a JSON object such as { "Last_Name": "Smith", "Email": "smith@example.com" }.',
		);
	}
	const record = value as Record<string, unknown>;
	const names = Object.keys(record);
	if (names.length === 0) {
		throw new ZohoInputError(
			'Record',
			'The record has no fields.',
			"Map at least one field (Zoho needs the module's mandatory fields to create a record).",
		);
	}
	// `$`-prefixed keys are Zoho's own record properties (e.g. $se_module): allowed.
	const badName = names.find((name) => !(isApiName(name) || name.startsWith('$')));
	if (badName !== undefined) {
		throw new ZohoInputError(
			'Record',
			`"${badName}" is not a Zoho field API name.`,
			'Use API names (letters, digits and _), e.g. Last_Name, not labels such as "Last Name".',
		);
	}
	const tooLong = names.find(
		(name) =>
			typeof record[name] === 'string' && (record[name] as string).length > MAX_FIELD_VALUE_LENGTH,
	);
	if (tooLong !== undefined) {
		throw new ZohoInputError(
			'Record',
			`Field ${tooLong} has ${(record[tooLong] as string).length} characters; Zoho's longest text field holds ${MAX_FIELD_VALUE_LENGTH}.`,
			'Shorten the value, or store it as an attachment.',
		);
	}
	if (operation === 'update') checkRecordId(record.id);
	return record;
}

function checkRecordId(value: unknown): string {
	if (typeof value === 'number' && !Number.isSafeInteger(value)) {
		// Zoho ids have 19 digits: as a JavaScript number they lose the last ones.
		throw new ZohoInputError(
			'Record ID',
			`The record id ${value} is a number too large to be exact.`,
			'Keep Zoho record ids as text, e.g. {{ $json.id }} from an earlier Zoho step, not Number(...).',
		);
	}
	const id = typeof value === 'number' ? String(value) : value;
	if (typeof id !== 'string' || !ZOHO_ID.test(id.trim())) {
		throw new ZohoInputError(
			'Record ID',
			`The record id must be Zoho's numeric record id (got ${describeType(value)}).`,
			'Map the id of the record, e.g. {{ $json.id }} from an earlier Zoho step.',
		);
	}
	return id.trim();
}

function describeType(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'string')
		return value === ''
			? 'an empty string'
			: `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
	return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** The call for one batch. */
export function writeCall(options: {
	target: ModuleTarget;
	settings: WriteSettings;
	payloads: readonly WritePayload[];
}): ApiRequest {
	const { target, settings } = options;
	const path = `/${target.module}`;
	if (settings.operation === 'delete') {
		const query: Array<[string, string]> = [['ids', options.payloads.join(',')]];
		// record.json deleteRecords `wf_trigger`: workflows run unless it is false.
		if (settings.runWorkflowsOnDelete === false) query.push(['wf_trigger', 'false']);
		return { method: 'DELETE', base: target, path, query };
	}
	const body: Record<string, unknown> = { data: options.payloads };
	if (settings.trigger) body.trigger = settings.trigger;
	if (settings.operation === 'upsert' && settings.duplicateCheckFields?.length)
		body.duplicate_check_fields = settings.duplicateCheckFields;
	const method = settings.operation === 'update' ? 'PUT' : 'POST';
	const upsert = settings.operation === 'upsert' ? '/upsert' : '';
	return { method, base: target, path: `${path}${upsert}`, json: body };
}

/**
 * One outcome per record of a batch from Zoho's answer (HTTP 200/201/207, or the body
 * of a 400 in which every record was refused). An answer that does not hold one entry
 * per record fails the whole batch.
 */
export function mapWriteAnswer(options: {
	json: unknown;
	count: number;
	httpStatus: number;
	url: string;
}): RecordOutcome[] {
	const parsed = writeAnswerSchema.safeParse(options.json);
	if (!parsed.success || parsed.data.data.length !== options.count) {
		const error = new ZohoTransportError(
			'INVALID_RESPONSE',
			`Zoho's answer to a write of ${options.count} records to ${options.url} does not hold one result per record.`,
			{
				url: options.url,
				httpStatus: options.httpStatus,
				body: options.json,
				hint: 'Check in Zoho which records were written before running again (an upsert can safely be repeated).',
			},
		);
		return Array.from({ length: options.count }, () => ({ ok: false, error }));
	}
	return parsed.data.data.map((entry) =>
		entry.status === 'success'
			? { ok: true, entry }
			: { ok: false, error: refusalError(entry, options) },
	);
}

/** The field a per-record problem names: `api_name` (v8 answers), or `param_name`. */
function fieldOf(details: unknown): string | undefined {
	const { api_name: apiName, param_name: paramName } = (details ?? {}) as Record<string, unknown>;
	return [apiName, paramName].find((name): name is string => typeof name === 'string');
}

type Problem = { code: string; message?: string; details?: unknown };

/** One problem of a record in words: code, Zoho's message, the field, and the record it duplicates. */
function describeProblem(problem: Problem): string {
	const field = fieldOf(problem.details);
	const duplicate = (problem.details as { duplicate_record?: { id?: unknown } } | undefined)
		?.duplicate_record?.id;
	return [
		problem.code,
		problem.message ? ` (${problem.message})` : '',
		field ? ` in field ${field}` : '',
		typeof duplicate === 'string' ? `: record ${duplicate} already has this value` : '',
	].join('');
}

/**
 * Zoho's per-record problems: one, or MULTIPLE_OR_MULTI_ERRORS with `details.errors[]`
 * (record.json upsertRecords `MultipleOrMultiErrorsError`).
 */
function problemsOf(entry: WriteEntry): Problem[] {
	const errors = (entry.details as { errors?: unknown } | undefined)?.errors;
	if (entry.code !== 'MULTIPLE_OR_MULTI_ERRORS' || !Array.isArray(errors)) return [entry];
	return errors.filter((error): error is Problem => typeof (error as Problem)?.code === 'string');
}

function refusalError(
	entry: WriteEntry,
	answer: { httpStatus: number; url: string },
): ZohoApiError {
	const problems = problemsOf(entry);
	const fields = [...new Set(problems.map((problem) => fieldOf(problem.details)).filter(Boolean))];
	const message =
		problems.length > 1 || entry.code === 'MULTIPLE_OR_MULTI_ERRORS'
			? `Zoho refused the record: ${entry.code}${entry.message ? ` (${entry.message})` : ''}: ${problems.map(describeProblem).join('; ')}.`
			: `Zoho refused the record: ${describeProblem(entry)}.`;
	const hints = new Set(problems.map((problem) => zohoHint(problem.code, 'record')));
	return new ZohoApiError('RECORD_REFUSED', message, {
		zohoCode: entry.code,
		zohoMessage: entry.message,
		field: fields.join(', ') || undefined,
		httpStatus: answer.httpStatus,
		url: answer.url,
		body: entry,
		hint:
			[...hints].filter(Boolean).join(' ') ||
			"Correct the record according to Zoho's code and message.",
	});
}

/** Failures shown in a partial write's hint. */
const SHOWN_FAILURES = 3;
/** Item numbers and ids shown in a partial write's description; the error's details hold more. */
const SHOWN_WRITTEN = 20;
/** Written records kept in the error's details. */
const KEPT_WRITTEN = 1_000;

/** What running the same items again does to the records already written, per operation. */
const RERUN: Record<RecordWriteOperation, string> = {
	create:
		'Running the node again on the same items creates them a second time: run only the failed items again, or use Create or Update (upsert) with a duplicate check field.',
	update:
		'Running the node again on the same items writes the same values to them again (their Modified_Time moves and workflow rules may run again) and retries the failed ones.',
	upsert:
		'Running the node again on the same items finds them by the duplicate check fields and writes the same values again (no duplicates; their Modified_Time moves and workflow rules may run again), and retries the failed ones.',
	delete:
		'Running the node again on the same items fails for them (Zoho: the ids are already deleted) and retries the failed ones.',
};

/**
 * The error for a run in which some records failed (without Continue On Fail): how many
 * of how many, the first failures with their item numbers, which records Zoho wrote
 * anyway (they are in Zoho now: ids by item, the first here, up to 1,000 in
 * `writtenRecords`), and what running the same items again does for this operation.
 */
export function refusalSummary(options: {
	operation: RecordWriteOperation;
	failures: ReadonlyArray<{ itemIndex: number; error: ZohoError }>;
	written: ReadonlyArray<{ itemIndex: number; id?: string }>;
	total: number;
}): ZohoApiError {
	const { failures, total, written } = options;
	const first = failures.slice(0, SHOWN_FAILURES);
	const lines = first.map(
		({ itemIndex, error }) =>
			`item ${itemIndex}: ${error.zohoCode ?? error.code}${error.field ? ` (${error.field})` : ''} ${error.zohoMessage ?? error.message}`,
	);
	const more = failures.length > first.length ? `; and ${failures.length - first.length} more` : '';
	const refusedOnly = failures.every(({ error }) => error.code === 'RECORD_REFUSED');
	const head = refusedOnly
		? `Zoho refused ${failures.length} of ${total} records`
		: `${failures.length} of ${total} records failed`;
	const tail =
		written.length === 0
			? '; none was written.'
			: ` and ${refusedOnly ? '' : 'Zoho '}wrote the other ${written.length}: they are in Zoho now.`;
	const byItem = written.map(({ itemIndex, id }) => `${itemIndex} → ${id ?? '?'}`);
	const shownIds =
		written.length === 0
			? ''
			: ` Written records (item → id): ${byItem.slice(0, SHOWN_WRITTEN).join(', ')}${written.length > SHOWN_WRITTEN ? `, and ${written.length - SHOWN_WRITTEN} more (the error's writtenRecords lists up to ${KEPT_WRITTEN})` : ''}. ${RERUN[options.operation]}`;
	return new ZohoApiError('RECORDS_REFUSED', `${head}${tail}`, {
		zohoCode: first[0]?.error.zohoCode,
		field: first[0]?.error.field,
		httpStatus: first[0]?.error.httpStatus,
		url: first[0]?.error.url,
		writtenRecords: written
			.slice(0, KEPT_WRITTEN)
			.map(({ itemIndex, id }) => ({ item: itemIndex, id: id ?? '' })),
		hint: `Failed: ${lines.join('; ')}${more}.${shownIds} With Continue On Fail (Settings → On Error) the node goes on past failures: one output item per input item, the written ones with Zoho's answer (their ids), the failed ones as error items.`,
	});
}

/**
 * Writes the payloads in batches, `concurrency` calls at a time, and returns one outcome
 * per payload, in order. A batch that fails as a whole (scope, rate limit after retries,
 * network) fails each of its records with that error; cancelling the execution throws.
 */
export async function writeRecords(options: {
	api: ZohoApi;
	target: ModuleTarget;
	settings: WriteSettings;
	payloads: readonly WritePayload[];
	/** Records per call, 1–100 (the node checks it). */
	batchSize: number;
	/** Calls in flight at once. */
	concurrency: number;
}): Promise<RecordOutcome[]> {
	const { payloads, settings, target, batchSize } = options;
	const batches: WritePayload[][] = [];
	for (let start = 0; start < payloads.length; start += batchSize)
		batches.push(payloads.slice(start, start + batchSize));
	const perBatch = await mapConcurrently({
		count: batches.length,
		concurrency: options.concurrency,
		run: async (index) => {
			const batch = batches[index] ?? [];
			try {
				const res = await options.api.send(writeCall({ target, settings, payloads: batch }));
				return mapWriteAnswer({
					json: parseJsonBody(res.body),
					count: batch.length,
					httpStatus: res.status,
					url: describeUrl(res.url),
				});
			} catch (error) {
				if (error instanceof ZohoAbortError || !isZohoError(error)) throw error;
				// Zoho answers 400 with the per-record entries when no record succeeded.
				if (error.httpStatus === 400 && writeAnswerSchema.safeParse(error.body).success) {
					return mapWriteAnswer({
						json: error.body,
						count: batch.length,
						httpStatus: 400,
						url: error.url ?? '',
					});
				}
				return batch.map((): RecordOutcome => ({ ok: false, error }));
			}
		},
	});
	return perBatch.flat();
}
