/**
 * Zoho's sub-concurrency: beside the edition's Concurrency Limit, some CRM APIs share 10
 * calls at once per organisation in every edition, and past it Zoho answers 429
 * TOO_MANY_REQUESTS (Kaizen #203). Kaizen names the kinds (bulk updates, queries, lead
 * conversion, mail); the list below is from two secondary notes that agree
 * (docs/research/zoho-edges-round-two.md, section 4). Such a call holds a slot of this
 * second budget as well as one of the edition's.
 */
import type { AcquireOptions, ConcurrencyLimiter, ReleaseSlot } from './concurrencyLimit';

export const SUB_CONCURRENCY_LIMIT = 10;

/** Writes of more records than this count against the sub-concurrency. */
const SMALL_WRITE_RECORDS = 10;

const CRM_PATH = /^\/crm\/v[^/]+\/(.+)$/;

/** True when the call counts against Zoho's sub-concurrency (a pure function of the request). */
export function isSubConcurrent(request: { method: string; url: URL; json?: unknown }): boolean {
	const match = CRM_PATH.exec(request.url.pathname);
	if (!match?.[1]) return false;
	const segments = match[1].split('/').filter((segment) => segment !== '');
	const { method } = request;
	const [first, second, third, fourth] = segments;
	if (segments.length === 1) {
		if (first === 'coql' || first === '__composite_requests') return method === 'POST';
		if (method === 'GET')
			return request.url.searchParams.has('cvid') || request.url.searchParams.has('sort_by');
		return isWrite(method) && recordCount(request.json) > SMALL_WRITE_RECORDS;
	}
	if (segments.length === 2) {
		if (second === 'search') return method === 'GET';
		if (second === 'upsert')
			return method === 'POST' && recordCount(request.json) > SMALL_WRITE_RECORDS;
		return false;
	}
	// Convert Lead and Send Mail: POST /{module}/{id}/actions/convert | send_mail.
	return (
		method === 'POST' &&
		segments.length === 4 &&
		third === 'actions' &&
		(fourth === 'convert' || fourth === 'send_mail')
	);
}

function isWrite(method: string): boolean {
	return method === 'POST' || method === 'PUT' || method === 'PATCH';
}

/** Records in a write body (`{data: [...]}`), 0 for anything else. */
function recordCount(json: unknown): number {
	if (typeof json !== 'object' || json === null) return 0;
	const data = (json as { data?: unknown }).data;
	return Array.isArray(data) ? data.length : 0;
}

/**
 * The edition's slot, and first a sub-concurrency slot when the call needs one: taken in
 * that order, a call never holds an edition slot while it waits for the scarcer one.
 */
export async function acquireSlots(
	limiter: ConcurrencyLimiter,
	options: AcquireOptions & { subConcurrent: boolean },
): Promise<ReleaseSlot> {
	const { subConcurrent, ...edition } = options;
	if (!subConcurrent || edition.limit <= SUB_CONCURRENCY_LIMIT) return limiter.acquire(edition);
	const releaseSub = await limiter.acquire({
		...edition,
		key: `${edition.key}:sub`,
		limit: SUB_CONCURRENCY_LIMIT,
		holdMs: edition.holdMs + edition.waitMs,
	});
	try {
		const release = await limiter.acquire(edition);
		return () => {
			release();
			releaseSub();
		};
	} catch (error) {
		releaseSub();
		throw error;
	}
}
