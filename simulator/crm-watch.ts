// CRM's Notification API, `/crm/{v}/actions/watch`: enable (POST), replace (PUT), update or
// disable some events (PATCH), list (GET) and disable channels (DELETE).
//
// Sources: GitHub zoho/crm-oas v8.0/notifications.json (operations Enable Notifications,
// Update Notifications, Disable Notification, Get Notifications, Delete Notification; error
// NOT_SUBSCRIBED; answers 201/200/204/400/202) and Zoho's pages
// crm/developer/docs/api/v8/notifications/{enable,update-details,update-info,
// specific-disable,get-details,disable}.html (input keys, token ≤ 50 characters, errors,
// sample answers); expiry limits from Kaizen #170 (FAQs on Notification APIs): default one
// hour; at most one day on v2–v3, one week from v4. Choices where they are silent are
// listed in docs/instant-trigger.md.
import { isObject, jsonBody } from './body';
import { modulesOf, recordModuleMeta } from './crm-metadata';
import { zohoError } from './errors';
import type { ApiRoute, Exchange } from './exchange';
import type { ConditionNode, Subscription, WatchOperation } from './notifications';
import type { ScopeSet } from './scopes';
import type { DcState } from './state';
import { zohoDateTime } from './time';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;
const MAX_TOKEN_LENGTH = 50;
/** notification_condition: at most 10 fields, however grouped. */
const MAX_CONDITION_FIELDS = 10;
const MAX_PER_PAGE = 200;
const CHANNEL_ID = /^\d{1,19}$/;
const EVENT = /^([A-Za-z][A-Za-z0-9_]*)\.(create|edit|delete|all)$/;
const OPERATIONS: readonly WatchOperation[] = ['create', 'edit', 'delete'];
/**
 * The modules the Notification API supports besides custom ones (v7 enable page, v8
 * update-info page: Leads … Services, "Custom"); Meetings' API name is Events.
 */
const WATCHABLE = new Set(
	[
		'Leads',
		'Accounts',
		'Contacts',
		'Deals',
		'Campaigns',
		'Tasks',
		'Cases',
		'Events',
		'Calls',
		'Solutions',
		'Products',
		'Vendors',
		'Price_Books',
		'Quotes',
		'Sales_Orders',
		'Purchase_Orders',
		'Invoices',
		'Appointments__s',
		'Services__s',
	].map((name) => name.toLowerCase()),
);

const MESSAGES = {
	enabled: 'Successfully subscribed for actions-watch of the given module',
	updated: 'Successfully updated the subscribe details',
	removed: 'Successfully removed the subscribe details',
	disabled: 'Successfully un-subscribed from actions-watch',
} as const;

type Method = 'POST' | 'PUT' | 'PATCH';

interface Entry {
	code: string;
	details: Record<string, unknown>;
	message: string;
	status: 'success' | 'error';
}

/** One element of `watch`, checked. */
interface WatchInput {
	channelId: string;
	/** Per module (its API name): the operations named. */
	events: Map<string, Set<WatchOperation>>;
	notifyUrl?: string;
	/** Undefined: not sent. */
	token?: string | null;
	expiry?: number;
	returnAffectedFieldValues?: boolean;
	notifyOnRelatedAction?: boolean;
	condition?: { raw: unknown[]; byModule: Map<string, ConditionNode[]> };
	deleteEvents: boolean;
}

export function watchRoute(ex: Exchange, version: number): ApiRoute | undefined {
	const method = ex.method;
	const allowed = (scopes: ScopeSet, operation: string): boolean =>
		scopes.hasAny('ZohoCRM.notifications.ALL', `ZohoCRM.notifications.${operation}`);
	switch (method) {
		case 'GET':
			return { allowed: (scopes) => allowed(scopes, 'READ'), handle: (e) => handleList(e) };
		case 'POST':
			return {
				allowed: (scopes) => allowed(scopes, 'CREATE') || allowed(scopes, 'WRITE'),
				handle: (e) => handleWrite(e, { method, version }),
			};
		case 'PUT':
		case 'PATCH':
			return {
				allowed: (scopes) => allowed(scopes, 'UPDATE') || allowed(scopes, 'WRITE'),
				handle: (e) => handleWrite(e, { method, version }),
			};
		case 'DELETE':
			return {
				allowed: (scopes) => allowed(scopes, 'DELETE') || allowed(scopes, 'WRITE'),
				handle: (e) => handleDisable(e),
			};
		default:
			return undefined;
	}
}

