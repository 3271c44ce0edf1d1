// CRM record lists and search: page / per_page, page_token (v3+), the 2000-record limit of
// discrete pages, If-Modified-Since, sort_by / sort_order, and 204 (or 304 after
// If-Modified-Since) for an empty list.
import { parseCriteria, type Predicate } from './crm-criteria';
import { knownModule, projectFields, type CrmTarget } from './crm-records';
import { zohoError } from './errors';
import type { Exchange } from './exchange';
import { hex } from './ids';
import type { CrmModuleState, DcState, PageTokenState } from './state';
import { zohoDateTime } from './time';
import type { CrmRecord } from './types';

const MAX_PER_PAGE = 200;
/** Without a page_token, only the first 2000 records can be reached. */
const DISCRETE_LIMIT = 2000;
const PAGE_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
/** Most page tokens kept per DC (Map order is issue order, so the oldest go first). */
const PAGE_TOKEN_LIMIT = 20_000;

/** At most this many field API names in `fields`. */
const MAX_FIELDS = 50;

const SORT_FIELDS = ['id', 'Created_Time', 'Modified_Time'] as const;

interface Paging {
	page: number;
	perPage: number;
}

export interface ListSort {
	by: (typeof SORT_FIELDS)[number];
	order: 'asc' | 'desc';
}

export function handleList(ex: Exchange, target: CrmTarget): void {
	const module = knownModule(ex, target);
	if (!module) return;
	const paging = readPaging(ex);
	if (!paging) return;
	if (!checkFieldsParam(ex, { required: listNeedsFields(target) })) return;
	if (!checkPipeline(ex, target)) return;
	let sort = readSort(ex);
	if (sort === 'invalid') return;
	const tokens = target.version >= 3;
	const tokenParam = tokens ? ex.query.get('page_token') : null;
	if (tokenParam !== null && ex.query.has('page')) {
		// record.json getRecords `AmbiguityDuringProcessingGETError`.
		ex.json(
			400,
			zohoError('AMBIGUITY_DURING_PROCESSING', 'ambiguity during processing', {
				ambiguity_due_to: [{ param_name: 'page' }, { param_name: 'page_token' }],
			}),
		);
		return;
	}
	const moduleKey = `${target.namespace}:${target.module.toLowerCase()}`;
	const binding = boundParams(ex);
	let offset = (paging.page - 1) * paging.perPage;
	let modifiedSince = readModifiedSince(ex);
	if (tokenParam !== null) {
		const token = pageToken(ex, { tokenParam, moduleKey, binding });
		if (!token) return;
		// The token carries where the listing stands: offset, filter and order.
		offset = token.offset;
		modifiedSince = token.modifiedSince;
		sort = token.sort;
		if (!ex.query.has('per_page')) paging.perPage = token.perPage;
	} else if (tokens && paging.page * paging.perPage > DISCRETE_LIMIT) {
		// record.json getRecords example "discretepaginationlimitexceeded".
		ex.json(
			400,
			zohoError(
				'DISCRETE_PAGINATION_LIMIT_EXCEEDED',
				'You can only get the first 2000 records without using page_token param',
				{ limit: DISCRETE_LIMIT },
			),
		);
		return;
	}
	const records = module.records;
	const matching =
		modifiedSince === undefined
			? records
			: records.filter((record) => modifiedAfter(record, modifiedSince));
	const pageRecords = listSlice(module, {
		records: matching,
		sort: sort ?? DEFAULT_SORT,
		offset,
		count: paging.perPage,
	});
	if (pageRecords.length === 0) {
		// Zoho's status table lists 304 for If-Modified-Since; which one a test sees is configurable.
		ex.empty(ex.header('if-modified-since') === undefined ? 204 : ex.core.config.notModifiedStatus);
		return;
	}
	const more = offset + paging.perPage < matching.length;
	const info: Record<string, unknown> = {
		per_page: paging.perPage,
		count: pageRecords.length,
		page: Math.floor(offset / paging.perPage) + 1,
		sort_by: (sort ?? DEFAULT_SORT).by,
		sort_order: (sort ?? DEFAULT_SORT).order,
		more_records: more,
	};
	if (tokens) {
		const next = more
			? issuePageToken(ex, {
					moduleKey,
					offset: offset + paging.perPage,
					perPage: paging.perPage,
					modifiedSince,
					sort,
					binding,
				})
			: undefined;
		// record.json getRecords 200: next_page_token, previous_page_token and page_token_expiry, nullable.
		info.next_page_token = next?.token ?? null;
		info.previous_page_token = null;
		info.page_token_expiry = next ? zohoDateTime(next.expiresAt) : null;
	}
	const project = projectFields(ex, { target, fields: ex.query.get('fields') });
	ex.json(200, { data: pageRecords.map(project), info });
}

