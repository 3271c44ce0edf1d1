/**
 * The trigger's consumer: `trigger()` on n8n's leader (one per fleet, under the relay's
 * lease). It alone turns Zoho's callbacks into executions (one per callback), catches up
 * what no callback brought, keeps the channel alive by Zoho's clock, and writes the state
 * (static data, and the relay for the next consumer) before each emit.
 *
 * Every Check Interval (and at start): read what changed since the watermark (the polling
 * trigger's readChanges), emit what is new; learn Zoho's time from that answer; re-enable
 * the channel when less than half its week is left, when Zoho's time says it lapsed, or
 * when changes came that no callback brought and Zoho no longer lists it as wanted.
 */
import type { IDataObject, ITriggerFunctions } from 'n8n-workflow';

import type { ConsumerLease } from '../../zoho/channelRelay';
import { readChanges } from '../../zoho/crm/changes';
import { readDeletions } from '../../zoho/crm/deletedChanges';
import { InstantLedger, type InstantEvent } from '../../zoho/crm/instantLedger';
import { channelHealth, renewalDue, type FieldCondition } from '../../zoho/crm/notifications';
import { fetchRecordsById } from '../../zoho/crm/recordsById';
import type { TriggerRecord } from '../../zoho/crm/watermark';
import { findChannel, WATCH_CRM_VERSION } from '../../zoho/crm/watchApi';
import type { ZohoClock } from '../../zoho/crm/zohoClock';
import { isZohoError, type ZohoErrorCode } from '../../zoho/errors';
import { pause } from '../../zoho/http/wait';
import { parseJsonBody } from '../../zoho/json';
import { toNodeError } from '../shared/nodeErrors';
import {
	channelAccess,
	enableFor,
	fieldCondition,
	readAnnouncement,
	type Announcement,
	type ChannelAccess,
} from './instant.channel';
import {
	callbackEvent,
	deletedItem,
	FieldsToAsk,
	recordItem,
	relayedCallback,
} from './instant.items';
import { stateSource, type InstantSettings } from './instant.settings';

/** Longest wait between looks at the clock: a check falls due at most this late. */
const MAX_WAIT_MS = 1_000;
const LEASE_RETRY_MS = 5_000;
/** Callbacks taken (and their records fetched) together. */
const BATCH = 100;
/** A check that failed for a passing reason is tried again after 1, 2, 4 … minutes, at most the interval. */
const RETRY_BASE_MS = 60_000;
/** Where the state sits in the node's static data. */
const STATE_KEY = 'instant';

/** Failures that pass by themselves: the channel has days left, the next try will do. */
const PASSING: ReadonlySet<ZohoErrorCode> = new Set([
	'RATE_LIMITED',
	'SERVER_ERROR',
	'NETWORK_ERROR',
	'CONNECTION_REFUSED',
	'PROXY_ERROR',
	'TIMEOUT',
	'TOKEN_THROTTLED',
	'TOKEN_COOLDOWN',
	'TOKEN_REQUEST_FAILED',
	'CONCURRENCY_WAIT',
	'INVALID_RESPONSE',
]);

function passing(error: unknown): boolean {
	return isZohoError(error) && (error.retryable || PASSING.has(error.code));
}

export class InstantConsumer {
	private readonly stopped = new AbortController();
	private running?: Promise<void>;

	constructor(
		private readonly ctx: ITriggerFunctions,
		private readonly settings: InstantSettings,
	) {}

	start(): void {
		this.running = this.run();
	}

	async close(): Promise<void> {
		this.stopped.abort();
		await this.running;
	}

	/** Never rejects: a lasting failure is reported through emitError (n8n shows it, runs the error workflow, retries). */
	private async run(): Promise<void> {
		const signal = this.stopped.signal;
		try {
			const access = await channelAccess(this.ctx, {
				settings: this.settings,
				test: false,
				signal,
			});
			while (!signal.aborted) {
				const lease = await this.acquire(access);
				if (!lease) return;
				try {
					await new Session({
						ctx: this.ctx,
						settings: this.settings,
						access,
						lease,
						signal,
					}).run();
				} finally {
					await lease.release();
				}
			}
		} catch (error) {
			if (signal.aborted) return;
			this.ctx.emitError(toNodeError(this.ctx.getNode(), error));
		}
	}