/** The expiry Zoho gives a channel: the one asked, unless absent or past the version's maximum (then one hour). */
export function channelExpiry(options: {
	requested: number | undefined;
	now: number;
	version: number;
}): number {
	const max = options.version >= 4 ? WEEK_MS : DAY_MS;
	const { requested, now } = options;
	return requested === undefined || requested - now > max ? now + HOUR_MS : requested;
}

function handleWrite(ex: Exchange, options: { method: Method; version: number }): void {
	const parsed = jsonBody(ex);
	if (!parsed.ok || !isObject(parsed.value)) {
		ex.json(400, zohoError('INVALID_DATA', 'the request body must be a JSON object'));
		return;
	}
	const watch = parsed.value.watch;
	if (!Array.isArray(watch) || watch.length === 0) {
		ex.json(
			400,
			zohoError('MANDATORY_NOT_FOUND', 'required field not found', {
				api_name: 'watch',
				json_path: '$.watch',
			}),
		);
		return;
	}
	// An element naming a module Zoho does not watch fails the whole request, unwrapped
	// (notifications spec example "ModuleNotSupported": 400 INVALID_DATA {api_name: "events"}).
	if (watch.some((element) => namesUnwatchable(ex.dc, element))) {
		ex.json(400, zohoError('INVALID_DATA', 'invalid data', { api_name: 'events' }));
		return;
	}
	const entries = watch.map((element, index): Entry => {
		const input = readElement(ex, { element, index, ...options });
		if ('status' in input) return input;
		if (input.deleteEvents) return removeEvents(ex, input);
		return subscribe(ex, { input, ...options });
	});
	ex.json(statusOf(entries, options.method === 'POST' ? 201 : 200), { watch: entries });
}

function subscribe(
	ex: Exchange,
	options: { input: WatchInput; method: Method; version: number },
): Entry {
	const { input, method } = options;
	const hub = ex.core.notifications;
	const live = [...hub.live(ex.dc).values()].filter((sub) => sub.channelId === input.channelId);
	if (method !== 'POST' && live.length === 0) return notSubscribed(input.channelId);
	// PUT keeps only what it sends; PATCH changes what it names; POST (re)enables what it names.
	if (method === 'PUT') for (const subscription of live) hub.remove(ex.dc, subscription);
	const now = ex.core.now();
	const events: Array<Record<string, unknown>> = [];
	for (const [module, operations] of input.events) {
		const old =
			method === 'PATCH'
				? live.find((sub) => sub.module.toLowerCase() === module.toLowerCase())
				: undefined;
		const subscription = hub.put(ex.dc, {
			channelId: input.channelId,
			module,
			version: `v${String(options.version)}`,
			events: new Set([...(old?.events ?? []), ...operations]),
			notifyUrl: input.notifyUrl ?? old?.notifyUrl ?? '',
			// PATCH keeps what it is not given (v8 update-info page; v6 says the same).
			token: input.token === undefined ? (old?.token ?? null) : input.token,
			expiresAt:
				old && input.expiry === undefined
					? old.expiresAt
					: channelExpiry({ requested: input.expiry, now, version: options.version }),
			returnAffectedFieldValues:
				input.returnAffectedFieldValues ?? old?.returnAffectedFieldValues ?? false,
			notifyOnRelatedAction: input.notifyOnRelatedAction ?? old?.notifyOnRelatedAction ?? true,
			...conditionFor(input, { module, old }),
		});
		events.push({
			channel_expiry: zohoDateTime(subscription.expiresAt),
			...resource(ex, subscription),
		});
	}
	return success(method === 'POST' ? MESSAGES.enabled : MESSAGES.updated, { events });
}

function conditionFor(
	input: WatchInput,
	options: { module: string; old?: Subscription },
): Pick<Subscription, 'condition'> {
	if (!input.condition) return options.old?.condition ? { condition: options.old.condition } : {};
	const tests = input.condition.byModule.get(options.module.toLowerCase()) ?? [];
	return tests.length > 0 ? { condition: { raw: input.condition.raw, tests } } : {};
}

