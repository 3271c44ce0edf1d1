/**
 * A test run (Listen for test event): n8n enabled a channel for the test URL, Zoho's
 * callback reached webhook(), which handed it over and started this execution; here
 * trigger() runs in manual mode, takes that callback and delivers it as the consumer does,
 * with a ledger of its own (a test run changes nothing the active workflow relies on).
 */
import type { ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';

import { InstantLedger } from '../../zoho/crm/notifications/instantLedger';
import { ZohoApiError } from '../../zoho/errors';
import { toNodeError } from '../shared/nodeErrors';
import { channelAccess } from './instant.channel';
import { callbackExecutions, fieldsToAsk } from './instant.items';
import { stateSource, type InstantSettings } from './instant.settings';

/** The callback is handed over just before this execution starts; in a fleet it may come through Redis. */
const HANDOVER_WAIT_MS = 15_000;

export function testRun(ctx: ITriggerFunctions, settings: InstantSettings): ITriggerResponse {
	const stopped = new AbortController();
	const { signal } = stopped;
	const manualTriggerFunction = async () => {
		const access = await channelAccess(ctx, { settings, test: true, signal });
		const texts = await access.relay.take({
			key: access.channelId,
			max: 1,
			waitMs: HANDOVER_WAIT_MS,
			signal,
			logger: ctx.logger,
		});
		const [items] = await callbackExecutions({
			api: access.caller,
			settings,
			fields: async () =>
				fieldsToAsk(settings, { api: access.caller, listFields: access.runtime.listFields }),
			ledger: InstantLedger.start({ source: stateSource(settings), startMs: 0 }),
			texts,
		});
		if (!items)
			throw new ZohoApiError('API_ERROR', 'No Zoho notification reached this test run.', {
				hint: `While n8n listens, create, edit or delete a record of ${settings.target.module} in Zoho. Zoho must reach n8n's webhook URL over public HTTPS: set N8N_WEBHOOK_URL (n8n 2.x) or WEBHOOK_URL (1.x).`,
			});
		ctx.emit([ctx.helpers.returnJsonArray(items)]);
	};
	return {
		manualTriggerFunction: async () =>
			manualTriggerFunction().catch((error: unknown) => {
				throw toNodeError(ctx.getNode(), error);
			}),
		closeFunction: async () => stopped.abort(),
	};
}
