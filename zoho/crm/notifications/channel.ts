/**
 * Zoho CRM's Notification API (`/crm/{v}/actions/watch`) as schemas and pure functions:
 * the body that enables a channel, Zoho's answers, the callback Zoho POSTs, a trigger's
 * channel id and verification token, and the expiry arithmetic. Times are Zoho's (the
 * `Date` header of its answers), never this host's clock: a channel lapses by Zoho's time.
 *
 * Sources: GitHub zoho/crm-oas v8.0/notifications.json (Enable/Update/Get/Delete
 * Notifications); crm/developer/docs/api/v8/notifications/{enable,update-info,get-details,
 * disable}.html (token ≤ 50 characters, callback keys, errors); Kaizen #170 "FAQs on
 * Notification APIs" (expiry: default one hour; at most one day on v2–v3, one week from v4).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

import { zohoHint } from '../../api/hints';
import { ZohoApiError, ZohoTransportError } from '../../errors';
import { answerEntrySchema } from '../../api/schemas';
import { ZOHO_ID, zohoTime } from '../../formats';
import { isApiName } from '../module';

export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;
/** notification_condition holds at most 10 fields. */
export const MAX_CONDITION_FIELDS = 10;
/**
 * Asked expiries stay this far below Zoho's maximum: Zoho's clock runs on while the
 * request travels, and an expiry it finds too long becomes one hour, silently.
 */
export const EXPIRY_SAFETY_MS = 10 * 60 * 1000;

export type WatchEvent = 'create' | 'edit' | 'delete';

/** Channel ids from channelIdFor: 16 digits, below 2^53 so JSON numbers keep them exact. */
const CHANNEL_ID_BASE = 1_000_000_000_000_000;

const idSchema = z
	.union([z.string().regex(ZOHO_ID), z.number().int().positive()])
	.transform(String);

/** The callback Zoho POSTs to the notify URL. */
export const callbackSchema = z
	.object({
		server_time: z.number(),
		module: z.string().refine(isApiName),
		ids: z.array(idSchema),
		affected_fields: z.array(z.record(z.array(z.string()))).default([]),
		affected_values: z
			.array(z.object({ record_id: idSchema, values: z.record(z.unknown()) }).passthrough())
			.optional(),
		operation: z.enum(['insert', 'update', 'delete']),
		channel_id: idSchema,
		token: z.string().nullable().optional(),
	})
	.passthrough();
export type NotificationCallback = z.infer<typeof callbackSchema>;

/** Answer of POST, PUT, PATCH and DELETE: one entry per `watch` element. */
export const watchAnswerSchema = z.object({ watch: z.array(answerEntrySchema) }).passthrough();

/** One row of GET: a channel's subscription to one module. */
export const channelRowSchema = z
	.object({
		channel_id: idSchema,
		resource_name: z.string(),
		notify_url: z.string(),
		token: z.string().nullable().optional(),
		channel_expiry: z.string().nullable().optional(),
		events: z.array(z.string()),
		return_affected_field_values: z.boolean().nullable().optional(),
		notify_on_related_action: z.boolean().nullable().optional(),
		notification_condition: z.unknown().optional(),
	})
	.passthrough();
export type ChannelRow = z.infer<typeof channelRowSchema>;

/** What POST, PUT and PATCH confirm of each subscription. */
const subscribedSchema = channelRowSchema
	.pick({ channel_id: true, resource_name: true, channel_expiry: true })
	.passthrough();

export const channelListSchema = z
	.object({ watch: z.array(channelRowSchema), info: z.record(z.unknown()).optional() })
	.passthrough();

/** A field selection: Zoho sends a callback for an edit only when these fields changed. */
export interface FieldCondition {
	operator: 'and' | 'or';
	/** API names with their ids (Zoho's samples name both; settings/fields gives the ids). */
	fields: ReadonlyArray<{ apiName: string; id: string }>;
	/** The module's id, from settings/modules. */
	moduleId: string;
}

export interface ChannelSpec {
	channelId: string;
	/** The module's API name. */
	module: string;
	events: readonly WatchEvent[];
	notifyUrl: string;
	token: string;
	/** Zoho time, ms; left out, Zoho gives the channel one hour (a test run's channel). */
	expiresAt?: number;
	returnAffectedFieldValues: boolean;
	notifyOnRelatedAction: boolean;
	condition?: FieldCondition;
}

