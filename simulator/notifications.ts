// Zoho CRM's instant notifications: the channels each DC holds, and the callbacks a change
// of records sends to them, as real HTTP POSTs to their notify URLs.
//
// Facts from Zoho's Notification API pages (crm/developer/docs/api/v8/notifications/*.html,
// and the v7 copies of enable.html and update-info.html): the callback body carries
// server_time (ms), query_params (the notify URL's query), module, resource_uri, ids,
// affected_fields ([{<id>: [fields]}], [] on insert), affected_values ([{record_id, values}],
// only with return_affected_field_values), operation (insert, update or delete), channel_id
// and token. Choices where Zoho is silent are listed in docs/instant-trigger.md.
import type { ClientRequest, IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Counters } from './counters';
import type { DcState } from './state';
import type {
	CrmRecord,
	DcId,
	NotificationChannel,
	NotificationOperation,
	SimConfig,
} from './types';

export type WatchOperation = 'create' | 'edit' | 'delete';

/** A field selection (`notification_condition`): a field, or fields joined by and/or. */
export type ConditionNode = { field: string } | { operator: 'and' | 'or'; nodes: ConditionNode[] };

/** A channel's subscription to one module: one row of `GET actions/watch`. */
export interface Subscription {
	channelId: string;
	/** The module's API name, as Zoho spells it. */
	module: string;
	/** `v8` etc.: the version it was enabled through, in its callbacks' resource_uri. */
	version: string;
	events: Set<WatchOperation>;
	notifyUrl: string;
	token: string | null;
	expiresAt: number;
	returnAffectedFieldValues: boolean;
	notifyOnRelatedAction: boolean;
	/** As sent (GET echoes it), and the tests it holds for this module. */
	condition?: { raw: unknown[]; tests: ConditionNode[] };
	/** Creation order, for GET. */
	seq: number;
}

export interface RecordChange {
	operation: NotificationOperation;
	module: string;
	id: string;
	/** Update: the fields whose value changed, with their new values. */
	changed?: Record<string, unknown>;
	/** The record was reached through a lookup of the record that changed (notify_on_related_action). */
	related?: boolean;
}

const OPERATION_EVENT: Readonly<Record<NotificationOperation, WatchOperation>> = {
	insert: 'create',
	update: 'edit',
	delete: 'delete',
};

/** Fields of every record that point at users, not at related records. */
const USER_FIELDS = new Set(['Owner', 'Created_By', 'Modified_By']);
/** Fields the server sets on every write: a change of these alone is not a change of data. */
const SERVER_FIELDS = new Set(['id', 'Created_Time', 'Modified_Time', 'Created_By', 'Modified_By']);

interface Batch {
	dc: DcState;
	changes: RecordChange[];
}

export interface NotificationHubOptions {
	now: () => number;
	config: () => SimConfig;
	/** The api_domain of a DC, for resource_uri. */
	apiDomain: (dc: DcId) => string;
	counters: Counters;
	/** A wait the simulator's stop() cancels. */
	sleep: (ms: number) => Promise<void>;
}

export class NotificationHub {
	private readonly channels = new Map<DcId, Map<string, Subscription>>();
	/** Changes of one API call (or one admin edit), sent together once it has been answered. */
	private readonly batches = new Map<object, Batch>();
	private readonly immediates = new Set<NodeJS.Immediate>();
	private readonly requests = new Set<ClientRequest>();
	/** Per subscription, the last callback sent: callbacks of a channel arrive in order. */
	private readonly chains = new Map<string, Promise<void>>();
	private readonly pending = new Set<Promise<void>>();
	private seq = 0;
	/** Moves on at every stop(), so a callback cut short by it is not counted as failed. */
	private generation = 0;

	constructor(private readonly options: NotificationHubOptions) {}

