/**
 * What the bodies of CRM's Notification API hold, checked deeper than their top-level key.
 * Sources: Zoho's CRM v8 OpenAPI file `v8.0/notifications.json` (operations Enable
 * Notifications (POST), Update Notifications (PUT), Disable Notification (PATCH); schemas
 * Body_Wrapper, Notification, notification_condition) and the pages
 * https://www.zoho.com/crm/developer/docs/api/v8/notifications/enable.html (channel_id,
 * events, notify_url mandatory; token up to 50 characters), update-info.html and
 * specific-disable.html (PATCH: channel_id and events, with `_delete_events: true` to stop
 * the events named); notification_condition's rules from the spec's examples for Update
 * Notification Details (`v8.0/notifications/mds/examples/updateNotificationDetails.md`).
 */
import type { ContractRequest } from './rules';

/** The keys of notifications.json's Notification a request may send (the rest are answers'). */
const ITEM_KEYS = [
	'channel_id',
	'notify_url',
	'events',
	'token',
	'fields',
	'notify_on_related_action',
	'return_affected_field_values',
	'_delete_events',
	'channel_expiry',
	'notification_condition',
];
/** `{Module}.{create|edit|delete|all}`, as the enable page lists the operations. */
const EVENT = /^[A-Za-z][A-Za-z0-9_]*\.(create|edit|delete|all)$/;
const CHANNEL_ID = /^\d{1,19}$/;
const MAX_TOKEN_LENGTH = 50;
/** At most 10 fields per condition (spec examples of updateNotificationDetails; PATCH caps `group` at 10). */
const MAX_CONDITION_FIELDS = 10;
/** notifications.json `channel_expiry`: format date-time (RFC 3339, fractions of a second allowed). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/;

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Problems of a POST, PUT or PATCH body's `watch` items (what the journal keeps of them). */
export function checkWatchBody(request: ContractRequest): string[] {
	const watch = request.body.kind === 'json' ? request.body.values?.watch : undefined;
	if (!Array.isArray(watch) || watch.length === 0)
		return ['"watch" must be a non-empty array of channels'];
	return watch.flatMap((item, index) => itemProblems(item, { index, method: request.method }));
}

function itemProblems(item: unknown, options: { index: number; method: string }): string[] {
	const at = `watch[${String(options.index)}]`;
	if (!isObject(item)) return [`${at} must be an object`];
	const problems = Object.keys(item)
		.filter((key) => !ITEM_KEYS.includes(key))
		.map((key) => `${at} has "${key}", which Zoho does not know`);
	const channelId = item.channel_id;
	if (!CHANNEL_ID.test(String(channelId ?? '')))
		problems.push(`${at}.channel_id is required: a number (a long)`);
	const events = item.events;
	if (!Array.isArray(events) || events.length === 0)
		problems.push(`${at}.events is required: a non-empty array`);
	else
		for (const event of events)
			if (typeof event !== 'string' || !EVENT.test(event))
				problems.push(`${at}.events has "${String(event)}": Module.create, .edit, .delete or .all`);
	const disabling = item._delete_events === true;
	if (item._delete_events !== undefined && !(disabling && options.method === 'PATCH'))
		problems.push(`${at}._delete_events is true, and only on PATCH (Disable Notification)`);
	if (!disabling && !(typeof item.notify_url === 'string' && /^https?:\/\//.test(item.notify_url)))
		problems.push(`${at}.notify_url is required: an http(s) URL`);
	if (item.token !== undefined && item.token !== null) {
		if (typeof item.token !== 'string' || item.token.length > MAX_TOKEN_LENGTH)
			problems.push(`${at}.token must be text of at most ${MAX_TOKEN_LENGTH} characters`);
	}
	const expiry = item.channel_expiry;
	if (expiry !== undefined && expiry !== null && !DATE_TIME.test(String(expiry)))
		problems.push(`${at}.channel_expiry must be a date-time with an offset (ISO 8601)`);
	for (const key of ['notify_on_related_action', 'return_affected_field_values'])
		if (item[key] !== undefined && typeof item[key] !== 'boolean')
			problems.push(`${at}.${key} must be true or false`);
	const conditions = item.notification_condition;
	if (conditions !== undefined && conditions !== null) {
		if (!Array.isArray(conditions)) problems.push(`${at}.notification_condition must be an array`);
		else
			conditions.forEach((condition, index) => {
				const where = `${at}.notification_condition[${String(index)}]`;
				if (
					!isObject(condition) ||
					condition.type !== 'field_selection' ||
					!isObject(condition.module) ||
					(condition.module.api_name === undefined && condition.module.id === undefined) ||
					!isObject(condition.field_selection)
				)
					problems.push(
						`${where} needs type "field_selection", module {api_name and/or id} and field_selection`,
					);
				else if (countFields(condition.field_selection) > MAX_CONDITION_FIELDS)
					problems.push(`${where}.field_selection names more than ${MAX_CONDITION_FIELDS} fields`);
			});
	}
	return problems;
}

/** The fields a field_selection names, however grouped. */
function countFields(node: unknown): number {
	if (!isObject(node)) return 0;
	if (isObject(node.field)) return 1;
	return Array.isArray(node.group)
		? node.group.reduce((sum: number, child) => sum + countFields(child), 0)
		: 0;
}
