/**
 * Zoho's concurrency limit (per organisation and app: Free 5 … Ultimate 25) as
 * slots: a call takes one before it goes to Zoho and gives it back when the answer
 * is in, waiting (within its Timeout) instead of drawing a 429. The in-process
 * limiter counts one process's calls; the Redis one (redisStore.ts) the whole
 * fleet's.
 */
import { ZohoAbortError, ZohoApiError } from '../errors';

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

interface Waiter {
	grant: () => void;
}

interface Pool {
	active: number;
	waiters: Waiter[];
}

/** A semaphore per key inside this process. */
export class LocalLimiter implements ConcurrencyLimiter {
	private readonly pools = new Map<string, Pool>();

	/** Slots in use for `key` (for tests and the fallback's bookkeeping). */
	active(key: string): number {
		return this.pools.get(key)?.active ?? 0;
	}

	acquire(options: AcquireOptions): Promise<ReleaseSlot> {
		if (options.signal?.aborted) return Promise.reject(new ZohoAbortError());
		let pool = this.pools.get(options.key);
		if (!pool) {
			pool = { active: 0, waiters: [] };
			this.pools.set(options.key, pool);
		}
		if (pool.active < options.limit) {
			pool.active++;
			return Promise.resolve(this.releaser(options.key, pool));
		}
		return this.wait(options, pool);
	}

	private wait(options: AcquireOptions, pool: Pool): Promise<ReleaseSlot> {
		const { signal } = options;
		return new Promise<ReleaseSlot>((resolve, reject) => {
			const leave = () => {
				clearTimeout(timer);
				signal?.removeEventListener('abort', onAbort);
				const index = pool.waiters.indexOf(waiter);
				if (index >= 0) pool.waiters.splice(index, 1);
			};
			const waiter: Waiter = {
				grant: () => {
					leave();
					resolve(this.releaser(options.key, pool));
				},
			};
			const onAbort = () => {
				leave();
				reject(new ZohoAbortError());
			};
			const timer = setTimeout(() => {
				leave();
				reject(slotWaitError(options));
			}, options.waitMs);
			signal?.addEventListener('abort', onAbort, { once: true });
			pool.waiters.push(waiter);
		});
	}

	/** Gives the slot to the next waiter, else frees it; a second call does nothing. */
	private releaser(key: string, pool: Pool): ReleaseSlot {
		let released = false;
		return () => {
			if (released) return;
			released = true;
			const next = pool.waiters[0];
			if (next) {
				next.grant();
				return;
			}
			pool.active--;
			if (pool.active === 0 && this.pools.get(key) === pool) this.pools.delete(key);
		};
	}
}