/**
 * CRM from v3 on and Bigin list records only with `fields` (record.json getRecords:
 * `fields` required; docs api/v8/get-records.html "mandatory when fetching all records").
 */
export function listNeedsFields(target: CrmTarget): boolean {
	return target.namespace === 'bigin' || target.version >= 3;
}

/**
 * `fields`: required where `required`, at most 50 API names (record.json getRecords
 * examples "requiredparammissing", "limitexceeded"). False after answering 400.
 */
export function checkFieldsParam(ex: Exchange, options: { required: boolean }): boolean {
	const fields = ex.query.get('fields');
	const names = (fields ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '');
	if (names.length === 0 && options.required) {
		ex.json(
			400,
			zohoError('REQUIRED_PARAM_MISSING', 'required param is missing', { param_name: 'fields' }),
		);
		return false;
	}
	if (names.length > MAX_FIELDS) {
		ex.json(
			400,
			zohoError('LIMIT_EXCEEDED', 'limit exceeded', { limit: MAX_FIELDS, param_name: 'fields' }),
		);
		return false;
	}
	return true;
}

/** Bigin lists its Pipelines (deals) one pipeline at a time: `pipeline_id` is required. */
function checkPipeline(ex: Exchange, target: CrmTarget): boolean {
	if (target.namespace !== 'bigin' || target.module.toLowerCase() !== 'pipelines') return true;
	const pipeline = ex.query.get('pipeline_id');
	if (pipeline === null || pipeline === '') {
		ex.json(
			400,
			zohoError('REQUIRED_PARAM_MISSING', 'required param is missing', {
				param_name: 'pipeline_id',
			}),
		);
		return false;
	}
	if (!/^\d{1,19}$/.test(pipeline)) {
		ex.json(400, zohoError('INVALID_DATA', 'invalid data', { param_name: 'pipeline_id' }));
		return false;
	}
	return true;
}

/**
 * What a page token is bound to: every query parameter but `page`, `page_token` and
 * `per_page`, and If-Modified-Since. Another value on a later call is
 * TOKEN_BOUND_DATA_MISMATCH ("input param is added or altered or deleted").
 */
function boundParams(ex: Exchange): string {
	const params = [...ex.query.entries()]
		.filter(([name]) => name !== 'page' && name !== 'page_token' && name !== 'per_page')
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	return JSON.stringify([params, ex.header('if-modified-since') ?? null]);
}

/** The stored token a request names, or undefined after answering Zoho's error for it. */
function pageToken(
	ex: Exchange,
	options: { tokenParam: string; moduleKey: string; binding: string },
): PageTokenState | undefined {
	const token = ex.dc.pageTokens.get(options.tokenParam);
	if (!token) {
		// record.json getRecords `InvalidDataGETError`.
		ex.json(400, zohoError('INVALID_DATA', 'invalid data', { param_name: 'page_token' }));
		return undefined;
	}
	if (token.expiresAt <= ex.core.now()) {
		// record.json getRecords example "expiredvalue".
		ex.json(
			400,
			zohoError('EXPIRED_VALUE', 'Page token expired', {
				api_name: 'page_token',
				json_path: '$.query.page_token',
			}),
		);
		return undefined;
	}
	if (token.moduleKey !== options.moduleKey || token.binding !== options.binding) {
		// record.json getRecords example "tokenbounddatamismatch".
		ex.json(
			400,
			zohoError(
				'TOKEN_BOUND_DATA_MISMATCH',
				'The page_token given seems to be invalid or input param is added or altered or deleted',
				{ param_name: 'page_token' },
			),
		);
		return undefined;
	}
	if (token.offset >= ex.core.config.pageTokenRecordLimit) {
		// record.json getRecords example "paginationlimitexceeded".
		ex.json(
			400,
			zohoError(
				'PAGINATION_LIMIT_EXCEEDED',
				`You can only get upto ${ex.core.config.pageTokenRecordLimit} records using page_token param`,
				{ param_name: 'page_token' },
			),
		);
		return undefined;
	}
	return token;
}

