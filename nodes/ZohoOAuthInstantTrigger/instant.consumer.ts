/**
 * The trigger's consumer: `trigger()` on n8n's leader (one per fleet, under the relay's
 * lease). It alone turns Zoho's callbacks into executions (one per callback), catches up
 * what no callback brought, keeps the channel alive by Zoho's clock, and writes the state
 * (static data, and the relay for the next consumer) before it emits.
 *
 * Every Check Interval (and at start): read what changed since the watermark (the polling
 * trigger's readChanges), emit what is new; learn Zoho's time from that answer; re-enable
 * the channel when less than half its week is left, when Zoho's time says it lapsed, or
 * when changes came that no callback brought and Zoho no longer lists it as wanted.
 */
import type { IDataObject, ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';

import type { ConsumerLease } from '../../zoho/relay/channelRelay';
import { readChanges } from '../../zoho/crm/records/changes';
import { readDeletions } from '../../zoho/crm/records/deletedRecords';
import {
	InstantLedger,
	type Announcement,
	type InstantEvent,
} from '../../zoho/crm/notifications/instantLedger';
import { renewalDue, type FieldCondition } from '../../zoho/crm/notifications/channel';
import type { TriggerRecord } from '../../zoho/crm/records/watermark';
import { WATCH_CRM_VERSION } from '../../zoho/crm/notifications/watchApi';
import { isZohoError, type ZohoErrorCode } from '../../zoho/errors';
import { pause } from '../../zoho/http/wait';
import { parseJsonBody } from '../../zoho/json';
import { toNodeError } from '../shared/nodeErrors';
import {
	channelAccess,
	enableFor,
	fieldCondition,
	listedAsWanted,
	readAnnouncement,
	type ChannelAccess,
} from './instant.channel';
import { callbackExecutions, deletedItem, fieldsToAsk, recordItem } from './instant.items';
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

export class InstantConsumer {
	private readonly stopped = new AbortController();
	private readonly signal = this.stopped.signal;
	private readonly wanted: ReadonlySet<InstantEvent>;
	/** Read once and kept (see fieldsToAsk); a failed read is not kept. */
	private fields?: string[];
	private access!: ChannelAccess;
	/** Set for each lease held: what this consumer has emitted, and the lease it writes under. */
	private ledger!: InstantLedger;
	private lease!: ConsumerLease;
	/** Fields to Watch with their ids, resolved at the first renewal and kept; a failed resolve is not kept. */
	private condition?: FieldCondition;
	private toldNoUrl = false;

	constructor(
		private readonly ctx: ITriggerFunctions,
		private readonly settings: InstantSettings,
	) {
		this.wanted = new Set(settings.events);
	}

	/** Runs in the background until n8n calls the close function. */
	start(): ITriggerResponse {
		const running = this.run();
		return {
			closeFunction: async () => {
				this.stopped.abort();
				await running;
			},
		};
	}

	/** Never rejects: a lasting failure is reported through emitError (n8n shows it, runs the error workflow, retries). */
	private async run(): Promise<void> {
		const { signal, settings } = this;
		try {
			this.access = await channelAccess(this.ctx, { settings, test: false, signal });
			const { relay, channelId: key } = this.access;
			while (!signal.aborted) {
				const lease = await relay.lease({ key, logger: this.ctx.logger });
				if (!lease) {
					// Another process consumes (a leader change): wait for its lease to end.
					await pause(LEASE_RETRY_MS, { signal }).catch((error: unknown) => {
						if (!signal.aborted) throw error;
					});
					continue;
				}
				this.lease = lease;
				try {
					await this.consume();
				} finally {
					await lease.release();
				}
			}
		} catch (error) {
			if (signal.aborted) return;
			this.ctx.emitError(toNodeError(this.ctx.getNode(), error));
		}
	}

	/** One lease's time: checks when due, delivers callbacks between. */
	private async consume(): Promise<void> {
		const { relay, channelId: key, runtime } = this.access;
		const { checkIntervalMs } = this.settings;
		this.ledger = await this.restore();
		let nextCheck = runtime.clock.now();
		let failures = 0;
		while (!this.signal.aborted && !this.lease.lost()) {
			const now = runtime.clock.now();
			if (now >= nextCheck) {
				const retryMs = Math.min(RETRY_BASE_MS * 2 ** failures, checkIntervalMs);
				const done = await this.attempt(() => this.check(), retryMs);
				failures = done ? 0 : failures + 1;
				// Counted from the check's start: a clock that jumped meanwhile (a host resumed) is seen at once.
				nextCheck = now + (done ? checkIntervalMs : retryMs);
			}
			const texts = await relay.take({
				key,
				max: BATCH,
				waitMs: Math.max(0, Math.min(nextCheck - runtime.clock.now(), MAX_WAIT_MS)),
				signal: this.signal,
				logger: this.ctx.logger,
			});
			if (texts.length === 0) continue;
			const delivered = await this.attempt(() => this.deliver(texts), RETRY_BASE_MS);
			// The callbacks are gone; the catch-up reads their changes soon.
			if (!delivered && this.settings.catchUp)
				nextCheck = Math.min(nextCheck, runtime.clock.now() + RETRY_BASE_MS);
		}
	}

	/**
	 * Runs a step: true when it worked, false after a passing failure (told to the log, to
	 * be tried again in `retryMs`) or once stopped. A lasting failure is thrown to run().
	 */
	private async attempt(step: () => Promise<void>, retryMs: number): Promise<boolean> {
		try {
			await step();
			return true;
		} catch (error) {
			if (this.signal.aborted) return false;
			if (!isZohoError(error) || !(error.retryable || PASSING.has(error.code)))
				throw toNodeError(this.ctx.getNode(), error);
			this.ctx.logger.warn(
				`Zoho OAuth Instant Trigger (${this.settings.target.module}): ${toNodeError(this.ctx.getNode(), error).message} Trying again in ${Math.round(retryMs / 1000)} s.`,
			);
			return false;
		}
	}

	/** The newest state of this module: static data, or what the last consumer left in the relay; else a fresh start. */
	private async restore(): Promise<InstantLedger> {
		const source = stateSource(this.settings);
		const relayed = await this.access.relay.loadState({
			key: this.access.channelId,
			logger: this.ctx.logger,
		});
		const stored = [this.staticData()[STATE_KEY], relayed && parseJsonBody(relayed)];
		return (
			InstantLedger.restore({ source, stored }) ??
			InstantLedger.start({
				source,
				startMs: this.settings.startFrom ?? this.access.runtime.clock.now(),
			})
		);
	}

	private staticData(): IDataObject {
		return this.ctx.getWorkflowStaticData('node');
	}

	private async fieldsToAsk(): Promise<string[]> {
		const { caller: api, runtime } = this.access;
		this.fields ??= await fieldsToAsk(this.settings, { api, listFields: runtime.listFields });
		return this.fields;
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
			await this.publish([items]);
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
		const executions = await callbackExecutions({
			api: this.access.caller,
			settings: this.settings,
			fields: () => this.fieldsToAsk(),
			ledger: this.ledger,
			texts,
		});
		await this.publish(executions);
	}

	/**
	 * Saves the state once (static data, and the relay under the lease), then emits each
	 * execution with items: the save covers every one of them.
	 */
	private async publish(executions: IDataObject[][]): Promise<void> {
		if (this.signal.aborted) return;
		const state = this.ledger.nextSave();
		this.staticData()[STATE_KEY] = state as unknown as IDataObject;
		await this.lease.save(JSON.stringify(state));
		for (const items of executions)
			if (items.length > 0) this.ctx.emit([this.ctx.helpers.returnJsonArray(items)]);
	}

	/** Keeps Zoho's channel as wanted for more than half a week, by Zoho's clock. */
	private async keepChannel(options: { missed: boolean }): Promise<void> {
		const channel = await this.knownChannel();
		if (!channel) return;
		const { access, settings } = this;
		const zohoNow = access.runtime.zohoClock.now();
		const { notifyUrl } = channel;
		const renew =
			channel.expiresAt === undefined ||
			renewalDue({ expiresAt: channel.expiresAt, zohoNow, crmVersion: WATCH_CRM_VERSION }) ||
			(options.missed &&
				!(await listedAsWanted({ access, settings, notifyUrl, test: false })).wanted);
		if (!renew) return;
		this.condition ??= await fieldCondition(access, settings);
		const { condition } = this;
		const { expiresAt } = await enableFor({ access, settings, notifyUrl, test: false, condition });
		const renewed: Announcement = { notifyUrl, expiresAt };
		this.ledger.state.channel = renewed;
		await access.relay.announce({ key: access.channelId, channel: JSON.stringify(renewed) });
		await this.publish([]);
	}

	/**
	 * The channel as the state and the webhook side know it. Only n8n's webhook side can
	 * read the notify URL; until it has told it (activation runs both in parallel on n8n
	 * 2.x), the channel is left to checkExists/create.
	 */
	private async knownChannel(): Promise<Announcement | undefined> {
		const announced = readAnnouncement(
			await this.access.relay.announced({ key: this.access.channelId, logger: this.ctx.logger }),
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
