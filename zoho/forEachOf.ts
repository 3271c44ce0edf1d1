/**
 * `for await` for the n8n side: n8n's lint preset (over nodes/) brings its own typescript-eslint, which
 * takes every async iterable for something else (await-thenable), so pages are walked here.
 */
export async function forEachOf<T>(
	source: AsyncIterable<T>,
	visit: (value: T) => void | Promise<void>,
): Promise<void> {
	const iterator = source[Symbol.asyncIterator]();
	for (;;) {
		const next = await iterator.next();
		if (next.done) return;
		try {
			await visit(next.value);
		} catch (error) {
			// As `for await` does: a loop left by a failure lets the source go.
			await iterator.return?.();
			throw error;
		}
	}
}
