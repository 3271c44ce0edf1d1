/**
 * Where a polling trigger stands in a CRM/Bigin module, as pure functions of the
 * records Zoho returned and the state kept between polls (n8n's static data).
 *
 * Zoho's times have one-second resolution and `If-Modified-Since` means "after", so
 * several records can share the last second a poll saw, and more can arrive in that
 * second after the poll. The watermark therefore keeps that second and the ids already
 * handled at it; the next poll asks from one second earlier and skips those ids. A
 * record changed again in a later second is new again; one changed again within the
 * same second cannot be told apart (its time is the same) and is not emitted twice.
 */
import { z } from 'zod';

import { ZohoTransportError } from '../../errors';
import { zohoTime } from '../../formats';

export type TriggerEvent = 'createdOrUpdated' | 'created';

/** The time that orders each event's records in a test run: any change moves Modified_Time, a creation sets Created_Time. */
export const TRIGGER_TIME_FIELD = {
	createdOrUpdated: 'Modified_Time',
	created: 'Created_Time',
} as const satisfies Record<TriggerEvent, string>;

/** Every change before `second` (Unix time in seconds) is handled; at `second`, the records in `ids`. JSON-safe (n8n stores it). */
export const watermarkSchema = z.object({ second: z.number().int(), ids: z.array(z.string()) });
export type Watermark = z.infer<typeof watermarkSchema>;

export interface TriggerRecord {
	id: string;
	[field: string]: unknown;
}

/** A watermark starting at `ms`: changes from that second on are new. */
export function initialWatermark(ms: number): Watermark {
	return { second: Math.floor(ms / 1000), ids: [] };
}

/** Reads a watermark back from static data; undefined when there is none or it is not one of ours. */
export function readWatermark(value: unknown): Watermark | undefined {
	return watermarkSchema.safeParse(value).data;
}

/**
 * The `If-Modified-Since` value for a watermark: one second before it, because Zoho
 * returns what changed after that time and the watermark second itself must be read
 * again. ISO 8601 with offset, as Zoho writes its own times.
 */
export function modifiedSinceHeader(watermark: Watermark): string {
	return zohoTime((watermark.second - 1) * 1000);
}

/**
 * Which of `records` (as Zoho listed them, oldest first by Modified_Time) are new to the
 * trigger, and the watermark after them. Every change moves Modified_Time, so this one
 * stream serves both events. Throws when a record has no id or no readable
 * Modified_Time: the watermark cannot move past what it cannot place.
 */
export function advanceWatermark(
	watermark: Watermark,
	options: { records: readonly unknown[]; field?: string },
): { fresh: TriggerRecord[]; next: Watermark } {
	// Deleted records are placed by their deleted_time (deletedRecords.ts).
	const field = options.field ?? 'Modified_Time';
	const handled = new Set(watermark.ids);
	const seen = new Set<string>();
	const fresh: TriggerRecord[] = [];
	let second = watermark.second;
	const atSecond: string[] = [];
	for (const value of options.records) {
		const record = checkRecord(value, field);
		const time = secondOf(record, field);
		if (time < watermark.second) continue;
		if (time === watermark.second && handled.has(record.id)) continue;
		// The same version twice in one walk (pages shifted while Zoho listed them).
		const key = `${record.id}@${time}`;
		if (seen.has(key)) continue;
		seen.add(key);
		fresh.push(record);
		if (time > second) {
			second = time;
			atSecond.length = 0;
		}
		if (time === second) atSecond.push(record.id);
	}
	// Still at the same second: the ids handled there before stay handled.
	const kept = second === watermark.second ? watermark.ids : [];
	return { fresh, next: { second, ids: [...new Set([...kept, ...atSecond])] } };
}

/**
 * The records among `fresh` (read after `since`, the watermark the poll started from)
 * that were created since: Created_Time after the watermark second, or at it and not
 * handled then. Anything created earlier was seen by an earlier poll (a record's first
 * Modified_Time is its Created_Time). Each record once, however often it changed since.
 */
export function createdAmong(
	fresh: readonly TriggerRecord[],
	options: { since: Watermark },
): TriggerRecord[] {
	const handled = new Set(options.since.ids);
	const emitted = new Set<string>();
	return fresh.filter((record) => {
		const created = secondOf(record, 'Created_Time');
		const isNew =
			created > options.since.second ||
			(created === options.since.second && !handled.has(record.id));
		if (!isNew || emitted.has(record.id)) return false;
		emitted.add(record.id);
		return true;
	});
}

/** True when `next` is past `previous`: something was handled (a walk that makes no progress must stop). */
export function watermarkMoved(previous: Watermark, next: Watermark): boolean {
	return next.second !== previous.second || next.ids.length !== previous.ids.length;
}

function checkRecord(value: unknown, field: string): TriggerRecord {
	const id = (value as { id?: unknown } | null | undefined)?.id;
	if (typeof id !== 'string' && typeof id !== 'number')
		throw unreadable(`a record without an id`, field);
	return { ...(value as Record<string, unknown>), id: String(id) };
}

function secondOf(record: TriggerRecord, field: string): number {
	const value = record[field];
	const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
	if (Number.isNaN(ms)) throw unreadable(`record ${record.id} without a readable ${field}`, field);
	return Math.floor(ms / 1000);
}

function unreadable(what: string, field: string): ZohoTransportError {
	return new ZohoTransportError(
		'INVALID_RESPONSE',
		`Zoho listed ${what}, so the trigger cannot tell what is new.`,
		{
			hint: `The trigger needs id and ${field} in every record. If Fields is set, keep them in it (the trigger adds them itself unless an expression removes them).`,
		},
	);
}
