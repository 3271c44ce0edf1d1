// What a CRM call costs (API credits) and whether it counts against the sub-concurrency of
// 10. Sources, primary first (docs/research/zoho-edges-round-two.md, section 4):
// - https://www.zoho.com/crm/developer/docs/api/v4/api-limits.html: credits per rolling
//   24 hours, Convert Lead 5, COQL 1/2/3 by LIMIT (crm-coql.ts), Bulk Read job 50 (config).
// - Kaizen #203 (help.zoho.com, "Handling API Limits and Error Responses"): a sub-concurrency
//   of 10 for bulk updates, queries, lead conversion and mail, TOO_MANY_REQUESTS past it.
// - Secondary (two third-party notes that agree, and GitHub api-evangelist/zoho-crm
//   rate-limits/zoho-crm-rate-limits.yml): the sub-concurrency list below; writes 1 credit
//   per 10 records; Send Mail 20; deleted records 2; mass delete 1 per 100 records.
// Where these are silent we assume 1 credit a call (Bigin included) and no sub-concurrency
// outside CRM; both are open questions in docs/zoho-conformance.md.
import { isObject, jsonBody } from './body';
import type { ApiRoute, Exchange } from './exchange';

/** Zoho's prices in API credits (sources above; the bench's figures read them here). */
export const CREDITS = {
	convertLead: 5,
	sendMail: 20,
	deletedRecords: 2,
	/** A write costs 1 credit per this many records, at least 1. */
	recordsPerWriteCredit: 10,
	/** A delete costs 1 credit per this many ids, at least 1. */
	idsPerDeleteCredit: 100,
	other: 1,
} as const;

interface CrmCall {
	method: string;
	/** Path segments after /crm/v{n}/. */
	parts: string[];
	query: URLSearchParams;
	/** Records in a `{data: [...]}` body. */
	records: number;
}

function crmCall(ex: Exchange): CrmCall | undefined {
	const match = /^\/crm\/v[^/]+\/(.+)$/.exec(ex.path);
	if (!match?.[1]) return undefined;
	const body = ex.method === 'GET' ? { ok: false as const } : jsonBody(ex);
	const data = body.ok && isObject(body.value) ? body.value.data : undefined;
	return {
		method: ex.method,
		parts: match[1].split('/').filter((part) => part !== ''),
		query: ex.query,
		records: Array.isArray(data) ? data.length : 0,
	};
}

/** Insert (POST /{module}), update (PUT|PATCH /{module}) and upsert (POST /{module}/upsert). */
function isRecordWrite(call: CrmCall): boolean {
	const [module, second] = call.parts;
	if (module === 'coql' || module === '__composite_requests') return false;
	if (call.parts.length === 1) return ['POST', 'PUT', 'PATCH'].includes(call.method);
	return call.parts.length === 2 && second === 'upsert' && call.method === 'POST';
}

function recordAction(call: CrmCall): string | undefined {
	const [, , actions, action] = call.parts;
	return call.parts.length === 4 && actions === 'actions' && call.method === 'POST'
		? action
		: undefined;
}

/** True when the call shares the org's sub-concurrency of 10 (secondary list, see above). */
export function countsAgainstSubConcurrency(ex: Exchange): boolean {
	const call = crmCall(ex);
	if (!call) return false;
	const [first, second] = call.parts;
	if (isRecordWrite(call)) return call.records > 10;
	if (call.parts.length === 1 && (first === 'coql' || first === '__composite_requests'))
		return call.method === 'POST';
	if (call.parts.length === 1 && call.method === 'GET')
		return call.query.has('cvid') || call.query.has('sort_by');
	if (second === 'search') return call.method === 'GET';
	const action = recordAction(call);
	return action === 'convert' || action === 'send_mail';
}

/** API credits the call costs: the route's own price (COQL, Bulk Read), else Zoho's table. */
export function creditsOf(ex: Exchange, route: ApiRoute): number {
	if (route.credits !== undefined) return route.credits;
	const call = crmCall(ex);
	if (!call) return CREDITS.other;
	const per = (count: number, size: number) => Math.max(1, Math.ceil(count / size));
	if (isRecordWrite(call)) return per(call.records, CREDITS.recordsPerWriteCredit);
	if (call.method === 'DELETE' && call.parts.length === 1)
		return per((call.query.get('ids') ?? '').split(',').length, CREDITS.idsPerDeleteCredit);
	if (call.parts[1] === 'deleted' && call.method === 'GET') return CREDITS.deletedRecords;
	const action = recordAction(call);
	if (action === 'convert') return CREDITS.convertLead;
	if (action === 'send_mail') return CREDITS.sendMail;
	return CREDITS.other;
}
