/**
 * What one event becomes: the record as Zoho returns it with `_operation` (and what Zoho
 * said changed, when asked), or for a deletion its id and module. Records are fetched by
 * id in as few calls as Zoho allows, with the fields the trigger asks for.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ApiCallOptions, ZohoApiClient } from '../../zoho/api/apiClient';
import { TIME_FIELDS } from '../../zoho/crm/changes';
import type { InstantEvent, InstantLedger } from '../../zoho/crm/instantLedger';
import type { ListFieldsCache } from '../../zoho/crm/listFields';
import type { NotificationCallback } from '../../zoho/crm/notifications';
import { fetchRecordsById } from '../../zoho/crm/recordsById';
import type { TriggerRecord } from '../../zoho/crm/watermark';
import { parseJsonBody } from '../../zoho/json';
import { parseCallback } from '../../zoho/crm/notifications';
import type { InstantSettings } from './instant.settings';

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

/** The event a callback's operation stands for. */
export function callbackEvent(callback: NotificationCallback): InstantEvent {
	return callback.operation === 'insert'
		? 'created'
		: callback.operation === 'update'
			? 'edited'
			: 'deleted';
}

/** A callback the relay carried (JSON text), or undefined when it is not one of this trigger's module. */
export function relayedCallback(
	text: string,
	settings: InstantSettings,
): NotificationCallback | undefined {
	const callback = parseCallback(parseJsonBody(text));
	return callback?.module.toLowerCase() === settings.target.module.toLowerCase()
		? callback
		: undefined;
}

/**
 * The executions a batch of callbacks starts: one per callback that brings something new
 * to `ledger` (which now holds it), the records of all of them fetched together. The
 * consumer and the test run (with a ledger of its own) both deliver through here.
 */
export async function callbackExecutions(options: {
	reader: { api: ZohoApiClient; callOptions: ApiCallOptions };
	settings: InstantSettings;
	fields: () => Promise<string[]>;
	ledger: InstantLedger;
	texts: readonly string[];
}): Promise<IDataObject[][]> {
	const { settings, ledger } = options;
	const { module } = settings.target;
	const wanted = new Set(settings.events);
	const callbacks = options.texts.flatMap((text) => relayedCallback(text, settings) ?? []);
	const ids = callbacks.filter((c) => c.operation !== 'delete').flatMap((c) => c.ids);
	const records =
		ids.length === 0
			? new Map<string, TriggerRecord>()
			: await fetchRecordsById(options.reader, {
					target: settings.target,
					ids,
					fields: await options.fields(),
				});
	return callbacks.map((callback) => {
		const event = callbackEvent(callback);
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
			const item = recordItem(record, {
				event: as,
				callback,
				changedValues: settings.changedValues,
			});
			return wanted.has(as) ? [item] : [];
		});
	});
}

/**
 * The fields asked for: the user's, else the module's own (the runtime's listFields), read
 * once. Kept for the consumer's life: the ledger tells versions apart by the values read,
 * so the catch-up and the callbacks' fetches must ask for the same fields.
 */
export class FieldsToAsk {
	private cached?: Promise<string[]>;

	constructor(private readonly settings: InstantSettings) {}

	async get(reader: {
		api: ZohoApiClient;
		callOptions: ApiCallOptions;
		listFields: ListFieldsCache;
	}): Promise<string[]> {
		const { settings } = this;
		if (settings.fields) return settings.fields;
		if (!this.cached) {
			const reading = reader.listFields
				.fieldsFor({ ...reader, target: settings.target, required: TIME_FIELDS })
				.then((choice) => choice.fields);
			this.cached = reading;
			// A failed read is not kept: the next call asks again (the caller sees the failure).
			void reading.catch(() => {
				if (this.cached === reading) this.cached = undefined;
			});
		}
		return this.cached;
	}
}
