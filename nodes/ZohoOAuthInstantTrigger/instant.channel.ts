/**
 * What the trigger's three parts (webhookMethods, webhook(), trigger()) derive alike in
 * every n8n process: the channel id and its verification token, from n8n's instance id,
 * the workflow and node ids and the credential's client secret, stored nowhere; the
 * Zoho calls of this credential; the channel as Zoho must hold it.
 */
import type { FunctionsBase } from 'n8n-workflow';

import type { ZohoApi } from '../../zoho/api/apiClient';
import type { ChannelRelay } from '../../zoho/relay/channelRelay';
import { resolveFieldCondition } from '../../zoho/crm/notifications/fieldCondition';
import {
	channelHealth,
	channelIdentity,
	channelIdFor,
	channelTokenFor,
	maxChannelLifetimeMs,
	requestedExpiry,
	type ChannelSpec,
	type FieldCondition,
} from '../../zoho/crm/notifications/channel';
import {
	enableChannel,
	findChannel,
	WATCH_CRM_VERSION,
} from '../../zoho/crm/notifications/watchApi';
import { announcementSchema, type Announcement } from '../../zoho/crm/notifications/instantLedger';
import { parseJsonBody } from '../../zoho/json';
import type { ZohoRuntime } from '../../zoho/runtime';
import { CredentialSource } from '../shared/credentialSource';
import { zohoAccess, zohoApi } from '../shared/zohoRuntime';
import type { InstantSettings } from './instant.settings';

export interface ChannelAccess {
	runtime: ZohoRuntime;
	relay: ChannelRelay;
	/** Zoho calls with the node's credential. */
	caller: ZohoApi;
	/** Also the relay's key of this channel. */
	channelId: string;
	token: string;
}

/** The channel of the workflow's production trigger, or of its test run (Listen for test event). */
export async function channelAccess(
	ctx: FunctionsBase,
	options: { settings: InstantSettings; test: boolean; signal?: AbortSignal },
): Promise<ChannelAccess> {
	const access = zohoAccess({ logger: ctx.logger, getExecutionCancelSignal: () => options.signal });
	const credentials = await new CredentialSource(ctx).read();
	const channelId = channelIdFor(
		channelIdentity({
			instanceId: ctx.getInstanceId(),
			workflowId: String(ctx.getWorkflow().id),
			nodeId: ctx.getNode().id,
			test: options.test,
		}),
	);
	return {
		runtime: access.runtime,
		relay: access.runtime.relay,
		caller: zohoApi(access, { credentials, timeoutMs: options.settings.timeoutMs }),
		channelId,
		token: channelTokenFor({ secret: credentials.credentials.clientSecret, channelId }),
	};
}

/** The channel as Zoho must hold it; `condition` is resolved once by the caller (two metadata calls). */
export function channelSpec(options: {
	access: ChannelAccess;
	settings: InstantSettings;
	notifyUrl: string;
	expiresAt?: number;
	condition?: FieldCondition;
}): ChannelSpec {
	const { access, settings } = options;
	return {
		channelId: access.channelId,
		module: settings.target.module,
		events: settings.watchEvents,
		notifyUrl: options.notifyUrl,
		token: access.token,
		...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
		returnAffectedFieldValues: settings.changedValues,
		notifyOnRelatedAction: settings.relatedRecords,
		...(options.condition ? { condition: options.condition } : {}),
	};
}

/**
 * Enables the channel for the longest time Zoho allows (a test run's for Zoho's default
 * hour), asked by Zoho's time as this process last heard it. Zoho silently cuts an
 * expiry it finds too long to one hour: if that happened (this process had not heard
 * Zoho's time lately), it is asked once more by the time Zoho's answer gave.
 */
export async function enableFor(options: {
	access: ChannelAccess;
	settings: InstantSettings;
	notifyUrl: string;
	test: boolean;
	condition?: FieldCondition;
}): Promise<{ expiresAt?: number }> {
	const { zohoClock } = options.access.runtime;
	// Each answer sets Zoho's clock (the API client tells it).
	const ask = async () =>
		await enableChannel(
			options.access.caller,
			channelSpec({
				...options,
				expiresAt: options.test
					? undefined
					: requestedExpiry({ zohoNow: zohoClock.now(), crmVersion: WATCH_CRM_VERSION }),
			}),
		);
	let confirmed = await ask();
	const cut =
		!options.test &&
		confirmed.expiresAt !== undefined &&
		confirmed.expiresAt - zohoClock.now() < maxChannelLifetimeMs(WATCH_CRM_VERSION) / 2;
	if (cut) confirmed = await ask();
	return { expiresAt: confirmed.expiresAt };
}

/** Fields to Watch with the ids Zoho needs, or undefined when none are set. */
export async function fieldCondition(
	access: ChannelAccess,
	settings: InstantSettings,
): Promise<FieldCondition | undefined> {
	const { condition, target } = settings;
	return condition && (await resolveFieldCondition({ api: access.caller, target }, condition));
}

/**
 * Whether Zoho lists the channel as wanted (notify URL, token, events and options) with
 * more than half its lifetime left (a test run's hour: any time left), and its expiry.
 * The one check of the channel, for activation (checkExists) and the consumer alike.
 */
export async function listedAsWanted(options: {
	access: ChannelAccess;
	settings: InstantSettings;
	notifyUrl: string;
	test: boolean;
}): Promise<{ wanted: boolean; expiresAt?: number }> {
	const { access, settings } = options;
	const wanted = { ...channelSpec(options), condition: settings.condition };
	// The answer also sets Zoho's clock (the API client tells it every answer's Date).
	const row = await findChannel(access.caller, wanted);
	const health = channelHealth({
		row,
		wanted,
		zohoNow: access.runtime.zohoClock.now(),
		crmVersion: WATCH_CRM_VERSION,
	});
	if (!row || !(health === 'ok' || (options.test && health === 'renew'))) return { wanted: false };
	// Healthy means Zoho listed a readable expiry.
	return { wanted: true, expiresAt: Date.parse(row.channel_expiry ?? '') };
}

/** What the webhook side announced to the consumer, or undefined when it announced nothing readable. */
export function readAnnouncement(text: string | undefined): Announcement | undefined {
	const parsed = announcementSchema.safeParse(text === undefined ? undefined : parseJsonBody(text));
	return parsed.success ? parsed.data : undefined;
}
