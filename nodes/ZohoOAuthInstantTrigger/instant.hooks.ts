/**
 * n8n's webhook lifecycle for the channel: at activation `checkExists` (then `create` when
 * it says no), at deactivation `delete`; for a test run (Listen for test event) the same
 * with the test URL and a channel of its own. They keep no state: the channel id and
 * token are derived, and what the consumer must know (the notify URL n8n gives only here,
 * Zoho's expiry) is announced through the relay.
 */
import type { IHookFunctions } from 'n8n-workflow';

import { notifyUrlWarning } from '../../zoho/crm/notifications/notifyUrl';
import { checkWatchable, disableChannel } from '../../zoho/crm/notifications/watchApi';
import type { Announcement } from '../../zoho/crm/notifications/instantLedger';
import { ZohoInputError } from '../../zoho/errors';
import { toNodeError } from '../shared/nodeErrors';
import { channelAccess, enableFor, fieldCondition, listedAsWanted } from './instant.channel';
import { readInstantSettings } from './instant.settings';

type Hook = Awaited<ReturnType<typeof hook>>;

async function hook(ctx: IHookFunctions) {
	const settings = readInstantSettings(ctx);
	// n8n removes a test run's webhook in mode 'internal', as an active workflow's, but on the
	// inactive workflow it runs test webhooks on: by the mode alone the production channel
	// would be disabled and the test one left open for Zoho's hour.
	const test = ctx.getMode() === 'manual' || !ctx.getWorkflow().active;
	const notifyUrl = ctx.getNodeWebhookUrl('default');
	if (notifyUrl === undefined)
		throw new ZohoInputError(
			'Webhook URL',
			'n8n gave no webhook URL for this trigger.',
			'Save the workflow and activate it again.',
		);
	return { settings, test, notifyUrl, access: await channelAccess(ctx, { settings, test }) };
}

/** Tells the consumer where Zoho sends; also the mark that this trigger's channel was enabled (see deleteChannel). */
async function announce({ access }: Hook, channel: Announcement): Promise<void> {
	await access.relay.announce({ key: access.channelId, channel: JSON.stringify(channel) });
}

export async function checkExists(this: IHookFunctions): Promise<boolean> {
	try {
		const hooked = await hook(this);
		// create() follows at once when this says no: it asks for an expiry by Zoho's clock.
		const { wanted, expiresAt } = await listedAsWanted(hooked);
		if (wanted) await announce(hooked, { notifyUrl: hooked.notifyUrl, expiresAt });
		return wanted;
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}

export async function create(this: IHookFunctions): Promise<boolean> {
	try {
		const hooked = await hook(this);
		const unreachable = notifyUrlWarning(hooked.notifyUrl);
		if (unreachable) this.logger.warn(`Zoho OAuth Instant Trigger: ${unreachable}`);
		await checkWatchable({ api: hooked.access.caller, target: hooked.settings.target });
		const { expiresAt } = await enableFor({
			...hooked,
			condition: await fieldCondition(hooked.access, hooked.settings),
		});
		await announce(hooked, { notifyUrl: hooked.notifyUrl, expiresAt });
		return true;
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}

/**
 * Deactivation must not fail on Zoho: a channel that could not be disabled lapses within
 * a week. One never enabled (the activation failed) needs no word.
 */
export async function deleteChannel(this: IHookFunctions): Promise<boolean> {
	let enabled = true;
	try {
		const { access } = await hook(this);
		enabled =
			(await access.relay.announced({ key: access.channelId, logger: this.logger })) !== undefined;
		await disableChannel(access.caller, access.channelId);
		return true;
	} catch (error) {
		if (enabled)
			this.logger.warn(
				`Zoho OAuth Instant Trigger: the channel could not be disabled (${toNodeError(this.getNode(), error).message}); Zoho drops it within a week.`,
			);
		return false;
	}
}
