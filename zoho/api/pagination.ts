/**
 * Walks Zoho list endpoints page by page. CRM/Bigin: `page` up to the 2,000th
 * record, then `page_token` (v3+) up to the 100,000th; Books/Inventory/Invoice: `page`
 * while `page_context.has_more_page`. An HTTP 204 (no body) is an empty list.
 */
import { parseJsonBody } from '../json';
import { isZohoError, ZohoApiError, ZohoTransportError } from '../errors';
import { booksAnswerSchema, crmListSchema } from './schemas';
import type { Pagination } from './services';

/** Zoho refuses page numbers past this many records; page tokens are needed beyond. */
export const CRM_PAGE_NUMBER_LIMIT = 2000;
export const MAX_PER_PAGE = 200;
/**
 * Page tokens reach this many records of one listing; Zoho refuses the next with
 * PAGINATION_LIMIT_EXCEEDED (record.json getRecords example "paginationlimitexceeded").
 */
export const PAGE_TOKEN_RECORD_LIMIT = 100_000;

export interface PageQuery {
	/** Query parameters to set on this page's request (replacing any the user set). */
	set: Array<[string, string]>;
	/** Query parameters to remove (Zoho refuses `page` together with `page_token`). */
	remove: string[];
}

/**
 * `fetchPage` sends one request with the given query changes and returns the
 * parsed body (undefined for 204). Stops at `limit` records when given. A CRM list with
 * more records than page tokens reach fails before asking past them, saying how many
 * were read: Zoho would refuse the call, and a part of "all" is not all.
 */
export async function walkPages(options: {
	style: Exclude<Pagination, 'none'>;
	fetchPage: (query: PageQuery) => Promise<unknown>;
	limit?: number;
	/** Records page tokens reach (Zoho: 100,000); a test may lower it. */
	pageTokenRecordLimit?: number;
}): Promise<{ records: unknown[]; key?: string }> {
	const tokenLimit = options.pageTokenRecordLimit ?? PAGE_TOKEN_RECORD_LIMIT;
	const limit = options.limit ?? Number.POSITIVE_INFINITY;
	const perPage = Math.max(1, Math.min(MAX_PER_PAGE, limit));
	const records: unknown[] = [];
	let key: string | undefined;
	let page = 1;
	let pageToken: string | undefined;

	while (records.length < limit) {
		const query: PageQuery = {
			set: [
				pageToken ? ['page_token', pageToken] : ['page', String(page)],
				['per_page', String(perPage)],
			],
			remove: [pageToken ? 'page' : 'page_token'],
		};
		if (pageToken && records.length >= tokenLimit) throw pageTokenWindowError(records.length);
		let body: unknown;
		try {
			body = await options.fetchPage(query);
		} catch (error) {
			// Zoho's own refusal past the page-token window says what was read before it.
			if (isZohoError(error) && error.zohoCode === 'PAGINATION_LIMIT_EXCEEDED')
				throw pageTokenWindowError(records.length, error);
			throw error;
		}
		if (body === undefined) break; // 204: nothing (more) to list

		const step = pageOf(options.style, body);
		key = step.key;
		records.push(...step.records);
		// Enough for the limit: a v2 list that stops at 2,000 needs no page token.
		if (!step.more || step.records.length === 0 || records.length >= limit) break;

		// Past 2,000 records every CRM page needs a page token (no more page numbers).
		if (options.style === 'crm' && page * perPage >= CRM_PAGE_NUMBER_LIMIT) {
			if (!step.nextPageToken) {
				throw new ZohoApiError(
					'API_ERROR',
					`Zoho has more than ${CRM_PAGE_NUMBER_LIMIT} records here but gave no page token to go on.`,
					{
						zohoCode: 'DISCRETE_PAGINATION_LIMIT_EXCEEDED',
						hint: 'CRM API v2 can list only the first 2,000 records. Choose API version v3 or later (they return next_page_token), or narrow the list with criteria.',
					},
				);
			}
			pageToken = step.nextPageToken;
		}
		page++;
	}
	return { records: records.slice(0, limit), key };
}

function pageTokenWindowError(read: number, cause?: unknown): ZohoApiError {
	return new ZohoApiError(
		'API_ERROR',
		`This list has more records than Zoho's page tokens reach: ${read} were read, and Zoho lists no further (PAGINATION_LIMIT_EXCEEDED).`,
		{
			zohoCode: 'PAGINATION_LIMIT_EXCEEDED',
			cause,
			hint: `Turn Return All off and set Limit to ${read} or less to get the first ${read}; or list less at once (an If-Modified-Since header, a custom view's cvid, or Search with criteria); or export the whole module with Zoho's Bulk Read API (POST /crm/bulk/v8/read).`,
		},
	);
}

/** One page: its records, whether Zoho has more, the token of the next and the key that held them. */
function pageOf(
	style: Exclude<Pagination, 'none'>,
	body: unknown,
): { records: unknown[]; more: boolean; nextPageToken?: string; key?: string } {
	if (style === 'crm') {
		const parsed = crmListSchema.safeParse(body);
		if (!parsed.success) throw unexpectedList('CRM list ({data, info})');
		const { data, info } = parsed.data;
		const nextPageToken = info?.next_page_token ?? undefined;
		return { records: data, more: info?.more_records === true, nextPageToken, key: 'data' };
	}
	const parsed = booksAnswerSchema.safeParse(body);
	if (!parsed.success || !parsed.data.page_context)
		throw unexpectedList('Books list ({code, page_context, <records>})');
	const key = recordsKey(parsed.data);
	const records = key ? (parsed.data as Record<string, unknown[]>)[key] : [];
	return { records: records ?? [], more: parsed.data.page_context.has_more_page, key };
}

/** The property holding the list in a Books-style answer, e.g. `invoices`. */
export function recordsKey(body: Record<string, unknown>): string | undefined {
	return Object.keys(body).find((name) => name !== 'page_context' && Array.isArray(body[name]));
}

function unexpectedList(shape: string): ZohoApiError {
	return new ZohoApiError(
		'API_ERROR',
		`Return All expected a paginated ${shape} answer, but Zoho answered something else.`,
		{
			hint: 'Return All works on list endpoints (e.g. GET /Leads, GET /invoices). Turn it off for other calls.',
		},
	);
}

/** A list page as JSON; 204 or 304 (no body) is undefined, the end of the list. */
export function listPageBody(body: Buffer, url: string): unknown {
	if (body.length === 0) return undefined;
	const json = parseJsonBody(body);
	if (json === undefined) {
		throw new ZohoTransportError(
			'INVALID_RESPONSE',
			`Zoho answered a list page of ${url} with something that is not JSON.`,
			{
				url,
				hint: 'Check that the Path is a list endpoint of this service, e.g. /Leads or /invoices.',
			},
		);
	}
	return json;
}