export function handleSearch(ex: Exchange, target: CrmTarget): void {
	const module = knownModule(ex, target);
	if (!module) return;
	const paging = readPaging(ex);
	if (!paging) return;
	if (!checkFieldsParam(ex, { required: false })) return;
	const predicate = searchPredicate(ex);
	if (predicate === 'missing') {
		ex.json(
			400,
			zohoError('REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
				param_name: 'criteria',
			}),
		);
		return;
	}
	if (!predicate) {
		ex.json(
			400,
			zohoError('INVALID_QUERY', 'invalid query formed', {
				reason: 'the criteria could not be parsed',
			}),
		);
		return;
	}
	const matching = module.records.filter(predicate);
	const offset = (paging.page - 1) * paging.perPage;
	const pageRecords = listSlice(module, {
		records: matching,
		sort: DEFAULT_SORT,
		offset,
		count: paging.perPage,
	});
	if (pageRecords.length === 0) {
		ex.empty(204);
		return;
	}
	const project = projectFields(ex, { target, fields: ex.query.get('fields') });
	ex.json(200, {
		data: pageRecords.map(project),
		info: {
			per_page: paging.perPage,
			count: pageRecords.length,
			page: paging.page,
			more_records: offset + paging.perPage < matching.length,
		},
	});
}

/** page and per_page, or undefined after answering 400. */
export function readPaging(ex: Exchange): Paging | undefined {
	const page = positiveInt(ex.query.get('page'), 1);
	const perPage = positiveInt(ex.query.get('per_page'), MAX_PER_PAGE);
	if (page === undefined) {
		ex.json(400, zohoError('INVALID_DATA', 'invalid data', { param_name: 'page' }));
		return undefined;
	}
	if (perPage === undefined || perPage > MAX_PER_PAGE) {
		ex.json(400, zohoError('INVALID_DATA', 'invalid data', { param_name: 'per_page' }));
		return undefined;
	}
	return { page, perPage };
}

function positiveInt(value: string | null, fallback: number): number | undefined {
	if (value === null) return fallback;
	if (!/^\d{1,9}$/.test(value)) return undefined;
	const parsed = Number(value);
	return parsed >= 1 ? parsed : undefined;
}

/** Zoho lists by id, descending, unless told otherwise (record.json getRecords `sort_by`). */
const DEFAULT_SORT: ListSort = { by: 'id', order: 'desc' };

/**
 * A slice of the records in the asked order. Records are stored in creation order, which
 * is id order unless a test seeded its own ids: then the slice is taken without sorting.
 */
function listSlice(
	module: CrmModuleState,
	options: { records: readonly CrmRecord[]; sort: ListSort; offset: number; count: number },
): CrmRecord[] {
	const { records, sort, offset, count } = options;
	if (sort.by === 'id' && idsAscending(module)) {
		const slice: CrmRecord[] = [];
		const end = Math.min(records.length, offset + count);
		for (let i = offset; i < end; i += 1) {
			const record = sort.order === 'desc' ? records[records.length - 1 - i] : records[i];
			if (record) slice.push(record);
		}
		return slice;
	}
	return sortedSlice(records, { sort, offset, count });
}

/** Whether the module's records are stored in ascending id order (checked once per length). */
function idsAscending(module: CrmModuleState): boolean {
	if (module.idsAscendingAt === module.records.length) return module.idsAscending;
	let ascending = true;
	for (let i = 1; i < module.records.length && ascending; i += 1) {
		const before = module.records[i - 1];
		const after = module.records[i];
		if (before && after && idKey(before.id) > idKey(after.id)) ascending = false;
	}
	module.idsAscending = ascending;
	module.idsAscendingAt = module.records.length;
	return ascending;
}

