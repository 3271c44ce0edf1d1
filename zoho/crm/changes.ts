/**
 * Reads what changed in a CRM or Bigin module since a watermark: `If-Modified-Since`
 * one second before it, sorted by Modified_Time oldest first, a page at a time
 * (`page_token` past 2,000 records where Zoho offers it). Nothing here keeps state:
 * the caller stores the returned watermark only once the whole read has succeeded.
 */
import type { ApiCall, ApiCallOptions, ZohoApiClient } from '../api/apiClient';
import { checkModuleName, moduleUrl, type ModuleTarget } from './module';
import { ZohoApiError } from '../errors';
import {
	CRM_PAGE_NUMBER_LIMIT,
	listPageBody,
	MAX_PER_PAGE,
	walkPages,
	type PageQuery,
} from '../api/pagination';
import { describeUrl } from '../secrets';
import type { AccessToken } from '../token/accessToken';
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
	/** Field API names to ask for; empty asks for Zoho's default set. */
	fields: readonly string[];
}

export interface ChangeReader {
	api: ZohoApiClient;
	callOptions: ApiCallOptions;
}

/** Bounds one poll (200,000 records at most); what is left is read by the next poll. */
const MAX_WINDOWS = 1_000;

/**
 * What changed after `watermark`, oldest first, and the watermark past it.
 *
 * Read in windows of one page, each asked afresh from the watermark the previous one
 * left: Zoho's pages are offsets into a list that changes while it is read, and a
 * record changed meanwhile moves to the end, shifting a page boundary over a record not
 * read yet. A fresh window finds that record, and the changed one again at its new time.
 * Only a full page that is all handled records of the watermark second walks on past
 * it, through every page (`page_token` past 2,000 where Zoho offers it).
 */
export async function readChanges(
	reader: ChangeReader,
	options: { source: ChangeSource; watermark: Watermark },
): Promise<{ records: TriggerRecord[]; next: Watermark }> {
	const { source } = options;
	checkSource(source);
	const tokens = hasPageTokens(source);
	const fresh: TriggerRecord[] = [];
	const done = (next: Watermark) => ({
		records: source.event === 'created' ? createdAmong(fresh, { since: options.watermark }) : fresh,
		next,
	});
	let watermark = options.watermark;
	for (let window = 0; window < MAX_WINDOWS; window++) {
		const page = await readWindow(reader, { source, watermark, limit: MAX_PER_PAGE });
		const step = advanceWatermark(watermark, { records: page });
		fresh.push(...step.fresh);
		if (page.length < MAX_PER_PAGE) return done(step.next);
		if (watermarkMoved(watermark, step.next)) {
			watermark = step.next;
			continue;
		}
		// More records share the watermark second than a page holds: walk past them.
		const walked = await readWindow(reader, {
			source,
			watermark,
			limit: tokens ? undefined : CRM_PAGE_NUMBER_LIMIT,
		});
		const deep = advanceWatermark(watermark, { records: walked });
		fresh.push(...deep.fresh);
		if (tokens || walked.length < CRM_PAGE_NUMBER_LIMIT) return done(deep.next);
		if (!watermarkMoved(watermark, deep.next)) {
			// What this poll found is emitted; the next poll, stuck at once, says why.
			if (fresh.length > 0) return done(watermark);
			throw stuck(source);
		}
		watermark = deep.next;
	}
	return done(watermark);
}

/** The records changed after `watermark`, oldest first: one page, `limit` records, or all. */
async function readWindow(
	reader: ChangeReader,
	options: { source: ChangeSource; watermark: Watermark; limit?: number },
): Promise<unknown[]> {
	const headers = { 'If-Modified-Since': modifiedSinceHeader(options.watermark) };
	const walk = await walkPages({
		style: 'crm',
		limit: options.limit,
		fetchPage: (page) =>
			fetchPage(reader, { source: options.source, page, sort: ['Modified_Time', 'asc'], headers }),
	});
	return walk.records;
}

/** The `count` most recent records by the event's time field, newest first (a test run in the editor). */
export async function readRecent(
	reader: ChangeReader,
	options: { source: ChangeSource; count: number },
): Promise<TriggerRecord[]> {
	checkSource(options.source);
	const walk = await walkPages({
		style: 'crm',
		limit: options.count,
		fetchPage: (page) =>
			fetchPage(reader, {
				source: options.source,
				page,
				sort: [TRIGGER_TIME_FIELD[options.source.event], 'desc'],
				headers: {},
			}),
	});
	return walk.records.filter(
		(record): record is TriggerRecord =>
			typeof record === 'object' && record !== null && 'id' in record,
	);
}

async function fetchPage(
	reader: ChangeReader,
	options: {
		source: ChangeSource;
		page: PageQuery;
		sort: [field: string, order: 'asc' | 'desc'];
		headers: Record<string, string>;
	},
): Promise<unknown> {
	const { source } = options;
	const query: Array<[string, string]> = [
		['sort_by', options.sort[0]],
		['sort_order', options.sort[1]],
	];
	const fields = fieldsParam(source);
	if (fields) query.push(['fields', fields]);
	query.push(...options.page.set);
	const build = (token: AccessToken): ApiCall => ({
		method: 'GET',
		url: moduleUrl(source, {
			apiDomain: token.apiDomain,
			accountsUrl: reader.callOptions.credentials.accountsUrl,
		}),
		query,
		headers: options.headers,
	});
	const res = await reader.api.call(build, reader.callOptions);
	return listPageBody(res.body, describeUrl(res.url));
}

/** The fields asked for, with the ones the watermark needs. */
function fieldsParam(source: ChangeSource): string | undefined {
	if (source.fields.length === 0) return undefined;
	return [...new Set([...source.fields, 'Modified_Time', 'Created_Time'])].join(',');
}

function hasPageTokens(source: ChangeSource): boolean {
	return source.product === 'crm' && Number(source.crmVersion.replace(/^v/, '')) >= 3;
}

function checkSource(source: ChangeSource): void {
	checkModuleName(source.module);
}

function stuck(source: ChangeSource): ZohoApiError {
	return new ZohoApiError(
		'API_ERROR',
		`More than ${CRM_PAGE_NUMBER_LIMIT} records of ${source.module} share one second, or come before the new ones, and this API cannot list past ${CRM_PAGE_NUMBER_LIMIT} records without page tokens.`,
		{
			zohoCode: 'DISCRETE_PAGINATION_LIMIT_EXCEEDED',
			hint:
				source.product === 'crm'
					? 'Choose CRM API version v3 or later: they list past 2,000 records with page tokens.'
					: 'Bigin lists at most 2,000 records per read here; narrow what changes at once, or use the event "Created or Updated".',
		},
	);
}
