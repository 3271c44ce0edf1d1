/**
 * Zoho's callback, on whichever n8n process serves webhooks. It is checked (shape, channel
 * id, token in constant time), answered at once and handed to the trigger's one consumer;
 * it never starts an execution itself (the consumer does, one per callback, exactly once)
 * and writes no static data. Anything else is answered 400 or 403 and starts nothing; the
 * token is never logged or passed on. A test run (Listen for test event) is the exception:
 * there the callback starts the test execution, whose trigger() picks it up.
 */
import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { parseCallback, tokenMatches } from '../../zoho/crm/notifications/channel';
import { toNodeError } from '../shared/nodeErrors';
import { channelAccess } from './instant.channel';
import { readInstantSettings } from './instant.settings';

/** What webhook() answers Zoho: a status and a small JSON body. */
function answer(
	ctx: IWebhookFunctions,
	status: number,
	body: Record<string, string>,
): IWebhookResponseData {
	const res = ctx.getResponseObject();
	res.writeHead(status, { 'Content-Type': 'application/json' });
	res.end(JSON.stringify(body));
	return { noWebhookResponse: true };
}

export async function webhook(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const callback = parseCallback(ctx.getBodyData());
	if (!callback) return answer(ctx, 400, { error: 'Not a Zoho CRM notification.' });
	const test = ctx.getMode() === 'manual';
	try {
		const settings = readInstantSettings(ctx);
		const access = await channelAccess(ctx, { settings, test });
		if (callback.channel_id !== access.channelId || !tokenMatches(access.token, callback.token))
			return answer(ctx, 403, { error: 'Unknown channel or token.' });
		// An older subscription of this channel to another module: nothing for this trigger.
		if (callback.module.toLowerCase() !== settings.target.module.toLowerCase())
			return answer(ctx, 200, { status: 'ignored' });
		// The token stays here: the relay (Redis in a fleet) never holds it.
		const handed = JSON.stringify({ ...callback, token: undefined });
		await access.relay.handOver({ key: access.channelId, callback: handed });
		if (test) return { workflowData: [[{ json: {} }]] };
		return answer(ctx, 200, { status: 'accepted' });
	} catch (error) {
		// Throwing would record a failed execution for every callback; Zoho only needs to hear no.
		ctx.logger.warn(
			`Zoho OAuth Instant Trigger could not take a notification: ${toNodeError(ctx.getNode(), error).message}`,
		);
		return answer(ctx, 503, { error: 'The notification could not be taken.' });
	}
}
