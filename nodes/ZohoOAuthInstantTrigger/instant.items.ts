/**
 * What callbacks become: one execution per callback, each record as Zoho returns it with
 * `_operation` (and what Zoho said changed, when asked), a deletion as its id and module.
 * Records are fetched by id in as few calls as Zoho allows, with the fields the trigger
 * asks for. The consumer and the test run deliver through here alike.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ZohoApi } from '../../zoho/api/apiClient';
import { fetchRecordsById, TIME_FIELDS } from '../../zoho/crm/records/changes';
import type { InstantEvent, InstantLedger } from '../../zoho/crm/notifications/instantLedger';
import type { ListFieldsCache } from '../../zoho/crm/metadata/listFields';
import { parseCallback, type NotificationCallback } from '../../zoho/crm/notifications/channel';
import type { TriggerRecord } from '../../zoho/crm/records/watermark';
import { parseJsonBody } from '../../zoho/json';
import type { InstantSettings } from './instant.settings';

/** The event each callback operation stands for. */
const EVENT_OF = { insert: 'created', update: 'edited', delete: 'deleted' } as const;

export function recordItem(
	record: TriggerRecord,
	options: { event: InstantEvent; callback?: NotificationCallback; changedValues: boolean },
): IDataObject {
	const item: IDataObject = { ...record, _operation: options.event };
	const { callback } = options;
	if (!options.changedValues || !callback) return item;
	const fields = callback.affected_fields.find((entry) => record.id in entry)?.[record.id];
	if (fields) item._changedFields = fields;
	const values = callback.affected_values?.find((entry) => entry.record_id === record.id)?.values;
	if (values) item._changedValues = values as IDataObject;
	return item;
}

export function deletedItem(id: string, module: string): IDataObject {
	return { id, module, _operation: 'deleted' };
}

/**
 * The executions the callbacks the relay carried (JSON text) start: one per callback of
 * this trigger's module that brings something new to `ledger` (which now holds it), the
 * records of all of them fetched together.
 */
export async function callbackExecutions(options: {
	api: ZohoApi;
	settings: InstantSettings;
	fields: () => Promise<string[]>;
	ledger: InstantLedger;
	texts: readonly string[];
}): Promise<IDataObject[][]> {
	const { settings, ledger } = options;
	const { module } = settings.target;
	const wanted = new Set(settings.events);
	const callbacks = options.texts.flatMap((text) => {
		const callback = parseCallback(parseJsonBody(text));
		return callback?.module.toLowerCase() === module.toLowerCase() ? [callback] : [];
	});
	const ids = callbacks.filter((c) => c.operation !== 'delete').flatMap((c) => c.ids);
	const records =
		ids.length === 0
			? new Map<string, TriggerRecord>()
			: await fetchRecordsById(options.api, {
					target: settings.target,
					ids,
					fields: await options.fields(),
				});
	return callbacks.map((callback) => {
		const event = EVENT_OF[callback.operation];
		if (event === 'deleted') {
			const second = Math.floor(callback.server_time / 1000);
			const fresh = ledger.takeNewDeletions({ ids: callback.ids, second });
			return wanted.has('deleted') ? fresh.map((id) => deletedItem(id, module)) : [];
		}
		const found = callback.ids.flatMap((id) => records.get(id) ?? []);
		// A record emitted before is fetched in a newer version: an edit, whatever the callback was for.
		const known = new Set(found.filter((r) => ledger.knows(r.id)).map((r) => r.id));
		return ledger.takeNewVersions(found).flatMap((record) => {
			const as = known.has(record.id) ? 'edited' : event;
			const { changedValues } = settings;
			return wanted.has(as) ? [recordItem(record, { event: as, callback, changedValues })] : [];
		});
	});
}

/**
 * The fields asked for: the user's, else the module's own (the runtime's listFields). The
 * consumer keeps the answer for its life: the ledger tells versions apart by the values
 * read, so the catch-up and the callbacks' fetches must ask for the same fields.
 */
export async function fieldsToAsk(
	settings: InstantSettings,
	reader: { api: ZohoApi; listFields: ListFieldsCache },
): Promise<string[]> {
	if (settings.fields) return settings.fields;
	const choice = await reader.listFields.fieldsFor({
		...reader,
		target: settings.target,
		required: TIME_FIELDS,
	});
	return choice.fields;
}