/** PATCH with `_delete_events: true`: the named events stop; a module left with none is unsubscribed. */
function removeEvents(ex: Exchange, input: WatchInput): Entry {
	const hub = ex.core.notifications;
	const live = [...hub.live(ex.dc).values()].filter((sub) => sub.channelId === input.channelId);
	const events: Array<Record<string, unknown>> = [];
	for (const [module, operations] of input.events) {
		const subscription = live.find((sub) => sub.module.toLowerCase() === module.toLowerCase());
		if (!subscription) continue;
		for (const operation of operations) subscription.events.delete(operation);
		if (subscription.events.size === 0) hub.remove(ex.dc, subscription);
		events.push(resource(ex, subscription));
	}
	return events.length === 0
		? notSubscribed(input.channelId)
		: success(MESSAGES.removed, { events });
}

function handleList(ex: Exchange): void {
	const channelId = ex.query.get('channel_id');
	const module = ex.query.get('module');
	const page = positive(ex.query.get('page'), 1);
	const perPage = positive(ex.query.get('per_page'), MAX_PER_PAGE);
	if (channelId !== null && !CHANNEL_ID.test(channelId)) {
		ex.json(400, zohoError('INVALID_DATA', 'invalid data', { param_name: 'channel_id' }));
		return;
	}
	if (page === undefined || perPage === undefined || perPage > MAX_PER_PAGE) {
		ex.json(
			400,
			zohoError('INVALID_DATA', 'invalid data', {
				param_name: page === undefined ? 'page' : 'per_page',
			}),
		);
		return;
	}
	const matching = [...ex.core.notifications.live(ex.dc).values()]
		.filter((sub) => channelId === null || sub.channelId === channelId)
		.filter((sub) => module === null || sub.module.toLowerCase() === module.toLowerCase())
		.sort((a, b) => a.seq - b.seq);
	const rows = matching.slice((page - 1) * perPage, page * perPage);
	if (rows.length === 0) {
		ex.empty(204);
		return;
	}
	ex.json(200, {
		watch: rows.map((sub) => ({
			notify_on_related_action: sub.notifyOnRelatedAction,
			channel_expiry: zohoDateTime(sub.expiresAt),
			return_affected_field_values: sub.returnAffectedFieldValues,
			...resource(ex, sub),
			notify_url: sub.notifyUrl,
			fields: null,
			notification_condition: sub.condition ? sub.condition.raw : null,
			events: [...sub.events].map((operation) => `${sub.module}.${operation}`),
			token: sub.token,
		})),
		info: {
			per_page: perPage,
			count: rows.length,
			page,
			more_records: matching.length > page * perPage,
		},
	});
}

function handleDisable(ex: Exchange): void {
	const param = ex.query.get('channel_ids');
	if (param === null || param.trim() === '') {
		ex.json(
			400,
			zohoError('REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
				param_name: 'channel_ids',
			}),
		);
		return;
	}
	const hub = ex.core.notifications;
	const entries: Entry[] = [];
	for (const channelId of param.split(',').map((id) => id.trim())) {
		if (!CHANNEL_ID.test(channelId)) {
			entries.push(
				error('INVALID_DATA', 'invalid data', { param_name: 'channel_ids', channel_id: channelId }),
			);
			continue;
		}
		const live = [...hub.live(ex.dc).values()].filter((sub) => sub.channelId === channelId);
		if (live.length === 0) entries.push(notSubscribed(channelId));
		for (const subscription of live) {
			hub.remove(ex.dc, subscription);
			const { resource_uri, resource_id, channel_id } = resource(ex, subscription);
			entries.push(success(MESSAGES.disabled, { resource_uri, resource_id, channel_id }));
		}
	}
	ex.json(statusOf(entries, 200), { watch: entries });
}

