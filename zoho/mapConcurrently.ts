/**
 * Async jobs (API requests, item runs, write batches): runs `run(0..count-1)` with at
 * most `concurrency` at once; results in index order. After the first failure no new
 * index starts; the failure is thrown once those already running have settled.
 */
export async function mapConcurrently<T>(options: {
	count: number;
	concurrency: number;
	run: (index: number) => Promise<T>;
}): Promise<T[]> {
	const results: T[] = new Array<T>(options.count);
	let next = 0;
	let failure: { error: unknown } | undefined;
	const worker = async (): Promise<void> => {
		while (!failure && next < options.count) {
			const index = next++;
			try {
				results[index] = await options.run(index);
			} catch (error) {
				failure ??= { error };
			}
		}
	};
	const workers = Math.max(1, Math.min(options.concurrency, options.count));
	await Promise.all(Array.from({ length: workers }, worker));
	if (failure) throw failure.error;
	return results;
}
