/**
 * Reads what changed in a CRM or Bigin module since a watermark: `If-Modified-Since`
 * one second before it, sorted by Modified_Time oldest first, a page at a time
 * (`page_token` past 2,000 records where Zoho offers it, up to Zoho's 100,000). Nothing
 * here keeps state: the caller stores the returned watermark only once the whole read has
 * succeeded. Also the records of a module named by id (an instant trigger's callback).
 */
import type { ZohoApi } from '../../api/apiClient';
import type { ModuleTarget } from '../module';
import { ZohoApiError, ZohoInputError } from '../../errors';
import { ZOHO_ID } from '../../formats';
import {
	CRM_PAGE_NUMBER_LIMIT,
	listPageBody,
	MAX_PER_PAGE,
	PAGE_TOKEN_RECORD_LIMIT,
	walkPages,
} from '../../api/pagination';
import { crmListSchema } from '../../api/schemas';
import { describeUrl } from '../../secrets';
import {
	checkListFields,
	fetchListFields,
	listNeedsFields,
	type ListFieldsCache,
} from '../metadata/listFields';
import {
	advanceWatermark,
	createdAmong,
	modifiedSinceHeader,
	TRIGGER_TIME_FIELD,
	watermarkMoved,
	type TriggerEvent,
	type TriggerRecord,
	type Watermark,
} from './watermark';

export interface ChangeSource extends ModuleTarget {
	event: TriggerEvent;
	/**
	 * Field API names to ask for (at most 50 with Modified_Time and Created_Time). Empty:
	 * the module's fields from settings/fields (CRM v3 and later, Bigin), Zoho's default set
	 * on CRM v2.
	 */
	fields: readonly string[];
	/** Bigin Pipelines only: the Team Pipeline whose records to read (Zoho requires it). */
	pipelineId?: string;
}

export interface ChangeReader {
	api: ZohoApi;
	/** Where the module's fields are kept between reads; without it they are read every time. */
	fieldLists?: ListFieldsCache;
}

/** The fields every change read needs: the watermark's time and the "created" event's. */
export const TIME_FIELDS = ['Modified_Time', 'Created_Time'];

/** Bounds the windows of one poll; what is left is read by the next poll. */
const MAX_WINDOWS = 1_000;

/**
 * What changed after `watermark`, oldest first, and the watermark past it.
 *
 * Read in windows of one page, each asked afresh from the watermark the previous one
 * left: Zoho's pages are offsets into a list that changes while it is read, and a
 * record changed meanwhile moves to the end, shifting a page boundary over a record not
 * read yet. A fresh window finds that record, and the changed one again at its new time.
 * Only a full page that is all handled records of the watermark second walks on past
 * it, page after page (`page_token` past 2,000 where Zoho offers it) up to the end of
 * Zoho's page-token window; the next window starts from the watermark that walk left.
 */
export async function readChanges(
	reader: ChangeReader,
	options: {
		source: ChangeSource;
		watermark: Watermark;
		/** Records one listing reaches with page tokens (Zoho: 100,000); a test may lower it. */
		pageTokenRecordLimit?: number;
	},
): Promise<{ records: TriggerRecord[]; next: Watermark }> {
	const { source } = options;
	checkSource(source);
	const fields = await fieldsParam(reader, source);
	// How far one walk past a crowded second reaches: Zoho's page-token window, or 2,000
	// records where it has no page tokens. A new window from the watermark goes on from there.
	const walkLimit = hasPageTokens(source)
		? (options.pageTokenRecordLimit ?? PAGE_TOKEN_RECORD_LIMIT)
		: CRM_PAGE_NUMBER_LIMIT;
	const fresh: TriggerRecord[] = [];
	const done = (next: Watermark) => ({
		records: source.event === 'created' ? createdAmong(fresh, { since: options.watermark }) : fresh,
		next,
	});
	let watermark = options.watermark;
	for (let window = 0; window < MAX_WINDOWS; window++) {
		const page = await readWindow(reader, { source, fields, watermark, limit: MAX_PER_PAGE });
		const step = advanceWatermark(watermark, { records: page });
		fresh.push(...step.fresh);
		if (page.length < MAX_PER_PAGE) return done(step.next);
		if (watermarkMoved(watermark, step.next)) {
			watermark = step.next;
			continue;
		}
		// More records share the watermark second than a page holds: walk past them.
		const walked = await readWindow(reader, { source, fields, watermark, limit: walkLimit });
		const deep = advanceWatermark(watermark, { records: walked });
		fresh.push(...deep.fresh);
		if (walked.length < walkLimit) return done(deep.next);
		if (!watermarkMoved(watermark, deep.next)) {
			// What this poll found is emitted; the next poll, stuck at once, says why.
			if (fresh.length > 0) return done(watermark);
			throw stuck(source, walkLimit);
		}
		watermark = deep.next;
	}
	return done(watermark);
}

/** The records changed after `watermark`, oldest first: at most `limit`. */
function readWindow(
	reader: ChangeReader,
	options: { source: ChangeSource; fields?: string; watermark: Watermark; limit: number },
): Promise<unknown[]> {
	return listRecords(reader, {
		...options,
		sort: ['Modified_Time', 'asc'],
		headers: { 'If-Modified-Since': modifiedSinceHeader(options.watermark) },
	});
}