function readElement(
	ex: Exchange,
	options: { element: unknown; index: number; method: Method; version: number },
): WatchInput | Entry {
	const { element, index } = options;
	const at = (key: string) => ({ api_name: key, json_path: `$.watch[${String(index)}].${key}` });
	const missing = (key: string) =>
		error('MANDATORY_NOT_FOUND', 'required field not found', at(key));
	const invalid = (key: string, more: Record<string, unknown> = {}) =>
		error('INVALID_DATA', 'invalid data', { ...at(key), ...more });
	if (!isObject(element))
		return error('INVALID_DATA', 'invalid data', { json_path: `$.watch[${String(index)}]` });

	const rawChannel = element.channel_id;
	if (rawChannel === undefined || rawChannel === null) return missing('channel_id');
	const channelId =
		typeof rawChannel === 'number' && Number.isSafeInteger(rawChannel) && rawChannel > 0
			? String(rawChannel)
			: rawChannel;
	if (typeof channelId !== 'string' || !CHANNEL_ID.test(channelId))
		return invalid('channel_id', { expected_data_type: 'long' });

	const deleteEvents = element._delete_events;
	if (deleteEvents !== undefined && typeof deleteEvents !== 'boolean')
		return invalid('_delete_events', { expected_data_type: 'boolean' });
	if (deleteEvents === true && options.method !== 'PATCH') return invalid('_delete_events');

	if (element.events === undefined || element.events === null) return missing('events');
	const events = readEvents(ex.dc, element.events);
	if (!events) return invalid('events', { supported_operations: [...OPERATIONS, 'all'] });
	if (deleteEvents === true) return { channelId, events, deleteEvents: true };

	const notifyUrl = element.notify_url;
	if (notifyUrl === undefined || notifyUrl === null) return missing('notify_url');
	if (typeof notifyUrl !== 'string' || !isHttpUrl(notifyUrl)) return invalid('notify_url');

	const token = element.token;
	if (token !== undefined && token !== null && typeof token !== 'string')
		return invalid('token', { expected_data_type: 'string' });
	if (typeof token === 'string' && token.length > MAX_TOKEN_LENGTH)
		return invalid('token', { maximum_length: MAX_TOKEN_LENGTH });

	const rawExpiry = element.channel_expiry;
	let expiry: number | undefined;
	if (rawExpiry !== undefined && rawExpiry !== null) {
		expiry = typeof rawExpiry === 'string' ? parseZohoTime(rawExpiry) : undefined;
		if (expiry === undefined) return invalid('channel_expiry', { expected_data_type: 'datetime' });
		if (expiry <= ex.core.now()) return invalid('channel_expiry');
	}

	const flags: Pick<WatchInput, 'returnAffectedFieldValues' | 'notifyOnRelatedAction'> = {};
	for (const [key, name] of [
		['return_affected_field_values', 'returnAffectedFieldValues'],
		['notify_on_related_action', 'notifyOnRelatedAction'],
	] as const) {
		const value = element[key];
		if (value === undefined || value === null) continue;
		if (typeof value !== 'boolean') return invalid(key, { expected_data_type: 'boolean' });
		flags[name] = value;
	}

	let condition: WatchInput['condition'];
	if (element.notification_condition !== undefined && element.notification_condition !== null) {
		// From v6 on (Zoho's overview of the Notification APIs).
		if (options.version < 6) return invalid('notification_condition');
		const read = readCondition(ex.dc, { raw: element.notification_condition, events, at });
		if ('status' in read) return read;
		condition = read;
	}

	return {
		channelId,
		events,
		notifyUrl,
		...(token === undefined ? {} : { token }),
		...(expiry === undefined ? {} : { expiry }),
		...flags,
		...(condition ? { condition } : {}),
		deleteEvents: false,
	};
}

/** `["Leads.create", "Deals.all"]` per module (its API name), or undefined when any is not one. */
function readEvents(dc: DcState, value: unknown): Map<string, Set<WatchOperation>> | undefined {
	if (!Array.isArray(value) || value.length === 0) return undefined;
	const events = new Map<string, Set<WatchOperation>>();
	for (const event of value) {
		const match = typeof event === 'string' ? EVENT.exec(event) : null;
		if (!match) return undefined;
		const meta = recordModuleMeta(dc, { namespace: 'crm', module: match[1] ?? '' });
		if (!meta) return undefined;
		const operations = events.get(meta.api_name) ?? new Set<WatchOperation>();
		if (match[2] === 'all') for (const operation of OPERATIONS) operations.add(operation);
		else operations.add(match[2] as WatchOperation);
		events.set(meta.api_name, operations);
	}
	return events;
}

