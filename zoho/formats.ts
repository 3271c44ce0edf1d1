/**
 * How Zoho writes the values every part of the package reads or sends, each in one place:
 * its date-times (whole seconds with an offset, as in its API docs' examples), its ids (digits, e.g. record, custom view, pipeline and channel
 * ids), and the comma lists a user types.
 */

/** Zoho's ids: digits only (records are 18 or 19 today; a little room for more). */
export const ZOHO_ID = /^\d{1,25}$/;

/** `2026-11-30T09:00:00+00:00`: Zoho's date-time form, whole seconds with an offset. */
export function zohoTime(at: Date | number): string {
	return `${new Date(at).toISOString().slice(0, 19)}+00:00`;
}

/** Zoho's time from an answer's `Date` header (whole seconds), or undefined without one. */
export function zohoTimeFrom(dateHeader: string | undefined): number | undefined {
	if (dateHeader === undefined) return undefined;
	const ms = Date.parse(dateHeader);
	return Number.isNaN(ms) ? undefined : ms;
}

/** The names in a comma list (or a list already split), trimmed, empty ones left out. */
export function commaList(value: unknown): string[] {
	const parts: unknown[] = Array.isArray(value) ? value : String(value ?? '').split(',');
	return parts.map((part) => String(part ?? '').trim()).filter((part) => part !== '');
}
