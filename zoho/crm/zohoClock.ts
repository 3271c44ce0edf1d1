/**
 * Zoho's time as this process last heard it: every answer's `Date` header tells how far
 * Zoho's clock is from ours. A channel lapses by Zoho's clock, so renewal is decided on
 * it, whatever this host's clock says.
 */
import type { ZohoApiClient } from '../api/apiClient';
import type { Clock } from '../clock';
import { headerValue } from '../http/transport';
import { zohoTimeFrom } from '../formats';

export class ZohoClock {
	/** Zoho's time minus ours, from the last answer with a Date header. */
	private offsetMs = 0;
	private heard = false;

	constructor(private readonly local: Clock) {}

	/** Learns Zoho's time from an answer (`zohoNow`: its Date header, parsed). */
	observe(zohoNow: number | undefined): void {
		if (zohoNow === undefined) return;
		this.offsetMs = zohoNow - this.local.now();
		this.heard = true;
	}

	/** Zoho's time now: ours plus the last offset heard (ours alone before any answer). */
	now(): number {
		return this.local.now() + this.offsetMs;
	}

	/** Whether any answer has told Zoho's time yet. */
	known(): boolean {
		return this.heard;
	}

	/**
	 * `api`, telling this clock the time of each answer it gets: for reads (the trigger's
	 * catch-up) that return records, not answers.
	 */
	listening(api: ZohoApiClient): ZohoApiClient {
		const listening = Object.create(api) as ZohoApiClient;
		listening.call = async (build, options) => {
			const result = await api.call(build, options);
			this.observe(zohoTimeFrom(headerValue(result.headers, 'date')));
			return result;
		};
		return listening;
	}
}
