/** Webhook executions fired at a running n8n (a `lastNode` webhook answers 200 when the execution succeeded). */
export interface WebhookRunOptions {
	baseUrl: string;
	/** The webhook's path (after /webhook/). */
	path: string;
	body: unknown;
	count: number;
	/** Calls in flight at once (default 20). */
	parallel?: number;
	timeoutMs?: number;
	/** After each call, with how many are done. */
	onDone?: (done: number) => void;
}

/** POSTs to a `lastNode` webhook `count` times; n8n answers 200 for a successful execution. Returns how many failed. */
export async function runWebhooks(
	options: WebhookRunOptions,
): Promise<{ failed: number; failures: string[] }> {
	let next = 0;
	let done = 0;
	const failures: string[] = [];
	const lane = async (): Promise<void> => {
		while (next < options.count) {
			next++;
			const outcome = await callWebhook(options);
			if (outcome !== undefined) failures.push(outcome);
			done++;
			options.onDone?.(done);
		}
	};
	await Promise.all(Array.from({ length: options.parallel ?? 20 }, lane));
	return { failed: failures.length, failures };
}

/** One call; undefined when the execution succeeded, else what n8n answered. */
export async function callWebhook(
	options: Pick<WebhookRunOptions, 'baseUrl' | 'path' | 'body' | 'timeoutMs'> & {
		signal?: AbortSignal;
	},
): Promise<string | undefined> {
	try {
		const response = await fetch(`${options.baseUrl}/webhook/${options.path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(options.body),
			signal: options.signal ?? AbortSignal.timeout(options.timeoutMs ?? 120_000),
		});
		const text = await response.text();
		return response.status === 200 ? undefined : `HTTP ${response.status}: ${text.slice(0, 300)}`;
	} catch (error) {
		return error instanceof Error ? error.message : String(error);
	}
}