function namesUnwatchable(dc: DcState, element: unknown): boolean {
	if (!isObject(element) || element._delete_events === true) return false;
	const events = readEvents(dc, element.events);
	if (!events) return false;
	return [...events.keys()].some((module) => {
		const meta = recordModuleMeta(dc, { namespace: 'crm', module });
		return meta?.generated_type !== 'custom' && !WATCHABLE.has(module.toLowerCase());
	});
}

// Rules and error bodies from the spec's examples for Update Notification Details
// (crm-oas v8.0/notifications/mds/examples/updateNotificationDetails.md): at most 10 fields.
function readCondition(
	dc: DcState,
	options: {
		raw: unknown;
		events: Map<string, Set<WatchOperation>>;
		at: (key: string) => { api_name: string; json_path: string };
	},
): NonNullable<WatchInput['condition']> | Entry {
	const { raw } = options;
	const root = options.at('notification_condition');
	if (!Array.isArray(raw))
		return error('INVALID_DATA', 'invalid data', { ...root, expected_data_type: 'jsonarray' });
	const byModule = new Map<string, ConditionNode[]>();
	for (const [index, item] of raw.entries()) {
		const path = `${root.json_path}[${String(index)}]`;
		const at = (key: string) => ({ api_name: key, json_path: `${path}.${key}` });
		if (!isObject(item)) return error('INVALID_DATA', 'invalid data', { ...root, json_path: path });
		if (item.type === undefined || item.type === null)
			return error('MANDATORY_NOT_FOUND', 'required field not found', at('type'));
		if (item.type !== 'field_selection')
			return error('INVALID_DATA', 'invalid data', {
				...at('type'),
				supported_values: ['field_selection'],
			});
		if (item.field_selection === undefined || item.field_selection === null)
			return error('DEPENDENT_FIELD_MISSING', 'DEPENDENT_FIELD_MISSING', {
				...at('field_selection'),
				dependee: at('type'),
			});
		const module = conditionModule(dc, { target: item.module, events: options.events, at });
		if (typeof module !== 'string') return module;
		// Field ids as settings/fields lists them.
		const fields = new Map(
			(recordModuleMeta(dc, { namespace: 'crm', module })?.fields ?? []).map((field, index) => [
				field.api_name.toLowerCase(),
				`${dc.crmOrgId}${String(index + 5000)}`,
			]),
		);
		const count = { fields: 0 };
		const node = readNode(item.field_selection, { fields, count });
		if (!node) return error('INVALID_DATA', 'invalid data', at('field_selection'));
		if (count.fields > MAX_CONDITION_FIELDS)
			return error('INVALID_DATA', 'invalid data', {
				api_name: 'field_selection',
				// Sic: Zoho's example has no index after notification_condition here.
				json_path: `${root.json_path}.field_selection`,
				maximum_length: MAX_CONDITION_FIELDS,
			});
		const key = module.toLowerCase();
		byModule.set(key, [...(byModule.get(key) ?? []), node]);
	}
	return { raw: structuredClone(raw), byModule };
}

/** The condition's module by `api_name`, `id` or both (at least one; both must agree), among the watched. */
function conditionModule(
	dc: DcState,
	options: {
		target: unknown;
		events: Map<string, Set<WatchOperation>>;
		at: (key: string) => { api_name: string; json_path: string };
	},
): string | Entry {
	const { target, at } = options;
	if (!isObject(target))
		return error('INVALID_DATA', 'invalid data', {
			...at('module'),
			expected_data_type: 'jsonobject',
		});
	const name = typeof target.api_name === 'string' ? target.api_name : undefined;
	const id = target.id === undefined || target.id === null ? undefined : String(target.id);
	const module = at('module').json_path;
	if (name === undefined && id === undefined)
		return error('EXPECTED_FIELD_MISSING', 'Specify atleast one field', {
			expected_fields: [
				{ api_name: 'api_name', json_path: `${module}.api_name` },
				{ api_name: 'id', json_path: `${module}.id` },
			],
		});
	const org = modulesOf(dc, 'crm').map((meta) => meta.api_name);
	const byName =
		name === undefined
			? undefined
			: org.find((entry) => entry.toLowerCase() === name.toLowerCase());
	const byId = id === undefined ? undefined : org.find((entry) => moduleId(dc, entry) === id);
	if (byName && byId && byName !== byId)
		return error('AMBIGUITY_DURING_PROCESSING', 'ambiguity while processing the request', {
			ambiguity_due_to: [
				{ api_name: 'api_name', json_path: `${module}.api_name` },
				{ api_name: 'id', json_path: `${module}.id` },
			],
		});
	const named =
		(name === undefined || byName) && (id === undefined || byId) ? (byName ?? byId) : undefined;
	// Only a module the element watches.
	const found = [...options.events.keys()].find(
		(entry) => entry.toLowerCase() === named?.toLowerCase(),
	);
	return found || error('INVALID_DATA', 'required field not found', at('module'));
}