	/** The unexpired subscriptions of a DC, keyed `<channel id>:<module lower case>`; expired ones are dropped. */
	live(dc: DcState): Map<string, Subscription> {
		const now = this.options.now();
		const subscriptions = this.subscriptions(dc.id);
		for (const [key, subscription] of subscriptions)
			if (subscription.expiresAt <= now) subscriptions.delete(key);
		return subscriptions;
	}

	/** Stores (or replaces) a subscription. */
	put(dc: DcState, subscription: Omit<Subscription, 'seq'>): Subscription {
		const key = subscriptionKey(subscription.channelId, subscription.module);
		const stored = { ...subscription, seq: (this.seq += 1) };
		this.subscriptions(dc.id).set(key, stored);
		return stored;
	}

	remove(dc: DcState, subscription: Subscription): void {
		this.subscriptions(dc.id).delete(subscriptionKey(subscription.channelId, subscription.module));
	}

	/** Zoho forgot the channel (every module of it); false when it had none. */
	forget(dc: DcState, channelId: string): boolean {
		let found = false;
		for (const [key, subscription] of this.subscriptions(dc.id)) {
			if (subscription.channelId !== channelId) continue;
			this.subscriptions(dc.id).delete(key);
			found = true;
		}
		return found;
	}

	/** Every subscription held, expired ones included (until an API call drops them), oldest first. */
	list(dc: DcState): NotificationChannel[] {
		const now = this.options.now();
		return [...this.subscriptions(dc.id).values()]
			.sort((a, b) => a.seq - b.seq)
			.map((subscription) => ({
				dc: dc.id,
				channelId: subscription.channelId,
				module: subscription.module,
				version: subscription.version,
				events: [...subscription.events],
				notifyUrl: subscription.notifyUrl,
				token: subscription.token,
				expiresAt: subscription.expiresAt,
				active: subscription.expiresAt > now,
				returnAffectedFieldValues: subscription.returnAffectedFieldValues,
				notifyOnRelatedAction: subscription.notifyOnRelatedAction,
				notificationCondition: subscription.condition
					? structuredClone(subscription.condition.raw)
					: null,
			}));
	}

	activeChannels(): number {
		const now = this.options.now();
		let count = 0;
		for (const subscriptions of this.channels.values()) {
			const ids = new Set<string>();
			for (const subscription of subscriptions.values())
				if (subscription.expiresAt > now) ids.add(subscription.channelId);
			count += ids.size;
		}
		return count;
	}

	/**
	 * A record changed. Changes noted under the same `batch` (one API call, one admin edit)
	 * go out together, one callback per channel, module and operation, once the call that
	 * made them has been answered. Bigin has its own Notification API, not simulated here.
	 */
	note(options: {
		dc: DcState;
		batch: object;
		namespace: string;
		module: string;
		operation: NotificationOperation;
		record: CrmRecord;
		changed?: Record<string, unknown>;
	}): void {
		if (options.namespace !== 'crm') return;
		const batch = this.batchOf(options.dc, options.batch);
		batch.changes.push({
			operation: options.operation,
			module: options.module,
			id: options.record.id,
			...(options.changed ? { changed: options.changed } : {}),
		});
		for (const parent of relatedRecords(options.dc, options)) {
			batch.changes.push({ operation: 'update', ...parent, related: true });
		}
	}

	/** Resolves once every callback decided so far has been answered or has failed. */
	async settled(): Promise<void> {
		while (this.batches.size > 0 || this.pending.size > 0) {
			if (this.batches.size > 0) await new Promise((resolve) => setImmediate(resolve));
			else await Promise.allSettled([...this.pending]);
		}
	}

	/** Cancels what is scheduled and aborts callbacks in flight; channels stay. */
	stop(): void {
		this.generation += 1;
		for (const immediate of this.immediates) clearImmediate(immediate);
		this.immediates.clear();
		for (const request of this.requests) request.destroy();
		this.requests.clear();
		this.batches.clear();
		this.chains.clear();
		this.pending.clear();
	}

