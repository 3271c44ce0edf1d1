/**
 * What an instant trigger has emitted, so that each change reaches the workflow once
 * whether a callback, the catch-up read, or both bring it, in any order, after restarts.
 *
 * - The watermark is the polling trigger's (watermark.ts): every change before its second
 *   is handled, and the ids handled at it. Only the catch-up read moves it: a callback can
 *   come late, early or never.
 * - Above the watermark, the ledger keeps the version (Modified_Time, in seconds) of each
 *   record emitted. A version is new when it is past the watermark and newer than the
 *   ledger's. A record changed again before its callback was fetched comes with its newer
 *   version; the later callback for that change then finds it emitted: one item per
 *   version Zoho still has, never two.
 * - Deletions are kept by id for a while (Zoho sends one callback per deletion; a repeat
 *   must not emit twice).
 *
 * The state is JSON (n8n's static data and the relay keep it); the consumer alone writes it.
 */
import { z } from 'zod';

import { initialWatermark, readWatermark, type TriggerRecord, type Watermark } from './watermark';

export type InstantEvent = 'created' | 'edited' | 'deleted';

/** Ledger entries older than this (behind the newest) are dropped even without a catch-up. */
const LEDGER_SPAN_S = 7 * 24 * 60 * 60;
const MAX_VERSIONS = 20_000;
const MAX_DELETIONS = 2_000;

export interface InstantState {
	/** What the state belongs to (module and events); a state of another is not used. */
	source: string;
	watermark: Watermark;
	/** Versions emitted above the watermark: record id → Modified_Time, Unix seconds. */
	emitted: Record<string, number>;
	/** Deletions emitted: record id → Zoho's time of the callback, Unix seconds. */
	deleted: Record<string, number>;
	/** The production channel as Zoho last confirmed it. */
	channel?: { notifyUrl: string; expiresAt?: number };
	/** One more at every save: of two copies (static data, the relay), the higher is newer. */
	seq: number;
}

const stateSchema = z.object({
	source: z.string(),
	watermark: z.unknown(),
	emitted: z.record(z.number()),
	deleted: z.record(z.number()),
	channel: z.object({ notifyUrl: z.string(), expiresAt: z.number().optional() }).optional(),
	seq: z.number().int(),
});

export class InstantLedger {
	private constructor(readonly state: InstantState) {}

	/** A new ledger for `source`, from `startMs` on. */
	static start(options: { source: string; startMs: number }): InstantLedger {
		return new InstantLedger({
			source: options.source,
			watermark: initialWatermark(options.startMs),
			emitted: {},
			deleted: {},
			seq: 0,
		});
	}

	/** The newest of the stored copies that belongs to `source`, or undefined when none does. */
	static restore(options: {
		source: string;
		stored: readonly unknown[];
	}): InstantLedger | undefined {
		let newest: InstantState | undefined;
		for (const value of options.stored) {
			const state = readState(value);
			if (state?.source !== options.source) continue;
			if (!newest || state.seq > newest.seq) newest = state;
		}
		return newest && new InstantLedger(newest);
	}

	get watermark(): Watermark {
		return this.state.watermark;
	}

	/** The state to save, one `seq` further. */
	nextSave(): InstantState {
		this.state.seq += 1;
		return structuredClone(this.state);
	}

	/** The versions among `records` not emitted yet, which the ledger now holds. */
	takeNewVersions(records: readonly TriggerRecord[]): TriggerRecord[] {
		const { watermark, emitted } = this.state;
		const handled = new Set(watermark.ids);
		const fresh: TriggerRecord[] = [];
		for (const record of records) {
			const second = modifiedSecond(record);
			if (second === undefined || second < watermark.second) continue;
			if (second === watermark.second && handled.has(record.id)) continue;
			if ((emitted[record.id] ?? Number.NEGATIVE_INFINITY) >= second) continue;
			emitted[record.id] = second;
			fresh.push(record);
		}
		this.prune();
		return fresh;
	}

	/** The deleted ids not emitted yet (`second`: Zoho's time of the callback), which the ledger now holds. */
	takeNewDeletions(options: { ids: readonly string[]; second: number }): string[] {
		const fresh = [...new Set(options.ids)].filter((id) => !(id in this.state.deleted));
		for (const id of fresh) {
			this.state.deleted[id] = options.second;
			delete this.state.emitted[id];
		}
		this.prune();
		return fresh;
	}

	/**
	 * A catch-up read from the watermark returned `records` (oldest first) and the watermark
	 * past them: the versions no callback brought, each with its event, and the watermark
	 * moved. Versions the new watermark covers leave the ledger.
	 */
	caughtUp(options: { records: readonly TriggerRecord[]; next: Watermark }): Array<{
		record: TriggerRecord;
		event: 'created' | 'edited';
	}> {
		const since = this.state.watermark;
		const fresh = this.takeNewVersions(options.records).map((record) => ({
			record,
			event: createdSince(record, since) ? ('created' as const) : ('edited' as const),
		}));
		this.state.watermark = options.next;
		this.prune();
		return fresh;
	}

	private prune(): void {
		const { emitted, deleted, watermark } = this.state;
		const seconds = Object.values(emitted);
		const newest = seconds.length > 0 ? Math.max(...seconds) : watermark.second;
		const floor = Math.max(watermark.second, newest - LEDGER_SPAN_S);
		for (const [id, second] of Object.entries(emitted)) if (second < floor) delete emitted[id];
		dropOldest(emitted, MAX_VERSIONS);
		dropOldest(deleted, MAX_DELETIONS);
	}
}

/** A created record: created after the watermark second, or at it and not handled then. */
function createdSince(record: TriggerRecord, since: Watermark): boolean {
	const created = secondOf(record.Created_Time);
	if (created === undefined) return false;
	return created > since.second || (created === since.second && !since.ids.includes(record.id));
}

function modifiedSecond(record: TriggerRecord): number | undefined {
	return secondOf(record.Modified_Time);
}

function secondOf(value: unknown): number | undefined {
	const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
	return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

function dropOldest(entries: Record<string, number>, max: number): void {
	const ids = Object.keys(entries);
	if (ids.length <= max) return;
	ids.sort((a, b) => (entries[a] ?? 0) - (entries[b] ?? 0));
	for (const id of ids.slice(0, ids.length - max)) delete entries[id];
}

function readState(value: unknown): InstantState | undefined {
	const parsed = stateSchema.safeParse(value);
	if (!parsed.success) return undefined;
	const watermark = readWatermark(parsed.data.watermark);
	if (!watermark) return undefined;
	return { ...parsed.data, watermark };
}
