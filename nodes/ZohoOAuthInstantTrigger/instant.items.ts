/**
 * What one event becomes: the record as Zoho returns it with `_operation` (and what Zoho
 * said changed, when asked), or for a deletion its id and module. Records are fetched by
 * id in as few calls as Zoho allows, with the fields the trigger asks for.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ZohoApi } from '../../zoho/api/zohoApi';
import { TIME_FIELDS } from '../../zoho/crm/changes';
import type { InstantEvent } from '../../zoho/crm/instantLedger';
import type { ListFieldsCache } from '../../zoho/crm/listFields';
import type { NotificationCallback } from '../../zoho/crm/notifications';
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
 * The fields asked for: the user's, else the module's own (the runtime's listFields), read
 * once. Kept for the consumer's life: the ledger tells versions apart by the values read,
 * so the catch-up and the callbacks' fetches must ask for the same fields.
 */
export class FieldsToAsk {
	private cached?: Promise<string[]>;

	constructor(private readonly settings: InstantSettings) {}

	async get(reader: { api: ZohoApi; listFields: ListFieldsCache }): Promise<string[]> {
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