	private subscriptions(dc: DcId): Map<string, Subscription> {
		let subscriptions = this.channels.get(dc);
		if (!subscriptions) {
			subscriptions = new Map();
			this.channels.set(dc, subscriptions);
		}
		return subscriptions;
	}

	private batchOf(dc: DcState, key: object): Batch {
		let batch = this.batches.get(key);
		if (!batch) {
			const created: Batch = { dc, changes: [] };
			batch = created;
			this.batches.set(key, created);
			// After the handler that changed the records has sent its answer.
			const immediate = setImmediate(() => {
				this.immediates.delete(immediate);
				this.batches.delete(key);
				this.flush(created);
			});
			this.immediates.add(immediate);
		}
		return batch;
	}

	private flush(batch: Batch): void {
		const subscriptions = [...this.live(batch.dc).values()].sort((a, b) => a.seq - b.seq);
		for (const group of groupChanges(batch.changes)) {
			for (const subscription of subscriptions) {
				if (subscription.module.toLowerCase() !== group.module.toLowerCase()) continue;
				if (!subscription.events.has(OPERATION_EVENT[group.operation])) continue;
				const direct = group.direct.filter((change) => passes(subscription, change));
				const ids = direct.map((change) => change.id);
				if (subscription.notifyOnRelatedAction)
					for (const id of group.related) if (!ids.includes(id)) ids.push(id);
				if (ids.length === 0) continue;
				this.send(batch.dc, {
					subscription,
					operation: group.operation,
					ids,
					direct,
				});
			}
		}
	}

	private send(
		dc: DcState,
		options: {
			subscription: Subscription;
			operation: NotificationOperation;
			ids: string[];
			direct: RecordChange[];
		},
	): void {
		const { subscription, operation, ids } = options;
		const key = `${dc.id}:${subscriptionKey(subscription.channelId, subscription.module)}`;
		const previous = this.chains.get(key) ?? Promise.resolve();
		const generation = this.generation;
		const delivery = previous.then(async () => {
			await this.options.sleep(this.options.config().notifyDelayMs);
			const body = callbackBody({
				subscription,
				operation,
				ids,
				direct: options.direct,
				serverTime: this.options.now(),
				resourceUri: `${this.options.apiDomain(dc.id)}/crm/${subscription.version}/${subscription.module}`,
			});
			const status = await this.post(subscription.notifyUrl, body);
			if (generation !== this.generation) return;
			this.options.counters.recordDelivery({
				dc: dc.id,
				channelId: subscription.channelId,
				module: subscription.module,
				operation,
				ids: [...ids],
				status,
			});
		});
		this.chains.set(key, delivery);
		this.pending.add(delivery);
		void delivery.finally(() => {
			this.pending.delete(delivery);
			if (this.chains.get(key) === delivery) this.chains.delete(key);
		});
	}

	/** The notify URL's status, or 0 when it gave none in time. Zoho does not retry. */
	private post(url: string, body: unknown): Promise<number> {
		const target = new URL(url);
		const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
		const data = Buffer.from(JSON.stringify(body));
		return new Promise((resolve) => {
			const request = send(
				target,
				{
					method: 'POST',
					// One connection per callback: nothing stays open once the simulator stops.
					agent: false,
					timeout: this.options.config().notifyTimeoutMs,
					headers: {
						'Content-Type': 'application/json;charset=UTF-8',
						'Content-Length': String(data.length),
					},
				},
				(response: IncomingMessage) => {
					this.requests.delete(request);
					resolve(response.statusCode ?? 0);
					response.resume();
				},
			);
			this.requests.add(request);
			request.on('timeout', () => request.destroy(new Error('notify URL did not answer in time')));
			// Refused, reset or timed out: a failed delivery, counted by the caller.
			request.on('error', () => {
				this.requests.delete(request);
				resolve(0);
			});
			request.end(data);
		});
	}
}

export function subscriptionKey(channelId: string, module: string): string {
	return `${channelId}:${module.toLowerCase()}`;
}

