/**
 * Zoho's time as this process last heard it: every answer's `Date` header tells how far
 * Zoho's clock is from ours (the API client tells it of each answer). A channel lapses by
 * Zoho's clock, so renewal is decided on it, whatever this host's clock says.
 */
import type { Clock } from '../clock';
import { zohoTimeFrom } from '../formats';

export class ZohoClock {
	/** Zoho's time minus ours, from the last answer with a Date header. */
	private offsetMs = 0;

	constructor(private readonly local: Clock) {}

	/** Learns Zoho's time from an answer's Date header. */
	observe(dateHeader: string | undefined): void {
		const zohoNow = zohoTimeFrom(dateHeader);
		if (zohoNow === undefined) return;
		this.offsetMs = zohoNow - this.local.now();
	}

	/** Zoho's time now: ours plus the last offset heard (ours alone before any answer). */
	now(): number {
		return this.local.now() + this.offsetMs;
	}
}
