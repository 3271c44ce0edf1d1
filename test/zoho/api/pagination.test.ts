// walkPages at Zoho's page-token window: a list of more than 100,000 records fails before
// asking past them (Zoho would answer PAGINATION_LIMIT_EXCEEDED) and says how many were
// read; a Limit within the window gets them all; Zoho's own refusal is explained the same way.
import { PAGE_TOKEN_RECORD_LIMIT, walkPages, type PageQuery } from '../../../zoho/api/pagination';
import { ZohoApiError } from '../../../zoho/errors';
import { rejectionOf } from '../fixtures';

/** A CRM list of `total` records served 200 a page, with page tokens as Zoho gives them. */
function crmList(total: number) {
	const asked: PageQuery[] = [];
	const fetchPage = (query: PageQuery): Promise<unknown> => {
		asked.push(query);
		const set = new Map(query.set);
		const perPage = Number(set.get('per_page'));
		const token = set.get('page_token');
		const offset = token
			? Number(token.slice('t'.length))
			: (Number(set.get('page')) - 1) * perPage;
		const count = Math.max(0, Math.min(perPage, total - offset));
		const more = offset + count < total;
		return Promise.resolve({
			data: Array.from({ length: count }, (_, i) => ({ id: String(offset + i + 1) })),
			info: { more_records: more, next_page_token: more ? `t${offset + count}` : null },
		});
	};
	return { asked, fetchPage };
}

describe("walkPages and Zoho's 100,000-record page-token window", () => {
	it('Return All of 100,200 records fails after 500 pages, before a refused call, saying how many were read and what to do', async () => {
		const list = crmList(100_200);
		const error = await rejectionOf(walkPages({ style: 'crm', fetchPage: list.fetchPage }));
		expect(error).toBeInstanceOf(ZohoApiError);
		expect((error as ZohoApiError).zohoCode).toBe('PAGINATION_LIMIT_EXCEEDED');
		expect((error as ZohoApiError).message).toBe(
			"This list has more records than Zoho's page tokens reach: 100000 were read, and Zoho lists no further (PAGINATION_LIMIT_EXCEEDED).",
		);
		expect((error as ZohoApiError).hint).toContain('set Limit to 100000 or less');
		expect((error as ZohoApiError).hint).toContain('Bulk Read API (POST /crm/bulk/v8/read)');
		// 10 numbered pages, then 490 with page tokens; none past the window.
		expect(list.asked).toHaveLength(PAGE_TOKEN_RECORD_LIMIT / 200);
		expect(list.asked.filter((query) => query.set[0]?.[0] === 'page_token')).toHaveLength(490);
	});

	it('a Limit of 100,000 gets every record of the window; exactly 100,000 records need no more', async () => {
		const limited = crmList(100_200);
		const walk = await walkPages({
			style: 'crm',
			fetchPage: limited.fetchPage,
			limit: PAGE_TOKEN_RECORD_LIMIT,
		});
		expect(walk.records).toHaveLength(100_000);
		expect(limited.asked).toHaveLength(500);
		const exact = crmList(100_000);
		expect((await walkPages({ style: 'crm', fetchPage: exact.fetchPage })).records).toHaveLength(
			100_000,
		);
	});

	it("explains Zoho's own PAGINATION_LIMIT_EXCEEDED (a window smaller than ours) with the count read", async () => {
		const list = crmList(5_000);
		const fetchPage = (query: PageQuery) => {
			if (list.asked.length === 12)
				return Promise.reject(
					new ZohoApiError('API_ERROR', 'Zoho answered HTTP 400 PAGINATION_LIMIT_EXCEEDED', {
						zohoCode: 'PAGINATION_LIMIT_EXCEEDED',
						httpStatus: 400,
					}),
				);
			return list.fetchPage(query);
		};
		const error = await rejectionOf(walkPages({ style: 'crm', fetchPage }));
		expect((error as ZohoApiError).message).toContain('2400 were read');
		expect((error as ZohoApiError).cause).toBeInstanceOf(ZohoApiError);
		// A smaller window can be given too: the walk then stops before it.
		const small = crmList(5_000);
		const stopped = await rejectionOf(
			walkPages({ style: 'crm', fetchPage: small.fetchPage, pageTokenRecordLimit: 2_400 }),
		);
		expect((stopped as ZohoApiError).message).toContain('2400 were read');
		expect(small.asked).toHaveLength(12);
	});
});
