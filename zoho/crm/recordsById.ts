/**
 * Named records of a module in as few calls as Zoho allows: `GET /{Module}?ids=…&fields=…`,
 * at most 100 ids per call (GitHub zoho/crm-oas v8.0/record.json getRecords, query `ids`).
 * A record deleted meanwhile is not listed; an empty answer (204) means none is left.
 */
import type { ApiCallOptions, ZohoApiClient } from '../api/apiClient';
import { listPageBody } from '../api/pagination';
import { ZohoTransportError } from '../errors';
import { crmListSchema } from '../schemas';
import { describeUrl } from '../secrets';
import { moduleUrl, type ModuleTarget } from './module';
import type { TriggerRecord } from './watermark';

export const MAX_IDS_PER_CALL = 100;

export async function fetchRecordsById(
	reader: { api: ZohoApiClient; callOptions: ApiCallOptions },
	options: { target: ModuleTarget; ids: readonly string[]; fields: readonly string[] },
): Promise<Map<string, TriggerRecord>> {
	const found = new Map<string, TriggerRecord>();
	const ids = [...new Set(options.ids)];
	for (let start = 0; start < ids.length; start += MAX_IDS_PER_CALL) {
		const chunk = ids.slice(start, start + MAX_IDS_PER_CALL);
		const res = await reader.api.call(
			(token) => ({
				method: 'GET',
				url: moduleUrl(options.target, {
					apiDomain: token.apiDomain,
					accountsUrl: reader.callOptions.credentials.accountsUrl,
				}),
				query: [
					['ids', chunk.join(',')],
					['fields', options.fields.join(',')],
				],
			}),
			reader.callOptions,
		);
		const url = describeUrl(res.url);
		const body = listPageBody(res.body, url);
		if (body === undefined) continue;
		const parsed = crmListSchema.safeParse(body);
		if (!parsed.success)
			throw new ZohoTransportError(
				'INVALID_RESPONSE',
				`Zoho answered the records of ${options.target.module} by id with something that is not a record list.`,
				{ url },
			);
		for (const value of parsed.data.data) {
			const id = (value as { id?: unknown } | null)?.id;
			if (typeof id !== 'string' && typeof id !== 'number') continue;
			found.set(String(id), { ...(value as Record<string, unknown>), id: String(id) });
		}
	}
	return found;
}