/** The fields of `update` whose values differ from the record's, with their new values. */
export function changedFields(
	record: CrmRecord,
	update: Record<string, unknown>,
): Record<string, unknown> {
	const changed: Record<string, unknown> = {};
	for (const [field, value] of Object.entries(update)) {
		if (SERVER_FIELDS.has(field)) continue;
		if (JSON.stringify(record[field]) !== JSON.stringify(value)) changed[field] = value;
	}
	return changed;
}

/** True when the subscription's field selection lets this change through (updates only). */
function passes(subscription: Subscription, change: RecordChange): boolean {
	const tests = subscription.condition?.tests;
	if (change.operation !== 'update' || !tests || tests.length === 0) return true;
	const changed = new Set(Object.keys(change.changed ?? {}).map((field) => field.toLowerCase()));
	return tests.some((test) => holds(test, changed));
}

function holds(node: ConditionNode, changed: ReadonlySet<string>): boolean {
	if ('field' in node) return changed.has(node.field.toLowerCase());
	return node.operator === 'and'
		? node.nodes.every((child) => holds(child, changed))
		: node.nodes.some((child) => holds(child, changed));
}

interface ChangeGroup {
	module: string;
	operation: NotificationOperation;
	/** Records that changed themselves, once each (the last change counts). */
	direct: RecordChange[];
	/** Records reached through a lookup of a changed record. */
	related: string[];
}

function groupChanges(changes: readonly RecordChange[]): ChangeGroup[] {
	const groups = new Map<string, ChangeGroup>();
	for (const change of changes) {
		const key = `${change.module.toLowerCase()}|${change.operation}`;
		let group = groups.get(key);
		if (!group) {
			group = { module: change.module, operation: change.operation, direct: [], related: [] };
			groups.set(key, group);
		}
		if (change.related) {
			if (!group.related.includes(change.id)) group.related.push(change.id);
			continue;
		}
		const index = group.direct.findIndex((other) => other.id === change.id);
		if (index >= 0) group.direct.splice(index, 1);
		group.direct.push(change);
	}
	return [...groups.values()];
}

/**
 * The records a record points at through lookup fields (`{id, name}` values), in other
 * modules of the same DC: Zoho tells their channels too when notify_on_related_action is
 * on (Kaizen #170: a contact's update notifies its account).
 */
function relatedRecords(
	dc: DcState,
	options: { module: string; record: CrmRecord },
): Array<{ module: string; id: string }> {
	const found: Array<{ module: string; id: string }> = [];
	for (const [field, value] of Object.entries(options.record)) {
		if (USER_FIELDS.has(field) || typeof value !== 'object' || value === null) continue;
		const id = (value as Record<string, unknown>).id;
		if (typeof id !== 'string') continue;
		for (const [key, module] of dc.crm) {
			if (!key.startsWith('crm:') || module.apiName.toLowerCase() === options.module.toLowerCase())
				continue;
			if (module.byId.has(id)) found.push({ module: module.apiName, id });
		}
	}
	return found;
}

function callbackBody(options: {
	subscription: Subscription;
	operation: NotificationOperation;
	ids: string[];
	direct: RecordChange[];
	serverTime: number;
	resourceUri: string;
}): Record<string, unknown> {
	const { subscription, operation } = options;
	const updates = operation === 'update' ? options.direct : [];
	const body: Record<string, unknown> = { server_time: options.serverTime };
	if (subscription.returnAffectedFieldValues && operation === 'update') {
		body.affected_values = updates.map((change) => ({
			record_id: change.id,
			values: { ...change.changed },
		}));
	}
	Object.assign(body, {
		query_params: Object.fromEntries(new URL(subscription.notifyUrl).searchParams),
		module: subscription.module,
		resource_uri: options.resourceUri,
		ids: [...options.ids],
		affected_fields: updates.map((change) => ({ [change.id]: Object.keys(change.changed ?? {}) })),
		operation,
		channel_id: subscription.channelId,
		token: subscription.token,
	});
	return body;
}
