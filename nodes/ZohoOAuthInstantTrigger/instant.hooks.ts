/**
 * n8n's webhook lifecycle for the channel: at activation `checkExists` (then `create` when
 * it says no), at deactivation `delete`; for a test run (Listen for test event) the same
 * with the test URL and a channel of its own. They keep no state: the channel id and
 * token are derived, and what the consumer must know (the notify URL n8n gives only here,
 * Zoho's expiry) is announced through the relay.
 */
import type { IHookFunctions } from 'n8n-workflow';

import { channelHealth, type ChannelRow } from '../../zoho/crm/notifications';
import { disableChannel, findChannel, WATCH_CRM_VERSION } from '../../zoho/crm/watchApi';
import { ZohoInputError } from '../../zoho/errors';
import { toNodeError } from '../shared/nodeErrors';
import {
	channelAccess,
	enableFor,
	fieldCondition,
	type Announcement,
	type ChannelAccess,
} from './instant.channel';
import { readInstantSettings, type InstantSettings } from './instant.settings';

interface Hook {
	settings: InstantSettings;
	access: ChannelAccess;
	test: boolean;
	notifyUrl: string;
}

async function hook(ctx: IHookFunctions): Promise<Hook> {
	const settings = readInstantSettings(ctx);
	const test = ctx.getMode() === 'manual';
	const notifyUrl = ctx.getNodeWebhookUrl('default');
	if (notifyUrl === undefined)
		throw new ZohoInputError(
			'Webhook URL',
			'n8n gave no webhook URL for this trigger.',
			'Save the workflow and activate it again.',
		);
	return { settings, test, notifyUrl, access: await channelAccess(ctx, { settings, test }) };
}

async function announce(hooked: Hook, channel: Announcement): Promise<void> {
	// The test run's consumer is the test execution itself: it needs no URL.
	if (hooked.test) return;
	await hooked.access.relay.announce({
		key: hooked.access.key,
		channel: JSON.stringify(channel),
	});
}

export async function checkExists(this: IHookFunctions): Promise<boolean> {
	try {
		const hooked = await hook(this);
		const { access, settings, notifyUrl } = hooked;
		// The answer sets Zoho's clock: create() follows at once when this says no, and asks for an expiry by it.
		const row = await findChannel(access.caller, {
			channelId: access.channelId,
			module: settings.target.module,
		});
		const health = channelHealth({
			row,
			wanted: {
				channelId: access.channelId,
				module: settings.target.module,
				events: settings.watchEvents,
				notifyUrl,
				token: access.token,
			},
			zohoNow: access.runtime.zohoClock.now(),
			crmVersion: WATCH_CRM_VERSION,
		});
		// A test run's channel lives Zoho's default hour: "renew" is fine for it.
		const healthy = health === 'ok' || (hooked.test && health === 'renew');
		if (!healthy || !row || !sameOptions(row, settings)) return false;
		// Healthy means Zoho listed a readable expiry.
		await announce(hooked, {
			notifyUrl,
			expiresAt: Date.parse(row.channel_expiry ?? '') || undefined,
		});
		return true;
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}

export async function create(this: IHookFunctions): Promise<boolean> {
	try {
		const hooked = await hook(this);
		const { access, settings, notifyUrl, test } = hooked;
		const { expiresAt } = await enableFor({
			access,
			settings,
			notifyUrl,
			test,
			condition: await fieldCondition(access, settings),
		});
		await announce(hooked, { notifyUrl, ...(expiresAt === undefined ? {} : { expiresAt }) });
		return true;
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}

/** Deactivation must not fail on Zoho: a channel that could not be disabled lapses within a week. */
export async function deleteChannel(this: IHookFunctions): Promise<boolean> {
	try {
		const { access } = await hook(this);
		await disableChannel(access.caller, access.channelId);
		return true;
	} catch (error) {
		this.logger.warn(
			`Zoho OAuth Instant Trigger: the channel could not be disabled (${toNodeError(this.getNode(), error).message}); Zoho drops it within a week.`,
		);
		return false;
	}
}

/** The options channelHealth does not compare: changed ones need the channel enabled again. */
function sameOptions(row: ChannelRow, settings: InstantSettings): boolean {
	const hasCondition =
		Array.isArray(row.notification_condition) && row.notification_condition.length > 0;
	return (
		(row.return_affected_field_values ?? false) === settings.changedValues &&
		(row.notify_on_related_action ?? true) === settings.relatedRecords &&
		hasCondition === (settings.condition !== undefined)
	);
}