function readNode(
	value: unknown,
	options: { fields: ReadonlyMap<string, string>; count: { fields: number } },
): ConditionNode | undefined {
	if (!isObject(value)) return undefined;
	if (isObject(value.field)) {
		const name = value.field.api_name;
		if (typeof name !== 'string') return undefined;
		const id = options.fields.get(name.toLowerCase());
		if (id === undefined || String(value.field.id) !== id) return undefined;
		options.count.fields += 1;
		return { field: name };
	}
	const operator = value.group_operator;
	if ((operator !== 'and' && operator !== 'or') || !Array.isArray(value.group)) return undefined;
	if (value.group.length === 0) return undefined;
	const nodes: ConditionNode[] = [];
	for (const child of value.group) {
		const node = readNode(child, options);
		if (!node) return undefined;
		nodes.push(node);
	}
	return { operator, nodes };
}

/** resource_uri, resource_id, resource_name and channel_id of a subscription. */
function resource(
	ex: Exchange,
	subscription: Subscription,
): { resource_uri: string; resource_id: string; resource_name: string; channel_id: string } {
	return {
		resource_uri: `${ex.core.apiDomain(ex.dc.id)}/crm/${subscription.version}/${subscription.module}`,
		resource_id: moduleId(ex.dc, subscription.module),
		resource_name: subscription.module,
		channel_id: subscription.channelId,
	};
}

/** The module's id as `settings/modules` lists it. */
function moduleId(dc: DcState, module: string): string {
	const index = modulesOf(dc, 'crm').findIndex(
		(meta) => meta.api_name.toLowerCase() === module.toLowerCase(),
	);
	return `${dc.crmOrgId}${String(Math.max(index, 0) + 100)}`;
}

/** All succeeded: `ok`; none: 400, or 202 when only unknown channels failed (as the spec's wrapped errors); some: 207. */
function statusOf(entries: readonly Entry[], ok: number): number {
	const succeeded = entries.filter((entry) => entry.status === 'success').length;
	if (succeeded === entries.length) return ok;
	if (succeeded > 0) return 207;
	return entries.every((entry) => entry.code === 'NOT_SUBSCRIBED') ? 202 : 400;
}

function success(message: string, details: Record<string, unknown>): Entry {
	return { code: 'SUCCESS', details, message, status: 'success' };
}

function error(code: string, message: string, details: Record<string, unknown>): Entry {
	return { code, details, message, status: 'error' };
}

function notSubscribed(channelId: string): Entry {
	return error('NOT_SUBSCRIBED', 'the channel is not subscribed', { channel_id: channelId });
}

function isHttpUrl(value: string): boolean {
	if (!URL.canParse(value)) return false;
	const protocol = new URL(value).protocol;
	return protocol === 'http:' || protocol === 'https:';
}

/** ISO 8601 with an offset (`2026-11-30T09:00:00+05:30` or `Z`), as Zoho writes times. */
function parseZohoTime(value: string): number | undefined {
	if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value))
		return undefined;
	const ms = Date.parse(value);
	return Number.isNaN(ms) ? undefined : ms;
}

function positive(value: string | null, fallback: number): number | undefined {
	if (value === null) return fallback;
	return /^\d{1,6}$/.test(value) && Number(value) >= 1 ? Number(value) : undefined;
}
