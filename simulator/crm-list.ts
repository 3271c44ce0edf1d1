// CRM record lists and search: page / per_page, page_token (v3+), the 2000-record limit of
// discrete pages, If-Modified-Since, sort_by / sort_order, and 204 (or 304 after
// If-Modified-Since) for an empty list.
import { parseCriteria, type Predicate } from './crm-criteria';
import { moduleOf, projectFields, type CrmTarget } from './crm-records';
import { zohoError } from './errors';
import type { Exchange } from './exchange';
import { hex } from './ids';
import type { DcState } from './state';
import type { CrmRecord } from './types';

const MAX_PER_PAGE = 200;
/** Without a page_token, only the first 2000 records can be reached. */
const DISCRETE_LIMIT = 2000;
const PAGE_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
/** Most page tokens kept per DC (Map order is issue order, so the oldest go first). */
const PAGE_TOKEN_LIMIT = 20_000;

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
	const paging = readPaging(ex);
	if (!paging) return;
	let sort = readSort(ex);
	if (sort === 'invalid') return;
	const tokenParam = target.version >= 3 ? ex.query.get('page_token') : null;
	if (tokenParam !== null && ex.query.has('page')) {
		ex.json(
			400,
			zohoError('INVALID_REQUEST', 'page and page_token cannot be used together', {
				params: ['page', 'page_token'],
			}),
		);
		return;
	}
	const moduleKey = `${target.namespace}:${target.module.toLowerCase()}`;
	let offset = (paging.page - 1) * paging.perPage;
	let modifiedSince = readModifiedSince(ex);
	if (tokenParam !== null) {
		const token = ex.dc.pageTokens.get(tokenParam);
		if (!token || token.moduleKey !== moduleKey || token.expiresAt <= ex.core.now()) {
			ex.json(
				400,
				zohoError('INVALID_DATA', 'the page_token is invalid or has expired', {
					param: 'page_token',
				}),
			);
			return;
		}
		// The token carries where the listing stands: offset, filter and (unless overridden) page size.
		offset = token.offset;
		modifiedSince = token.modifiedSince;
		sort = token.sort;
		if (!ex.query.has('per_page')) paging.perPage = token.perPage;
	} else if (target.version >= 3 && paging.page * paging.perPage > DISCRETE_LIMIT) {
		ex.json(
			400,
			zohoError(
				'DISCRETE_PAGINATION_LIMIT_EXCEEDED',
				'cannot fetch more than 2000 records. Use page_token',
				{},
			),
		);
		return;
	}
	const records = moduleOf(ex, target).records;
	const matching =
		modifiedSince === undefined
			? records
			: records.filter((record) => modifiedAfter(record, modifiedSince));
	const pageRecords = sort
		? sortedSlice(matching, { sort, offset, count: paging.perPage })
		: newestFirst(matching, { offset, count: paging.perPage });
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
		sort_by: sort?.by ?? 'id',
		sort_order: sort?.order ?? 'desc',
		more_records: more,
	};
	if (target.version >= 3) {
		const next = more
			? issuePageToken(ex, {
					moduleKey,
					offset: offset + paging.perPage,
					perPage: paging.perPage,
					modifiedSince,
					sort,
				})
			: undefined;
		info.next_page_token = next?.token ?? null;
		info.page_token_expiry = next ? new Date(next.expiresAt).toISOString() : null;
		info.page_token = tokenParam;
	}
	const fields = ex.query.get('fields');
	ex.json(200, { data: pageRecords.map((record) => projectFields(record, fields)), info });
}

export function handleSearch(ex: Exchange, target: CrmTarget): void {
	const paging = readPaging(ex);
	if (!paging) return;
	const predicate = searchPredicate(ex);
	if (predicate === 'missing') {
		ex.json(
			400,
			zohoError('REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
				param: 'criteria',
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
	const matching = moduleOf(ex, target).records.filter(predicate);
	const offset = (paging.page - 1) * paging.perPage;
	const pageRecords = newestFirst(matching, { offset, count: paging.perPage });
	if (pageRecords.length === 0) {
		ex.empty(204);
		return;
	}
	const fields = ex.query.get('fields');
	ex.json(200, {
		data: pageRecords.map((record) => projectFields(record, fields)),
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
		ex.json(400, zohoError('INVALID_DATA', 'page must be a positive integer', { param: 'page' }));
		return undefined;
	}
	if (perPage === undefined || perPage > MAX_PER_PAGE) {
		ex.json(
			400,
			zohoError('INVALID_DATA', 'per_page must be between 1 and 200', {
				param: 'per_page',
				maximum: MAX_PER_PAGE,
			}),
		);
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

/** A slice of the records, newest first, without copying the whole list. */
export function newestFirst(
	records: readonly CrmRecord[],
	options: { offset: number; count: number },
): CrmRecord[] {
	const slice: CrmRecord[] = [];
	const end = Math.min(records.length, options.offset + options.count);
	for (let i = options.offset; i < end; i += 1) {
		const record = records[records.length - 1 - i];
		if (record) slice.push(record);
	}
	return slice;
}

/**
 * sort_by / sort_order, undefined when neither was given (the list is then newest first,
 * as before), or 'invalid' after answering 400.
 */
function readSort(ex: Exchange): ListSort | undefined | 'invalid' {
	const by = ex.query.get('sort_by');
	const order = ex.query.get('sort_order');
	if (by === null && order === null) return undefined;
	const field = SORT_FIELDS.find((name) => name === (by ?? 'id'));
	if (!field) {
		ex.json(
			400,
			zohoError('INVALID_DATA', 'invalid data', {
				param: 'sort_by',
				supported_values: [...SORT_FIELDS],
			}),
		);
		return 'invalid';
	}
	if (order !== null && order !== 'asc' && order !== 'desc') {
		ex.json(
			400,
			zohoError('INVALID_DATA', 'invalid data', {
				param: 'sort_order',
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
