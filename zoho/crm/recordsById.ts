/**
 * Named records of a module in as few calls as Zoho allows: `GET /{Module}?ids=…&fields=…`,
 * at most 100 ids per call (GitHub zoho/crm-oas v8.0/record.json getRecords, query `ids`).
 * A record deleted meanwhile is not listed; an empty answer (204) means none is left.
 */
import type { ZohoApi } from '../api/zohoApi';
import { crmListSchema } from '../schemas';
import type { ModuleTarget } from './module';
import type { TriggerRecord } from './watermark';

export const MAX_IDS_PER_CALL = 100;

export async function fetchRecordsById(
	api: ZohoApi,
	options: { target: ModuleTarget; ids: readonly string[]; fields: readonly string[] },
): Promise<Map<string, TriggerRecord>> {
	const found = new Map<string, TriggerRecord>();
	const ids = [...new Set(options.ids)];
	for (let start = 0; start < ids.length; start += MAX_IDS_PER_CALL) {
		const chunk = ids.slice(start, start + MAX_IDS_PER_CALL);
		const answer = await api.read(
			{
				base: options.target,
				path: `/${options.target.module}`,
				query: [
					['ids', chunk.join(',')],
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