/** sort_by / sort_order, undefined when neither was given (Zoho's default order), or 'invalid' after answering 400. */
function readSort(ex: Exchange): ListSort | undefined | 'invalid' {
	const by = ex.query.get('sort_by');
	const order = ex.query.get('sort_order');
	if (by === null && order === null) return undefined;
	const field = SORT_FIELDS.find((name) => name === (by ?? 'id'));
	if (!field) {
		ex.json(
			400,
			zohoError('INVALID_DATA', 'invalid data', {
				param_name: 'sort_by',
				supported_values: [...SORT_FIELDS],
			}),
		);
		return 'invalid';
	}
	if (order !== null && order !== 'asc' && order !== 'desc') {
		ex.json(
			400,
			zohoError('INVALID_DATA', 'invalid data', {
				param_name: 'sort_order',
				supported_values: ['asc', 'desc'],
			}),
		);
		return 'invalid';
	}
	return { by: field, order: order ?? 'desc' };
}

/** A slice of the records in the asked order; ties keep creation order (reversed for desc). */
function sortedSlice(
	records: readonly CrmRecord[],
	options: { sort: ListSort; offset: number; count: number },
): CrmRecord[] {
	const { by, order } = options.sort;
	const key = (record: CrmRecord): number | bigint =>
		by === 'id' ? idKey(record.id) : timeOf(record, by);
	const sorted = [...records].sort((a, b) => {
		const ka = key(a);
		const kb = key(b);
		return ka < kb ? -1 : ka > kb ? 1 : 0;
	});
	if (order === 'desc') sorted.reverse();
	return sorted.slice(options.offset, options.offset + options.count);
}

function idKey(id: string): bigint {
	return /^\d+$/.test(id) ? BigInt(id) : 0n;
}

function timeOf(record: CrmRecord, field: 'Created_Time' | 'Modified_Time'): number {
	const value = record[field];
	const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
	return Number.isNaN(time) ? 0 : time;
}

/** The header's time, cut to the second (Zoho's times have no fractions). */
function readModifiedSince(ex: Exchange): number | undefined {
	const header = ex.header('if-modified-since');
	if (!header) return undefined;
	const time = Date.parse(header);
	return Number.isNaN(time) ? undefined : Math.floor(time / 1000) * 1000;
}

/** Created or modified strictly after `since` (a creation sets Modified_Time too). */
function modifiedAfter(record: CrmRecord, since: number): boolean {
	return timeOf(record, 'Modified_Time') > since;
}

function issuePageToken(
	ex: Exchange,
	options: {
		moduleKey: string;
		offset: number;
		perPage: number;
		modifiedSince: number | undefined;
		sort: ListSort | undefined;
		binding: string;
	},
): { token: string; expiresAt: number } {
	const now = ex.core.now();
	sweepPageTokens(ex.dc);
	const token = hex(32);
	const expiresAt = now + PAGE_TOKEN_TTL_MS;
	ex.dc.pageTokens.set(token, {
		moduleKey: options.moduleKey,
		offset: options.offset,
		perPage: options.perPage,
		binding: options.binding,
		expiresAt,
		...(options.modifiedSince !== undefined ? { modifiedSince: options.modifiedSince } : {}),
		...(options.sort ? { sort: options.sort } : {}),
	});
	return { token, expiresAt };
}

/**
 * Keeps memory bounded when a test pages through thousands of lists: past the limit the
 * older half goes (expired or not), so the sweep costs O(1) per token issued.
 */
function sweepPageTokens(dc: DcState): void {
	if (dc.pageTokens.size < PAGE_TOKEN_LIMIT) return;
	let excess = dc.pageTokens.size - PAGE_TOKEN_LIMIT / 2;
	for (const token of dc.pageTokens.keys()) {
		if (excess <= 0) break;
		dc.pageTokens.delete(token);
		excess -= 1;
	}
}

function searchPredicate(ex: Exchange): Predicate | 'missing' | undefined {
	const criteria = ex.query.get('criteria');
	if (criteria !== null) return parseCriteria(criteria);
	const email = ex.query.get('email');
	if (email !== null)
		return anyField(/email/i, (value) => value.toLowerCase() === email.toLowerCase());
	const phone = ex.query.get('phone');
	if (phone !== null) return anyField(/phone|mobile/i, (value) => value === phone);
	const word = ex.query.get('word');
	if (word !== null)
		return anyField(/./, (value) => value.toLowerCase().includes(word.toLowerCase()));
	return 'missing';
}

function anyField(fieldName: RegExp, test: (value: string) => boolean): Predicate {
	return (record) =>
		Object.entries(record).some(
			([key, value]) =>
				key !== 'id' &&
				fieldName.test(key) &&
				(typeof value === 'string' || typeof value === 'number') &&
				test(String(value)),
		);
}
