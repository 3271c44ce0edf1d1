/**
 * What the trigger's three parts (webhookMethods, webhook(), trigger()) derive alike in
 * every n8n process: the channel id and its verification token, from n8n's instance id,
 * the workflow and node ids and the credential's client secret, stored nowhere; the
 * Zoho calls of this credential; the channel as Zoho must hold it.
 */
import type { IWorkflowMetadata, INode } from 'n8n-workflow';

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
import { parseJsonBody } from '../../zoho/json';
import type { Logger } from '../../zoho/logger';
import type { ZohoRuntime } from '../../zoho/runtime';
import { CredentialSource } from '../shared/credentialSource';
import { zohoAccess, zohoApi } from '../shared/zohoRuntime';
import type { InstantSettings } from './instant.settings';

/** The parts of an n8n context every part of the trigger has. */
export interface TriggerContextBase {
	logger: Logger;
	getInstanceId(): string;
	getWorkflow(): IWorkflowMetadata;
	getNode(): INode;
	getCredentials<T extends object>(type: string, itemIndex?: number): Promise<T>;
}

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
	ctx: TriggerContextBase,
	options: { settings: InstantSettings; test: boolean; signal?: AbortSignal },
): Promise<ChannelAccess> {
	const access = zohoAccess({ logger: ctx.logger, getExecutionCancelSignal: () => options.signal });
	const { runtime } = access;
	const nodeCredentials = await new CredentialSource(ctx).read();
	const { credentials } = nodeCredentials;
	const channelId = channelIdFor(
		channelIdentity({
			instanceId: ctx.getInstanceId(),
			workflowId: String(ctx.getWorkflow().id),
			nodeId: ctx.getNode().id,
			test: options.test,
		}),
	);
	return {
		runtime,
		relay: runtime.relay,
		caller: zohoApi(access, {
			credentials: nodeCredentials,
			timeoutMs: options.settings.timeoutMs,
		}),
		channelId,
		token: channelTokenFor({ secret: credentials.clientSecret, channelId }),
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
	if (!settings.condition) return undefined;
	return resolveFieldCondition(
		{ api: access.caller, target: settings.target },
		{
			module: settings.target.module,
			fields: settings.condition.fields,
			operator: settings.condition.operator,
		},
	);
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
	const { zohoClock } = access.runtime;
	const wanted = channelSpec(options);
	// The answer also sets Zoho's clock (the API client tells it every answer's Date).
	const row = await findChannel(access.caller, wanted);
	const health = channelHealth({
		row,
		wanted,
		zohoNow: zohoClock.now(),
		crmVersion: WATCH_CRM_VERSION,
	});
	if (!row || !(health === 'ok' || (options.test && health === 'renew'))) return { wanted: false };
	const hasCondition =
		Array.isArray(row.notification_condition) && row.notification_condition.length > 0;
	// What channelHealth does not compare: a changed option needs the channel enabled again.
	const sameOptions =
		(row.return_affected_field_values ?? false) === settings.changedValues &&
		(row.notify_on_related_action ?? true) === settings.relatedRecords &&
		hasCondition === (settings.condition !== undefined);
	// Healthy means Zoho listed a readable expiry.
	return { wanted: sameOptions, expiresAt: Date.parse(row.channel_expiry ?? '') };
}

/** What the webhook side tells the consumer of the channel: where Zoho sends, until when. */
export interface Announcement {
	notifyUrl: string;
	/** Zoho time, ms. */
	expiresAt?: number;
}

export function readAnnouncement(text: string | undefined): Announcement | undefined {
	if (text === undefined) return undefined;
	const value = parseJsonBody(text) as Partial<Announcement> | undefined;
	if (typeof value?.notifyUrl !== 'string') return undefined;
	return {
		notifyUrl: value.notifyUrl,
		...(typeof value.expiresAt === 'number' ? { expiresAt: value.expiresAt } : {}),
	};
}