/**
 * The body of POST (enable), PUT or PATCH for one channel on one module. The module,
 * events and fields to watch were checked where the user gave them (instant.settings.ts,
 * fieldCondition.ts); the channel id and token are derived (channelIdFor, channelTokenFor).
 */
export function watchBody(spec: ChannelSpec): { watch: Array<Record<string, unknown>> } {
	const element: Record<string, unknown> = {
		channel_id: spec.channelId,
		events: [...new Set(spec.events)].map((event) => `${spec.module}.${event}`),
		notify_url: spec.notifyUrl,
		token: spec.token,
		...(spec.expiresAt === undefined ? {} : { channel_expiry: zohoTime(spec.expiresAt) }),
		return_affected_field_values: spec.returnAffectedFieldValues,
		notify_on_related_action: spec.notifyOnRelatedAction,
	};
	const { condition } = spec;
	if (condition)
		element.notification_condition = [
			{
				type: 'field_selection',
				module: { api_name: spec.module, id: condition.moduleId },
				field_selection: {
					group_operator: condition.operator,
					group: condition.fields.map((field) => ({
						field: { api_name: field.apiName, id: field.id },
					})),
				},
			},
		];
	return { watch: [element] };
}

/** The longest expiry Zoho grants through an API version: a day on v2–v3, a week from v4. */
export function maxChannelLifetimeMs(crmVersion: string): number {
	const major = Number.parseInt(crmVersion.replace(/^v/i, ''), 10);
	return major >= 4 ? 7 * DAY_MS : DAY_MS;
}

/** The expiry to ask for at Zoho time `zohoNow`: the longest allowed, less the safety margin. */
export function requestedExpiry(options: { zohoNow: number; crmVersion: string }): number {
	return options.zohoNow + maxChannelLifetimeMs(options.crmVersion) - EXPIRY_SAFETY_MS;
}

/**
 * Renew once less than half the lifetime is left (three and a half days on v4+): one
 * renewal call every few days, and a channel that outlives an n8n outage of days.
 */
export function renewalDue(options: {
	expiresAt: number;
	zohoNow: number;
	crmVersion: string;
}): boolean {
	return options.expiresAt - options.zohoNow < maxChannelLifetimeMs(options.crmVersion) / 2;
}

/**
 * A trigger's channel id, derived from what names the trigger everywhere (n8n's instance
 * id, the workflow id and the node id; see channelIdentity), so every n8n process of a
 * fleet arrives at the same id without sharing state, and two instances never take each
 * other's channel. A changed webhook URL keeps the id: the next check re-enables it there.
 */
export function channelIdFor(identity: string): string {
	const digest = createHash('sha256').update(`zoho-notify-channel:${identity}`).digest();
	return String(CHANNEL_ID_BASE + digest.readUIntBE(0, 6));
}

/** What channelIdFor derives a trigger's channel from; a test run (Listen for test event) has its own. */
export function channelIdentity(options: {
	instanceId: string;
	workflowId: string;
	nodeId: string;
	test: boolean;
}): string {
	const base = `${options.instanceId}/${options.workflowId}/${options.nodeId}`;
	return options.test ? `${base}/test` : base;
}

/**
 * The token Zoho echoes in every callback: an HMAC of the channel id under a secret all
 * n8n processes share (the credential's client secret). Every process computes the same
 * token, none has to store it, and it tells nothing about the secret. 43 characters.
 */
export function channelTokenFor(options: { secret: string; channelId: string }): string {
	return createHmac('sha256', options.secret)
		.update(`zoho-notify-token:${options.channelId}`)
		.digest('base64url');
}

/** Compares a callback's token with the expected one in constant time (also for unequal lengths). */
export function tokenMatches(expected: string, given: unknown): boolean {
	if (typeof given !== 'string') return false;
	const digest = (value: string) => createHash('sha256').update(value).digest();
	return timingSafeEqual(digest(expected), digest(given));
}

/** A callback body, or undefined when it is not one (the webhook then answers 400, starting nothing). */
export function parseCallback(body: unknown): NotificationCallback | undefined {
	const parsed = callbackSchema.safeParse(body);
	return parsed.success ? parsed.data : undefined;
}