/** The `count` most recent records by the event's time field, newest first (a test run in the editor). */
export async function readRecent(
	reader: ChangeReader,
	options: { source: ChangeSource; count: number },
): Promise<TriggerRecord[]> {
	const { source } = options;
	checkSource(source);
	const records = await listRecords(reader, {
		source,
		fields: await fieldsParam(reader, source),
		limit: options.count,
		sort: [TRIGGER_TIME_FIELD[source.event], 'desc'],
	});
	return records.filter(
		(record): record is TriggerRecord =>
			typeof record === 'object' && record !== null && 'id' in record,
	);
}

/** Up to `limit` records of the source in `sort` order, a page at a time. */
async function listRecords(
	reader: ChangeReader,
	options: {
		source: ChangeSource;
		fields?: string;
		limit: number;
		sort: [field: string, order: 'asc' | 'desc'];
		headers?: Record<string, string>;
	},
): Promise<unknown[]> {
	const { source } = options;
	const query: Array<[string, string]> = [
		['sort_by', options.sort[0]],
		['sort_order', options.sort[1]],
	];
	if (options.fields) query.push(['fields', options.fields]);
	if (source.pipelineId) query.push(['pipeline_id', source.pipelineId]);
	const walk = await walkPages({
		style: 'crm',
		limit: options.limit,
		fetchPage: async (page) => {
			const res = await reader.api.send({
				base: source,
				path: `/${source.module}`,
				query: [...query, ...page.set],
				headers: options.headers ?? {},
			});
			return listPageBody(res.body, describeUrl(res.url));
		},
	});
	return walk.records;
}

/**
 * The `fields` every call of one read sends (a page token is bound to them): the user's
 * with the time fields, or the module's first 50 where Zoho needs a list and none is given.
 */
async function fieldsParam(
	reader: ChangeReader,
	source: ChangeSource,
): Promise<string | undefined> {
	if (source.fields.length > 0)
		return checkListFields(source.fields, { required: TIME_FIELDS, label: 'Fields' }).join(',');
	if (!listNeedsFields(source)) return undefined;
	const request = { ...reader, target: source, required: TIME_FIELDS };
	const choice = await (reader.fieldLists?.fieldsFor(request) ?? fetchListFields(request));
	return choice.fields.join(',');
}

/** CRM v3 and later list past 2,000 records with page tokens; v2 and Bigin do not. */
function hasPageTokens(source: ChangeSource): boolean {
	return source.product === 'crm' && listNeedsFields(source);
}

/** The module name was checked where it was read; Bigin's Pipelines also need a Team Pipeline. */
function checkSource(source: ChangeSource): void {
	const { module, pipelineId } = source;
	if (source.product !== 'bigin' || module.toLowerCase() !== 'pipelines') return;
	if (ZOHO_ID.test(pipelineId ?? '')) return;
	throw new ZohoInputError(
		'Pipeline ID',
		pipelineId
			? `Pipeline ID "${pipelineId}" is not a Bigin pipeline id (digits only).`
			: 'Bigin lists Pipelines records one Team Pipeline at a time, and Pipeline ID is empty.',
		"Enter the Team Pipeline's id: the id of its layout in GET /bigin/v2/settings/layouts?module=Pipelines (Bigin's docs: get-team-pipeline-records).",
	);
}

/** More records share the watermark second than one listing reaches: nothing moves the trigger past them. */
function stuck(source: ChangeSource, limit: number): ZohoApiError {
	const tokens = hasPageTokens(source);
	return new ZohoApiError(
		'API_ERROR',
		`More than ${limit} records of ${source.module} share one second, or come before the new ones, and ${tokens ? "Zoho's page tokens reach" : 'this API lists'} at most ${limit} records from one point.`,
		{
			zohoCode: tokens ? 'PAGINATION_LIMIT_EXCEEDED' : 'DISCRETE_PAGINATION_LIMIT_EXCEEDED',
			hint: tokens
				? `The records of that second past the first ${limit} cannot be listed. Export the module with Zoho's Bulk Read API for them, then set Start From after that second on a new trigger.`
				: source.product === 'crm'
					? 'Choose CRM API version v3 or later: they list past 2,000 records with page tokens.'
					: 'Bigin lists at most 2,000 records per read here; narrow what changes at once, or use the event "Created or Updated".',
		},
	);
}

const MAX_IDS_PER_CALL = 100;

/**
 * Named records of a module in as few calls as Zoho allows: `GET /{Module}?ids=…&fields=…`,
 * at most 100 ids per call (GitHub zoho/crm-oas v8.0/record.json getRecords, query `ids`).
 * A record deleted meanwhile is not listed; an empty answer (204) means none is left.
 */
export async function fetchRecordsById(
	api: ZohoApi,
	options: { target: ModuleTarget; ids: readonly string[]; fields: readonly string[] },
): Promise<Map<string, TriggerRecord>> {
	const found = new Map<string, TriggerRecord>();
	const ids = [...new Set(options.ids)];
	for (let start = 0; start < ids.length; start += MAX_IDS_PER_CALL) {
		const answer = await api.read(
			{
				base: options.target,
				path: `/${options.target.module}`,
				query: [
					['ids', ids.slice(start, start + MAX_IDS_PER_CALL).join(',')],
					['fields', options.fields.join(',')],
				],
			},
			{ schema: crmListSchema, what: `a list of ${options.target.module} records` },
		);
		for (const value of answer?.data ?? []) {
			const id = (value as { id?: unknown } | null)?.id;
			if (typeof id !== 'string' && typeof id !== 'number') continue;
			found.set(String(id), { ...(value as Record<string, unknown>), id: String(id) });
		}
	}
	return found;
}
