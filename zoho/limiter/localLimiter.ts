/** A semaphore per key inside this process: the Concurrency Limit without a shared store, and the Redis limiter's fallback. */
import { ZohoAbortError } from '../errors';
import { abortableWait } from '../http/wait';
import {
	slotWaitError,
	type AcquireOptions,
	type ConcurrencyLimiter,
	type ReleaseSlot,
} from './concurrencyLimit';

/** One key's slots: how many are taken, and who waits for one (each a grant). */
interface Slots {
	active: number;
	waiters: Array<() => void>;
}

/** A semaphore per key inside this process. */
export class LocalLimiter implements ConcurrencyLimiter {
	private readonly slotsByKey = new Map<string, Slots>();

	/** Slots in use for `key` (what tests look at). */
	active(key: string): number {
		return this.slotsByKey.get(key)?.active ?? 0;
	}

	acquire(options: AcquireOptions): Promise<ReleaseSlot> {
		if (options.signal?.aborted) return Promise.reject(new ZohoAbortError());
		let slots = this.slotsByKey.get(options.key);
		if (!slots) {
			slots = { active: 0, waiters: [] };
			this.slotsByKey.set(options.key, slots);
		}
		if (slots.active < options.limit) {
			slots.active++;
			return Promise.resolve(this.releaser(options.key, slots));
		}
		return this.wait(options, slots);
	}

	private wait(options: AcquireOptions, slots: Slots): Promise<ReleaseSlot> {
		return abortableWait<ReleaseSlot>({
			signal: options.signal,
			timeout: { ms: options.waitMs, end: () => ({ error: slotWaitError(options) }) },
			start: (end) => {
				const grant = () => end({ value: this.releaser(options.key, slots) });
				slots.waiters.push(grant);
				return () => {
					const index = slots.waiters.indexOf(grant);
					if (index >= 0) slots.waiters.splice(index, 1);
				};
			},
		});
	}

	/** Gives the slot to the next waiter, else frees it; a second call does nothing. */
	private releaser(key: string, slots: Slots): ReleaseSlot {
		let released = false;
		return () => {
			if (released) return;
			released = true;
			const next = slots.waiters[0];
			if (next) return next();
			slots.active--;
			if (slots.active === 0 && this.slotsByKey.get(key) === slots) this.slotsByKey.delete(key);
		};
	}
}
