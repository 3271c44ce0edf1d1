/**
 * What an instant trigger has emitted, so that each change reaches the workflow once
 * whether a callback, the catch-up read, or both bring it, in any order, after restarts.
 *
 * - The watermark is the polling trigger's (watermark.ts): every change before its second
 *   is handled, and the ids handled at it. Only the catch-up read moves it: a callback can
 *   come late, early or never.
 * - From the watermark on, the ledger keeps the version of each record emitted: its
 *   Modified_Time (seconds) and a fingerprint of the values read. A version is new when it
 *   is past the watermark and not the ledger's; the fingerprint tells apart two versions
 *   of one second (a record created and at once edited), which Modified_Time cannot. A
 *   record changed again before its callback was fetched comes with its newer version;
 *   the later callback for that change then finds it emitted: one item per version Zoho
 *   still has, never two. Both reads ask for the same fields, so one version has one
 *   fingerprint.
 * - Deletions are kept by id for a while (Zoho sends one callback per deletion; a repeat
 *   must not emit twice). The catch-up reads Zoho's deleted-records list from a watermark
 *   of its own (deletedRecords.ts): an id a callback brought is not emitted again, nor a
 *   callback for an id the list brought first.
 *
 * The state is JSON (n8n's static data and the relay keep it); the consumer alone writes it.
 */
import { createHash } from 'node:crypto';

import { z } from 'zod';

import {
	initialWatermark,
	watermarkSchema,
	type TriggerRecord,
	type Watermark,
} from '../records/watermark';

export type InstantEvent = 'created' | 'edited' | 'deleted';

/** Ledger entries older than this (behind the newest) are dropped even without a catch-up. */
const LEDGER_SPAN_S = 7 * 24 * 60 * 60;
const MAX_VERSIONS = 20_000;
const MAX_DELETIONS = 2_000;

/**
 * The production channel as Zoho last confirmed it, as the webhook side also announces it
 * to the consumer: where Zoho sends, until when (Zoho time, ms).
 */
export const announcementSchema = z.object({
	notifyUrl: z.string(),
	expiresAt: z.number().optional(),
});
export type Announcement = z.infer<typeof announcementSchema>;

const stateSchema = z.object({
	/** What the state belongs to (module and events); a state of another is not used. */
	source: z.string(),
	watermark: watermarkSchema,
	/** Versions emitted from the watermark on: record id → `<Modified_Time, Unix seconds>:<fingerprint>`. */
	emitted: z.record(z.string()),
	/** Deletions emitted: record id → Zoho's time of the callback (or of the list read), Unix seconds. */
	deleted: z.record(z.number()),
	/** Where the catch-up of deletions reads Zoho's deleted-records list from; absent while the Deleted event is off (one not readable counts as absent). */
	deletedWatermark: watermarkSchema.optional().catch(undefined),
	channel: announcementSchema.optional(),
	/** One more at every save: of two copies (static data, the relay), the higher is newer. */
	seq: z.number().int(),
});
export type InstantState = z.infer<typeof stateSchema>;

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
			const parsed = stateSchema.safeParse(value);
			const state = parsed.success ? parsed.data : undefined;
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

	/** Where the catch-up of deletions reads from: its own watermark, or (the Deleted event just on) the records'. */
	get deletionsWatermark(): Watermark {
		return this.state.deletedWatermark ?? this.state.watermark;
	}

	/** The Deleted event is off: deletions are not followed, and turning it on starts from then. */
	forgetDeletions(): void {
		delete this.state.deletedWatermark;
	}

	/**
	 * A catch-up read of Zoho's deleted-records list returned the deletions past
	 * `deletionsWatermark` and the watermark past them: the ids no callback brought, which the
	 * ledger now holds.
	 */
	caughtUpDeletions(options: { ids: readonly string[]; next: Watermark }): string[] {
		const fresh = this.takeNewDeletions({ ids: options.ids, second: options.next.second });
		this.state.deletedWatermark = options.next;
		return fresh;
	}

	/** Whether a version of the record was emitted (since the watermark): a newer one is an edit. */
	knows(id: string): boolean {
		return id in this.state.emitted;
	}

	/** The versions among `records` not emitted yet, which the ledger now holds. */
	takeNewVersions(records: readonly TriggerRecord[]): TriggerRecord[] {
		const { watermark, emitted } = this.state;
		const handled = new Set(watermark.ids);
		const fresh: TriggerRecord[] = [];
		for (const record of records) {
			const second = secondOf(record.Modified_Time);
			if (second === undefined || second < watermark.second) continue;
			const version = `${second}:${fingerprint(record)}`;
			const known = emitted[record.id];
			if (known === undefined) {
				// Handled at the watermark second before this ledger knew it (an older state).
				if (second === watermark.second && handled.has(record.id)) continue;
			} else if (known === version || second < secondOfVersion(known)) continue;
			emitted[record.id] = version;
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
	 * past them: the versions no callback brought, each with its event (created after the
	 * watermark and never emitted, else edited), and the watermark moved. Versions the new
	 * watermark covers leave the ledger.
	 */
	caughtUp(options: { records: readonly TriggerRecord[]; next: Watermark }): Array<{
		record: TriggerRecord;
		event: 'created' | 'edited';
	}> {
		const since = this.state.watermark;
		const known = new Set(options.records.filter((r) => this.knows(r.id)).map((r) => r.id));
		const fresh = this.takeNewVersions(options.records).map((record) => ({
			record,
			event:
				!known.has(record.id) && createdSince(record, since)
					? ('created' as const)
					: ('edited' as const),
		}));
		this.state.watermark = options.next;
		this.prune();
		return fresh;
	}

	private prune(): void {
		const { emitted, deleted, watermark } = this.state;
		const seconds = Object.values(emitted).map(secondOfVersion);
		const newest = seconds.length > 0 ? Math.max(...seconds) : watermark.second;
		const floor = Math.max(watermark.second, newest - LEDGER_SPAN_S);
		for (const [id, version] of Object.entries(emitted))
			if (secondOfVersion(version) < floor) delete emitted[id];
		dropOldest(emitted, MAX_VERSIONS, secondOfVersion);
		dropOldest(deleted, MAX_DELETIONS, (second) => second);
	}
}

/** A created record: created after the watermark second, or at it and not handled then. */
function createdSince(record: TriggerRecord, since: Watermark): boolean {
	const created = secondOf(record.Created_Time);
	if (created === undefined) return false;
	return created > since.second || (created === since.second && !since.ids.includes(record.id));
}

function secondOf(value: unknown): number | undefined {
	const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
	return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

function secondOfVersion(version: string): number {
	return Number.parseInt(version, 10);
}

/** The values read, whatever the order of their keys. */
function fingerprint(record: TriggerRecord): string {
	const sorted = Object.keys(record)
		.sort()
		.map((key) => [key, record[key]]);
	return createHash('sha256').update(JSON.stringify(sorted)).digest('base64url').slice(0, 12);
}

function dropOldest<T>(
	entries: Record<string, T>,
	max: number,
	secondOf: (value: T) => number,
): void {
	const ids = Object.keys(entries);
	if (ids.length <= max) return;
	const at = (id: string) => secondOf(entries[id] as T);
	ids.sort((a, b) => at(a) - at(b));
	for (const id of ids.slice(0, ids.length - max)) delete entries[id];
}
