/**
 * The Notification API calls an instant trigger makes: enable (POST, also to renew or
 * repair: the same channel id is enabled again), look up (GET `channel_id`), disable
 * (DELETE `channel_ids`). Each returns Zoho's time from the answer's `Date` header, which
 * channel expiry is measured against. Sources: GitHub zoho/crm-oas v8.0/notifications.json
 * (Enable Notifications, Get Notifications, Disable Notification; NOT_SUBSCRIBED);
 * crm/developer/docs/api/v8/notifications/{enable,get-details,disable}.html.
 */
import type { ApiCallOptions, ApiResult, ZohoApiClient } from '../api/apiClient';
import { isZohoError, ZohoApiError, ZohoTransportError } from '../errors';
import { zohoTimeFrom } from '../formats';
import { parseJsonBody } from '../json';
import { headerValue } from '../http/transport';
import { crmBaseUrl } from './module';
import {
	channelListSchema,
	enabledChannels,
	watchAnswerSchema,
	watchBody,
	type ChannelRow,
	type ChannelSpec,
	type EnabledChannel,
} from './notifications';

/** Instant triggers use CRM v8: a week per channel, field conditions (v6+). */
export const WATCH_CRM_VERSION = 'v8';

export interface WatchCaller {
	api: ZohoApiClient;
	callOptions: ApiCallOptions;
}

export interface ZohoAnswered<T> {
	value: T;
	/** Zoho's clock when it answered, ms; undefined when the answer had no Date header. */
	zohoNow?: number;
}

/** Enables (or re-enables) the channel on its module; returns what Zoho confirmed, its expiry included. */
export async function enableChannel(
	caller: WatchCaller,
	spec: ChannelSpec,
): Promise<ZohoAnswered<EnabledChannel>> {
	const res = await send(caller, {
		method: 'POST',
		body: watchBody(spec),
		// Enabling a channel id again replaces its subscription: repeating it after a lost answer is safe.
		retry: true,
	});
	const confirmed = enabledChannels(parseJsonBody(res.body)).find(
		(channel) =>
			channel.channelId === spec.channelId &&
			channel.module.toLowerCase() === spec.module.toLowerCase(),
	);
	if (!confirmed)
		throw new ZohoTransportError(
			'INVALID_RESPONSE',
			`Zoho answered the channel request without confirming channel ${spec.channelId} for ${spec.module}.`,
		);
	return { value: confirmed, zohoNow: zohoNowOf(res) };
}

/** The channel's subscription to `module` as Zoho lists it, or undefined when Zoho has none. */
export async function findChannel(
	caller: WatchCaller,
	options: { channelId: string; module: string },
): Promise<ZohoAnswered<ChannelRow | undefined>> {
	const res = await send(caller, {
		method: 'GET',
		query: [
			['channel_id', options.channelId],
			['module', options.module],
		],
	});
	const zohoNow = zohoNowOf(res);
	const json = parseJsonBody(res.body);
	// 204: no such channel (never enabled, expired, disabled, forgotten).
	if (json === undefined) return { value: undefined, zohoNow };
	const parsed = channelListSchema.safeParse(json);
	if (!parsed.success)
		throw new ZohoTransportError(
			'INVALID_RESPONSE',
			'Zoho answered the channel lookup with a body that is not a list of channels.',
		);
	const row = parsed.data.watch.find(
		(candidate) =>
			candidate.channel_id === options.channelId &&
			candidate.resource_name.toLowerCase() === options.module.toLowerCase(),
	);
	return { value: row, zohoNow };
}

/** Disables the channel; one Zoho no longer has counts as done. */
export async function disableChannel(caller: WatchCaller, channelId: string): Promise<void> {
	const res = await send(caller, { method: 'DELETE', query: [['channel_ids', channelId]] });
	const answer = watchAnswerSchema.safeParse(parseJsonBody(res.body));
	if (!answer.success) return;
	const refused = answer.data.watch.filter(
		(entry) => entry.status !== 'success' && entry.code !== 'NOT_SUBSCRIBED',
	);
	// enabledChannels turns a refused entry into Zoho's code and what to do.
	if (refused.length > 0) enabledChannels({ watch: refused });
}

function zohoNowOf(res: ApiResult): number | undefined {
	return zohoTimeFrom(headerValue(res.headers, 'date'));
}

async function send(
	caller: WatchCaller,
	options: {
		method: 'GET' | 'POST' | 'DELETE';
		query?: Array<[string, string]>;
		body?: unknown;
		retry?: boolean;
	},
): Promise<ApiResult> {
	const { callOptions } = caller;
	try {
		return await caller.api.call(
			(token) => ({
				method: options.method,
				url: `${crmBaseUrl(
					{ product: 'crm', crmVersion: WATCH_CRM_VERSION },
					{ apiDomain: token.apiDomain, accountsUrl: callOptions.credentials.accountsUrl },
				)}/actions/watch`,
				query: options.query,
				...(options.body === undefined ? {} : { body: { kind: 'json', value: options.body } }),
			}),
			{ ...callOptions, retryNonIdempotent: options.retry === true },
		);
	} catch (error) {
		throw refusedElement(error) ?? error;
	}
}

/**
 * A 400 of this API carries Zoho's code per `watch` element, not at the top: the element's
 * code and the fix say more than "HTTP 400".
 */
function refusedElement(error: unknown): ZohoApiError | undefined {
	if (!isZohoError(error) || error.code !== 'API_ERROR') return undefined;
	const answer = watchAnswerSchema.safeParse(error.body);
	if (!answer.success) return undefined;
	try {
		enabledChannels(answer.data);
	} catch (refusal) {
		if (refusal instanceof ZohoApiError) return refusal;
		throw refusal;
	}
	return undefined;
}