	/** The consumer lease, waited for while another process holds it (a leader change); undefined once stopped. */
	private async acquire(access: ChannelAccess): Promise<ConsumerLease | undefined> {
		const signal = this.stopped.signal;
		while (!signal.aborted) {
			const lease = await access.relay.lease({ key: access.key, logger: this.ctx.logger });
			if (lease) return lease;
			await pause(LEASE_RETRY_MS, { signal }).catch((error: unknown) => {
				// Stopped while waiting: the loop ends.
				if (!signal.aborted) throw error;
			});
		}
		return undefined;
	}
}

interface SessionOptions {
	ctx: ITriggerFunctions;
	settings: InstantSettings;
	access: ChannelAccess;
	lease: ConsumerLease;
	signal: AbortSignal;
}

/** One consumer's time under one lease. */
class Session {
	private readonly ctx: ITriggerFunctions;
	private readonly settings: InstantSettings;
	private readonly access: ChannelAccess;
	private readonly lease: ConsumerLease;
	private readonly signal: AbortSignal;
	private readonly zohoClock: ZohoClock;
	private readonly fields: FieldsToAsk;
	private readonly wanted: ReadonlySet<InstantEvent>;
	private ledger!: InstantLedger;
	private condition?: Promise<FieldCondition | undefined>;
	private toldNoUrl = false;

	constructor(options: SessionOptions) {
		this.ctx = options.ctx;
		this.settings = options.settings;
		this.access = options.access;
		this.lease = options.lease;
		this.signal = options.signal;
		this.zohoClock = options.access.runtime.zohoClock;
		this.fields = new FieldsToAsk(options.settings);
		this.wanted = new Set(options.settings.events);
	}

	private now(): number {
		return this.access.runtime.clock.now();
	}

	async run(): Promise<void> {
		this.ledger = await this.restore();
		let nextCheck = this.now();
		let failures = 0;
		while (!this.signal.aborted && !this.lease.lost()) {
			const now = this.now();
			if (now >= nextCheck) {
				const wait = await this.attempt(() => this.check(), failures);
				failures = wait === undefined ? 0 : failures + 1;
				// Counted from the check's start: a clock that jumped meanwhile (a host resumed) is seen at once.
				nextCheck = now + (wait ?? this.settings.checkIntervalMs);
			}
			const callbacks = await this.access.relay.take({
				key: this.access.key,
				max: BATCH,
				waitMs: Math.max(0, Math.min(nextCheck - this.now(), MAX_WAIT_MS)),
				signal: this.signal,
				logger: this.ctx.logger,
			});
			if (callbacks.length === 0) continue;
			const failed = await this.attempt(() => this.deliver(callbacks), 0);
			// The callbacks are gone; the catch-up reads their changes soon.
			if (failed !== undefined && this.settings.catchUp)
				nextCheck = Math.min(nextCheck, this.now() + failed);
		}
	}

	/**
	 * Runs a step: undefined when it worked, else how long to wait before trying again (a
	 * passing failure, told to the log). A lasting failure is thrown to run().
	 */
	private async attempt(step: () => Promise<void>, failures: number): Promise<number | undefined> {
		try {
			await step();
			return undefined;
		} catch (error) {
			if (this.signal.aborted) return 0;
			if (!passing(error)) throw toNodeError(this.ctx.getNode(), error);
			const wait = Math.min(RETRY_BASE_MS * 2 ** failures, this.settings.checkIntervalMs);
			this.ctx.logger.warn(
				`Zoho OAuth Instant Trigger (${this.settings.target.module}): ${toNodeError(this.ctx.getNode(), error).message} Trying again in ${Math.round(wait / 1000)} s.`,
			);
			return wait;
		}
	}

