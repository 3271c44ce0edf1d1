/**
 * A test run (Listen for test event): n8n enabled a channel for the test URL, Zoho's
 * callback reached webhook(), which handed it over and started this execution; here
 * trigger() runs in manual mode, takes that callback and returns its records as they are
 * now (no ledger: a test run changes nothing the active workflow relies on).
 */
import type { IDataObject, ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';

import { fetchRecordsById } from '../../zoho/crm/recordsById';
import { ZohoApiError } from '../../zoho/errors';
import { toNodeError } from '../shared/nodeErrors';
import { channelAccess } from './instant.channel';
import {
	callbackEvent,
	deletedItem,
	FieldsToAsk,
	recordItem,
	relayedCallback,
} from './instant.items';
import type { InstantSettings } from './instant.settings';

/** The callback is handed over just before this execution starts; in a fleet it may come through Redis. */
const HANDOVER_WAIT_MS = 15_000;

export function testRun(ctx: ITriggerFunctions, settings: InstantSettings): ITriggerResponse {
	const stopped = new AbortController();
	return {
		manualTriggerFunction: async () => {
			try {
				ctx.emit([ctx.helpers.returnJsonArray(await testItems(ctx, settings, stopped.signal))]);
			} catch (error) {
				throw toNodeError(ctx.getNode(), error);
			}
		},
		closeFunction: async () => {
			stopped.abort();
			return Promise.resolve();
		},
	};
}

async function testItems(
	ctx: ITriggerFunctions,
	settings: InstantSettings,
	signal: AbortSignal,
): Promise<IDataObject[]> {
	const access = await channelAccess(ctx, { settings, test: true, signal });
	const [text] = await access.relay.take({
		key: access.key,
		max: 1,
		waitMs: HANDOVER_WAIT_MS,
		signal,
		logger: ctx.logger,
	});
	const callback = text === undefined ? undefined : relayedCallback(text, settings);
	if (!callback)
		throw new ZohoApiError('API_ERROR', 'No Zoho notification reached this test run.', {
			hint: `While n8n listens, create, edit or delete a record of ${settings.target.module} in Zoho. n8n must be reachable by Zoho at its webhook URL (WEBHOOK_URL).`,
		});
	const event = callbackEvent(callback);
	const { module } = settings.target;
	if (event === 'deleted') return callback.ids.map((id) => deletedItem(id, module));
	const fields = await new FieldsToAsk(settings).get({
		api: access.caller,
		listFields: access.runtime.listFields,
	});
	const records = await fetchRecordsById(access.caller, {
		target: settings.target,
		ids: callback.ids,
		fields,
	});
	return callback.ids.map((id) => {
		const record = records.get(id);
		return record
			? recordItem(record, { event, callback, changedValues: settings.changedValues })
			: { id, module, _operation: event, _gone: true };
	});
}
