/**
 * The Notification API calls an instant trigger makes: enable (POST, also to renew or
 * repair: the same channel id is enabled again), look up (GET `channel_id`), disable
 * (DELETE `channel_ids`). Each returns Zoho's time from the answer's `Date` header, which
 * channel expiry is measured against. Sources: GitHub zoho/crm-oas v8.0/notifications.json
 * (Enable Notifications, Get Notifications, Disable Notification; NOT_SUBSCRIBED);
 * crm/developer/docs/api/v8/notifications/{enable,get-details,disable}.html.
 */
import { z } from 'zod';

import type { ApiRequest, Expected, ZohoApi } from '../../api/apiClient';
import { isZohoError, ZohoInputError, ZohoTransportError } from '../../errors';
import { fetchReadableModules, type ModuleEntry } from '../metadata/metadata';
import type { CrmTarget, ModuleTarget } from '../module';
import {
	channelListSchema,
	enabledChannels,
	watchAnswerSchema,
	watchBody,
	watchRefusal,
	type ChannelRow,
	type ChannelSpec,
	type EnabledChannel,
} from './channel';

/** Instant triggers use CRM v8: a week per channel, field conditions (v6+). */
export const WATCH_CRM_VERSION = 'v8';

/**
 * The modules the Notification API watches besides custom ones, by API name (Meetings is
 * Events): the v7 enable page and the v8 update-info page list them; Zoho refuses any
 * other with 400 INVALID_DATA {api_name: "events"} (spec example "ModuleNotSupported").
 */
export const WATCHABLE_MODULES: readonly string[] = (
	'Leads Accounts Contacts Deals Campaigns Tasks Cases Events Calls Solutions Products Vendors ' +
	'Price_Books Quotes Sales_Orders Purchase_Orders Invoices Appointments__s Services__s'
).split(' ');
const WATCHABLE = new Set(WATCHABLE_MODULES.map((name) => name.toLowerCase()));

export function isWatchable(module: ModuleEntry): boolean {
	return module.generated_type === 'custom' || WATCHABLE.has(module.api_name.toLowerCase());
}

/** The org's modules Zoho's Notification API watches, for the instant trigger's picker. */
export async function fetchWatchableModules(options: {
	api: ZohoApi;
	target: CrmTarget;
}): Promise<ModuleEntry[]> {
	return (await fetchReadableModules(options)).filter(isWatchable);
}

/**
 * Refuses, before Zoho does, a module its Notification API does not watch (a workflow
 * saved before the picker held only those); a custom module is asked of the org.
 */
export async function checkWatchable(options: {
	api: ZohoApi;
	target: ModuleTarget;
}): Promise<void> {
	const { module } = options.target;
	if (WATCHABLE.has(module.toLowerCase())) return;
	const entry = (await fetchReadableModules(options)).find(
		(candidate) => candidate.api_name.toLowerCase() === module.toLowerCase(),
	);
	if (entry && isWatchable(entry)) return;
	throw new ZohoInputError(
		'Module',
		`Zoho's Notification API does not watch ${module}${entry ? '' : ' (the org lists no such module)'}: it watches ${WATCHABLE_MODULES.join(', ')} and custom modules.`,
		'Pick the module from the list, which holds only the modules Zoho can watch, or use the Zoho OAuth Trigger, which polls any module.',
	);
}

/** Enables (or re-enables) the channel on its module; returns what Zoho confirmed, its expiry included. */
export async function enableChannel(api: ZohoApi, spec: ChannelSpec): Promise<EnabledChannel> {
	// Enabling a channel id again replaces its subscription: repeating it after a lost answer is safe.
	const answer = await send(
		api.with({ retryNonIdempotent: true }),
		{ method: 'POST', json: watchBody(spec) },
		ANY_JSON,
	);
	const confirmed = enabledChannels(answer).find(
		(channel) =>
			channel.channelId === spec.channelId &&
			channel.module.toLowerCase() === spec.module.toLowerCase(),
	);
	if (!confirmed)
		throw new ZohoTransportError(
			'INVALID_RESPONSE',
			`Zoho answered the channel request without confirming channel ${spec.channelId} for ${spec.module}.`,
		);
	return confirmed;
}

/** The channel's subscription to `module` as Zoho lists it, or undefined when Zoho has none. */
export async function findChannel(
	api: ZohoApi,
	options: { channelId: string; module: string },
): Promise<ChannelRow | undefined> {
	const query: Array<[string, string]> = [
		['channel_id', options.channelId],
		['module', options.module],
	];
	// 204: no such channel (never enabled, expired, disabled, forgotten).
	const answer = await send(
		api,
		{ query },
		{ schema: channelListSchema, what: 'a list of channels' },
	);
	return answer?.watch.find(
		(candidate) =>
			candidate.channel_id === options.channelId &&
			candidate.resource_name.toLowerCase() === options.module.toLowerCase(),
	);
}

/** Disables the channel; one Zoho no longer has counts as done. */
export async function disableChannel(api: ZohoApi, channelId: string): Promise<void> {
	const answer = watchAnswerSchema.safeParse(
		await send(api, { method: 'DELETE', query: [['channel_ids', channelId]] }, ANY_JSON),
	);
	if (!answer.success) return;
	const refused = answer.data.watch.find(
		(entry) => entry.status !== 'success' && entry.code !== 'NOT_SUBSCRIBED',
	);
	if (refused) throw watchRefusal(refused);
}

const ANY_JSON: Expected<unknown> = { schema: z.unknown(), what: 'JSON' };

/**
 * A call of actions/watch (CRM v8). A 400 of this API carries Zoho's code per `watch`
 * element, not at the top: the element's code and the fix say more than "HTTP 400".
 */
async function send<T>(
	api: ZohoApi,
	request: Omit<ApiRequest, 'path'>,
	expected: Expected<T>,
): Promise<T | undefined> {
	try {
		return await api.read(
			{
				...request,
				base: { product: 'crm', crmVersion: WATCH_CRM_VERSION },
				path: '/actions/watch',
			},
			expected,
		);
	} catch (error) {
		const answer =
			isZohoError(error) && error.code === 'API_ERROR' && watchAnswerSchema.safeParse(error.body);
		const refused =
			answer && answer.success && answer.data.watch.find((e) => e.status !== 'success');
		throw refused ? watchRefusal(refused) : error;
	}
}
