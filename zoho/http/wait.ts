/**
 * The one way the core waits for something that may not come in time: the pause between
 * tries, a token another caller is fetching, a concurrency slot. The caller's signal (the
 * execution's cancel) ends every wait at once with a ZohoAbortError.
 */
import { ZohoAbortError } from '../errors';

type WaitEnd<T> = { value: T } | { error: unknown };

/**
 * Waits until `start`'s `end` is called, the signal aborts, or the timeout passes. What
 * `start` returns undoes it, once, however the wait ends.
 */
export function abortableWait<T>(options: {
	start: (end: (outcome: WaitEnd<T>) => void) => () => void;
	signal?: AbortSignal;
	/** The call the wait belongs to, named by the cancel error. */
	url?: string;
	/** After `ms`, the wait ends as `end` says. */
	timeout?: { ms: number; end: () => WaitEnd<T> };
	/** Runs after a cancel, once the start is undone: e.g. to stop work nobody waits for any more. */
	onCancel?: () => void;
}): Promise<T> {
	const { signal } = options;
	if (signal?.aborted) return Promise.reject(new ZohoAbortError(options.url));
	return new Promise<T>((resolve, reject) => {
		let ended = false;
		let undo: (() => void) | undefined;
		const end = (outcome: WaitEnd<T>): void => {
			if (ended) return;
			ended = true;
			clearTimeout(timer);
			signal?.removeEventListener('abort', onAbort);
			undo?.();
			if ('value' in outcome) resolve(outcome.value);
			else reject(outcome.error);
		};
		const onAbort = (): void => {
			if (ended) return;
			end({ error: new ZohoAbortError(options.url) });
			options.onCancel?.();
		};
		const { timeout } = options;
		const timer = timeout && setTimeout(() => end(timeout.end()), timeout.ms);
		signal?.addEventListener('abort', onAbort, { once: true });
		const undoStart = options.start(end);
		if (ended) undoStart();
		else undo = undoStart;
	});
}

/** Waits `ms`, or less if cancelled. */
export function pause(
	ms: number,
	options: { signal?: AbortSignal; url?: string } = {},
): Promise<void> {
	return abortableWait({
		...options,
		// A pause starts nothing: nothing to undo.
		start: () => () => undefined,
		timeout: { ms, end: () => ({ value: undefined }) },
	});
}