	/** The newest state of this module: static data, or what the last consumer left in the relay; else a fresh start. */
	private async restore(): Promise<InstantLedger> {
		const source = stateSource(this.settings);
		const relayed = await this.access.relay.loadState({
			key: this.access.key,
			logger: this.ctx.logger,
		});
		const stored = [this.staticData()[STATE_KEY], relayed && parseJsonBody(relayed)];
		return (
			InstantLedger.restore({ source, stored }) ??
			InstantLedger.start({ source, startMs: this.settings.startFrom ?? this.now() })
		);
	}

	private staticData(): IDataObject {
		return this.ctx.getWorkflowStaticData('node');
	}

	private async fieldsToAsk(): Promise<string[]> {
		return this.fields.get({ api: this.access.caller, listFields: this.access.runtime.listFields });
	}

	private async check(): Promise<void> {
		let missed = false;
		if (this.settings.catchUp) {
			const { records, next } = await readChanges(
				{ api: this.access.caller },
				{
					source: {
						...this.settings.target,
						event: 'createdOrUpdated',
						fields: await this.fieldsToAsk(),
					},
					watermark: this.ledger.watermark,
				},
			);
			const items = this.ledger.caughtUp({ records, next }).flatMap(({ record, event }) => {
				const wanted = this.caughtUpEvent(record, event);
				return wanted ? [recordItem(record, { event: wanted, changedValues: false })] : [];
			});
			items.push(...(await this.caughtUpDeletions()));
			missed = items.length > 0;
			await this.publish(items);
		}
		await this.keepChannel({ missed });
	}

	/** The deletions no callback brought, from Zoho's deleted-records list (when the Deleted event is on). */
	private async caughtUpDeletions(): Promise<IDataObject[]> {
		if (!this.wanted.has('deleted')) {
			this.ledger.forgetDeletions();
			return [];
		}
		const { records, next } = await readDeletions(this.access.caller, {
			target: this.settings.target,
			watermark: this.ledger.deletionsWatermark,
		});
		const ids = this.ledger.caughtUpDeletions({ ids: records.map((r) => r.id), next });
		return ids.map((id) => deletedItem(id, this.settings.target.module));
	}

	/**
	 * The event a caught-up record is emitted as, if the trigger wants it. Without Fields to
	 * Watch edits are caught up; with them, only new records (which fields changed is not
	 * known here). A record created and edited since, wanted as an edit only, is an edit.
	 */
	private caughtUpEvent(
		record: TriggerRecord,
		event: 'created' | 'edited',
	): InstantEvent | undefined {
		const edits = this.wanted.has('edited') && !this.settings.condition;
		if (event === 'created' && this.wanted.has('created')) return 'created';
		if (event === 'edited') return edits ? 'edited' : undefined;
		const later =
			Date.parse(String(record.Modified_Time)) - Date.parse(String(record.Created_Time));
		return edits && later >= 1000 ? 'edited' : undefined;
	}

	/** One execution per callback, with the records of all taken callbacks fetched together. */
	private async deliver(texts: string[]): Promise<void> {
		const callbacks = texts.flatMap((text) => relayedCallback(text, this.settings) ?? []);
		const ids = callbacks
			.filter((callback) => callback.operation !== 'delete')
			.flatMap((c) => c.ids);
		const records =
			ids.length === 0
				? new Map()
				: await fetchRecordsById(this.access.caller, {
						target: this.settings.target,
						ids,
						fields: await this.fieldsToAsk(),
					});
		let emitted = false;
		for (const callback of callbacks) {
			const event = callbackEvent(callback);
			let items: IDataObject[];
			if (event === 'deleted') {
				const fresh = this.ledger.takeNewDeletions({
					ids: callback.ids,
					second: Math.floor(callback.server_time / 1000),
				});
				items = this.wanted.has('deleted')
					? fresh.map((id) => deletedItem(id, this.settings.target.module))
					: [];
			} else {
				const found = callback.ids.flatMap((id) => records.get(id) ?? []);
				// A record emitted before is fetched in a newer version: an edit, whatever the callback was for.
				const known = new Set(found.filter((r) => this.ledger.knows(r.id)).map((r) => r.id));
				items = this.ledger.takeNewVersions(found).flatMap((record) => {
					const as = known.has(record.id) ? 'edited' : event;
					return this.wanted.has(as)
						? [
								recordItem(record, {
									event: as,
									callback,
									changedValues: this.settings.changedValues,
								}),
							]
						: [];
				});
			}
			if (items.length > 0) emitted = true;
			await this.publish(items);
		}
		if (!emitted) await this.publish([]);
	}

