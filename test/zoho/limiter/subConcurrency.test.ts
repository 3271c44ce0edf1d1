// Zoho's sub-concurrency of 10: which calls count against it, and a limiter that holds it
// beside the edition's limit.
import { LocalLimiter } from '../../../zoho/limiter/localLimiter';
import {
	acquireSlots,
	isSubConcurrent,
	SUB_CONCURRENCY_LIMIT,
} from '../../../zoho/limiter/subConcurrency';
import type { ReleaseSlot } from '../../../zoho/limiter/concurrencyLimit';

const API = 'https://www.zohoapis.com';
const records = (count: number) => ({ data: Array.from({ length: count }, () => ({})) });
const classify = (method: string, path: string, json?: unknown) =>
	isSubConcurrent({ method, url: new URL(`${API}${path}`), json });

describe('isSubConcurrent', () => {
	it.each([
		['POST', '/crm/v8/Leads', records(11)],
		['PUT', '/crm/v8/Leads', records(100)],
		['PATCH', '/crm/v2/Leads', records(11)],
		['POST', '/crm/v8/Contacts/upsert', records(100)],
		['POST', '/crm/v8/coql', { select_query: 'select id from Leads' }],
		['GET', '/crm/v8/Leads?cvid=1&fields=id', undefined],
		['GET', '/crm/v8/Leads?sort_by=Modified_Time&fields=id', undefined],
		['GET', '/crm/v8/Leads/search?email=a@b.c', undefined],
		['POST', '/crm/v8/Leads/4150868000000000001/actions/convert', records(1)],
		['POST', '/crm/v8/Leads/4150868000000000001/actions/send_mail', records(1)],
		['POST', '/crm/v8/__composite_requests', { __composite_requests: [] }],
	])('%s %s counts against the sub-concurrency', (method, path, json) => {
		expect(classify(method, path, json)).toBe(true);
	});

	it.each([
		['POST', '/crm/v8/Leads', records(10)],
		['PUT', '/crm/v8/Leads', records(1)],
		['POST', '/crm/v8/Contacts/upsert', records(10)],
		['GET', '/crm/v8/Leads?fields=id', undefined],
		['GET', '/crm/v8/Leads/4150868000000000001', undefined],
		['GET', '/crm/v8/Leads/deleted?type=all', undefined],
		['DELETE', '/crm/v8/Leads?ids=1,2,3', undefined],
		['POST', '/crm/bulk/v8/read', records(100)],
		['POST', '/bigin/v2/Contacts', records(100)],
		['POST', '/books/v3/invoices', records(100)],
	])('%s %s does not', (method, path, json) => {
		expect(classify(method, path, json)).toBe(false);
	});
});

describe('acquireSlots', () => {
	const options = { key: 'org', limit: 25, waitMs: 60_000, holdMs: 60_000 };

	it('at edition limit 25 lets 10 sub-concurrency calls in, queues the 11th and keeps edition slots for the others', async () => {
		const limiter = new LocalLimiter();
		const granted: ReleaseSlot[] = [];
		const waiting = Array.from({ length: 12 }, () =>
			acquireSlots(limiter, { ...options, subConcurrent: true }).then((release) => {
				granted.push(release);
				return release;
			}),
		);
		await new Promise((resolve) => setImmediate(resolve));
		expect(granted).toHaveLength(SUB_CONCURRENCY_LIMIT);
		expect(limiter.active('org:sub')).toBe(10);
		expect(limiter.active('org')).toBe(10);
		// An ordinary call takes one of the 15 edition slots left, past the queued ones.
		const ordinary = await acquireSlots(limiter, { ...options, subConcurrent: false });
		expect(limiter.active('org')).toBe(11);
		ordinary();
		granted[0]?.();
		granted[1]?.();
		const all = await Promise.all(waiting);
		expect(granted).toHaveLength(12);
		expect(limiter.active('org:sub')).toBe(10);
		for (const release of all) release();
		expect([limiter.active('org'), limiter.active('org:sub')]).toEqual([0, 0]);
	});

	it('takes no second slot when the edition limit is 10 or less', async () => {
		const limiter = new LocalLimiter();
		const release = await acquireSlots(limiter, { ...options, limit: 10, subConcurrent: true });
		expect([limiter.active('org'), limiter.active('org:sub')]).toEqual([1, 0]);
		release();
	});

	it('gives the sub-concurrency slot back when the edition slot is not granted in time', async () => {
		const limiter = new LocalLimiter();
		const held = await acquireSlots(limiter, { ...options, limit: 11, subConcurrent: false });
		const refused = acquireSlots(limiter, {
			...options,
			limit: 11,
			waitMs: 1,
			subConcurrent: true,
		});
		// 11 edition slots: one taken, so take the other 10 to make the sub call wait.
		const others = await Promise.all(
			Array.from({ length: 10 }, () => limiter.acquire({ ...options, limit: 11 })),
		);
		await expect(refused).rejects.toMatchObject({ code: 'CONCURRENCY_WAIT' });
		expect(limiter.active('org:sub')).toBe(0);
		for (const release of [held, ...others]) release();
	});
});
