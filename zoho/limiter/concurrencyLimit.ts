/**
 * Zoho's concurrency limit (per organisation and app: Free 5 … Ultimate 25) as slots: a
 * call takes one before it goes to Zoho and gives it back when the answer is in, waiting
 * (within its Timeout) instead of drawing a 429. The limiters are beside it: one for
 * this process, one for the whole fleet.
 */
import { ZohoApiError } from '../errors';
import type { Logger } from '../logger';

export type ReleaseSlot = () => void;

export interface AcquireOptions {
	/** Whose budget: calls with the same key share `limit` slots. */
	key: string;
	limit: number;
	/** How long to wait for a slot. */
	waitMs: number;
	/** How long a slot may be held before it counts as abandoned (a process that died with it). */
	holdMs: number;
	signal?: AbortSignal;
	logger?: Logger;
}

export interface ConcurrencyLimiter {
	acquire(options: AcquireOptions): Promise<ReleaseSlot>;
}

export function slotWaitError(options: { limit: number; waitMs: number }): ZohoApiError {
	return new ZohoApiError(
		'CONCURRENCY_WAIT',
		`No free slot within the Timeout (${options.waitMs} ms): the credential's Concurrency Limit (${options.limit} calls at once) was in use the whole time.`,
		{
			field: 'Concurrency Limit',
			hint:
				"Other items and executions (in this n8n process or, with a shared token store, in the whole fleet) used all of Zoho's concurrent-request budget. " +
				'Raise the Timeout, lower Max Concurrent Requests, or set the Concurrency Limit of the credential to your Zoho edition.',
		},
	);
}