	/** Saves the state (static data, and the relay under the lease), then emits `items` as one execution, if any. */
	private async publish(items: IDataObject[]): Promise<void> {
		if (this.signal.aborted) return;
		const state = this.ledger.nextSave();
		this.staticData()[STATE_KEY] = state as unknown as IDataObject;
		await this.lease.save(JSON.stringify(state));
		if (items.length > 0) this.ctx.emit([this.ctx.helpers.returnJsonArray(items)]);
	}

	/** Keeps Zoho's channel as wanted for more than half a week, by Zoho's clock. */
	private async keepChannel(options: { missed: boolean }): Promise<void> {
		const channel = await this.knownChannel();
		if (!channel) return;
		const zohoNow = this.zohoClock.now();
		let renew =
			channel.expiresAt === undefined ||
			renewalDue({ expiresAt: channel.expiresAt, zohoNow, crmVersion: WATCH_CRM_VERSION });
		if (!renew && options.missed) renew = !(await this.listedAsWanted(channel));
		if (!renew) return;
		this.condition ??= fieldCondition(this.access, this.settings);
		const { expiresAt } = await enableFor({
			access: this.access,
			settings: this.settings,
			notifyUrl: channel.notifyUrl,
			test: false,
			condition: await this.condition,
		});
		const renewed: Announcement = {
			notifyUrl: channel.notifyUrl,
			...(expiresAt ? { expiresAt } : {}),
		};
		this.ledger.state.channel = renewed;
		await this.access.relay.announce({ key: this.access.key, channel: JSON.stringify(renewed) });
		await this.publish([]);
	}

	/** Changes came that no callback brought: does Zoho still list the channel as wanted? */
	private async listedAsWanted(channel: Announcement): Promise<boolean> {
		const row = await findChannel(this.access.caller, {
			channelId: this.access.channelId,
			module: this.settings.target.module,
		});
		const health = channelHealth({
			row,
			wanted: {
				channelId: this.access.channelId,
				module: this.settings.target.module,
				events: this.settings.watchEvents,
				notifyUrl: channel.notifyUrl,
				token: this.access.token,
			},
			zohoNow: this.zohoClock.now(),
			crmVersion: WATCH_CRM_VERSION,
		});
		return health === 'ok';
	}

	/**
	 * The channel as the state and the webhook side know it. Only n8n's webhook side can
	 * read the notify URL; until it has told it (activation runs both in parallel on n8n
	 * 2.x), the channel is left to checkExists/create.
	 */
	private async knownChannel(): Promise<Announcement | undefined> {
		const announced = readAnnouncement(
			await this.access.relay.announced({ key: this.access.key, logger: this.ctx.logger }),
		);
		const kept = this.ledger.state.channel;
		let channel: Announcement | undefined = kept;
		if (announced && announced.notifyUrl !== kept?.notifyUrl) channel = announced;
		else if (announced?.expiresAt !== undefined && kept)
			channel = { ...kept, expiresAt: Math.max(announced.expiresAt, kept.expiresAt ?? 0) };
		if (!channel) {
			if (!this.toldNoUrl)
				this.ctx.logger.warn(
					'Zoho OAuth Instant Trigger: n8n has not told the webhook URL yet; the channel is renewed once it has.',
				);
			this.toldNoUrl = true;
			return undefined;
		}
		this.ledger.state.channel = channel;
		return channel;
	}
}