export interface EnabledChannel {
	channelId: string;
	module: string;
	/** Zoho time, ms; undefined when the answer had none. */
	expiresAt?: number;
}

/**
 * The subscriptions an answer to POST, PUT or PATCH confirms. Throws ZohoApiError with
 * Zoho's code and what to do when Zoho refused one, ZohoTransportError when the body is
 * not an answer of this API.
 */
export function enabledChannels(body: unknown): EnabledChannel[] {
	const answer = watchAnswerSchema.safeParse(body);
	if (!answer.success)
		throw new ZohoTransportError(
			'INVALID_RESPONSE',
			'Zoho answered the channel request with a body that is not a list of results.',
		);
	const channels: EnabledChannel[] = [];
	for (const entry of answer.data.watch) {
		if (entry.status !== 'success') throw watchRefusal(entry);
		const events = z.array(subscribedSchema).safeParse(entry.details?.events ?? []);
		if (!events.success)
			throw new ZohoTransportError(
				'INVALID_RESPONSE',
				'Zoho confirmed the channel without readable channel details.',
			);
		for (const event of events.data) {
			const expiresAt = event.channel_expiry ? Date.parse(event.channel_expiry) : Number.NaN;
			channels.push({
				channelId: event.channel_id,
				module: event.resource_name,
				...(Number.isNaN(expiresAt) ? {} : { expiresAt }),
			});
		}
	}
	return channels;
}

/** Zoho's refusal of one `watch` element: its code, the field it names, and what to do. */
export function watchRefusal(entry: z.infer<typeof answerEntrySchema>): ZohoApiError {
	const field = typeof entry.details?.api_name === 'string' ? entry.details.api_name : undefined;
	return new ZohoApiError(
		'API_ERROR',
		`Zoho refused the notification channel: ${entry.message ?? entry.code} (${entry.code}).`,
		{
			zohoCode: entry.code,
			...(entry.message === undefined ? {} : { zohoMessage: entry.message }),
			hint: `${field ? `Zoho names ${field} of the channel request. ` : ''}${zohoHint(entry.code, 'channel') ?? 'Check the module, events and fields to watch of the trigger.'}`,
		},
	);
}

export type ChannelHealth =
	/** Zoho has it as wanted, with time to spare. */
	| 'ok'
	/** As wanted, but less than half its lifetime is left. */
	| 'renew'
	/** Zoho has no such channel (never enabled, expired, disabled, forgotten). */
	| 'missing'
	/** Zoho has the channel id with another notify URL, token, events or options, or no expiry. */
	| 'different';

/**
 * How the channel Zoho lists (the GET row for our channel and module) compares with what
 * the trigger wants. Of the field condition only its presence is compared: a changed
 * option needs the channel enabled again.
 */
export function channelHealth(options: {
	row: ChannelRow | undefined;
	wanted: Omit<ChannelSpec, 'expiresAt' | 'condition'> & { condition?: unknown };
	zohoNow: number;
	crmVersion: string;
}): ChannelHealth {
	const { row, wanted } = options;
	if (!row || row.channel_id !== wanted.channelId) return 'missing';
	const expiresAt = row.channel_expiry ? Date.parse(row.channel_expiry) : Number.NaN;
	if (Number.isNaN(expiresAt) || expiresAt <= options.zohoNow) return 'missing';
	const events = new Set(row.events.map((event) => event.split('.').pop()?.toLowerCase()));
	const conditioned =
		Array.isArray(row.notification_condition) && row.notification_condition.length > 0;
	const same =
		row.resource_name.toLowerCase() === wanted.module.toLowerCase() &&
		row.notify_url === wanted.notifyUrl &&
		tokenMatches(wanted.token, row.token) &&
		events.size === new Set(wanted.events).size &&
		wanted.events.every((event) => events.has(event)) &&
		(row.return_affected_field_values ?? false) === wanted.returnAffectedFieldValues &&
		(row.notify_on_related_action ?? true) === wanted.notifyOnRelatedAction &&
		conditioned === (wanted.condition !== undefined);
	if (!same) return 'different';
	return renewalDue({ expiresAt, zohoNow: options.zohoNow, crmVersion: options.crmVersion })
		? 'renew'
		: 'ok';
}
