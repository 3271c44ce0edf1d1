/**
 * Child process entry for part 4 (run with --expose-gc): measures memory in a
 * process of its own, so nothing the rest of the benchmark allocated counts.
 * Prints one JSON line. BENCH_MEMORY_MODE:
 *  - `items`: peak RSS and heap growth while the node runs one execution of 10,000 GET items;
 *  - `rawItems`: the same for a plain undici loop that keeps the 10,000 parsed answers;
 *  - `credentials`: heap and RSS growth per credential with a cached token (1,000 credentials).
 */
import { Agent, request } from 'undici';

import type { CredentialStore } from '../harness/credentialsHelper';
import { parseCredentials } from '../zoho/credentials';
import { createZohoRuntime, setSharedZohoRuntime } from '../zoho/runtime';
import { freshRuntime, inputItems, runZohoNode, zohoWorkflow } from './inProcess';
import { MEMORY_CREDENTIALS, MEMORY_ITEMS } from './memory';
import { credentialData, type SimClient } from './simulatorControl';

interface ProbeEnv {
	url: string;
	client: SimClient;
	refreshToken: string;
	leadPath: string;
}

function gc(): void {
	const collect = (globalThis as { gc?: () => void }).gc;
	if (!collect) throw new Error('run with --expose-gc');
	collect();
	collect();
}

interface Peaks {
	rssBefore: number;
	rssPeak: number;
	heapBefore: number;
	heapPeak: number;
}

/** Highest RSS and heap in use seen while `work` runs (sampled every 2 ms, plus before and after), after a full GC. */
async function peaksDuring<T>(work: () => Promise<T>): Promise<Peaks & { result: T }> {
	gc();
	const start = process.memoryUsage();
	const peaks: Peaks = {
		rssBefore: start.rss,
		rssPeak: start.rss,
		heapBefore: start.heapUsed,
		heapPeak: start.heapUsed,
	};
	const sample = (): void => {
		const now = process.memoryUsage();
		peaks.rssPeak = Math.max(peaks.rssPeak, now.rss);
		peaks.heapPeak = Math.max(peaks.heapPeak, now.heapUsed);
	};
	const timer = setInterval(sample, 2);
	try {
		const result = await work();
		sample();
		return { ...peaks, result };
	} finally {
		clearInterval(timer);
	}
}

function growth(peaks: Peaks): Record<string, number> {
	return {
		rssGrowth: peaks.rssPeak - peaks.rssBefore,
		heapGrowth: peaks.heapPeak - peaks.heapBefore,
	};
}

async function items(env: ProbeEnv): Promise<Record<string, number>> {
	const store: CredentialStore = {
		memory: {
			type: 'zohoSelfClientApi',
			data: credentialData({ url: env.url, client: env.client, refreshToken: env.refreshToken }),
		},
	};
	const runtime = await freshRuntime();
	const workflow = zohoWorkflow(
		{ operation: 'apiRequest', method: 'GET', path: env.leadPath, options: { maxConcurrency: 5 } },
		'memory',
	);
	await runZohoNode({ workflow, credentials: store, items: inputItems(200) });
	const input = inputItems(MEMORY_ITEMS);
	const measured = await peaksDuring(() =>
		runZohoNode({ workflow, credentials: store, items: input }),
	);
	if (measured.result.outputItems !== MEMORY_ITEMS)
		throw new Error(`the node gave ${measured.result.outputItems} items`);
	await runtime.close();
	return growth(measured);
}

async function rawItems(env: ProbeEnv): Promise<Record<string, number>> {
	const runtime = createZohoRuntime();
	const token = (
		await runtime.auth.getToken(
			parseCredentials(
				credentialData({ url: env.url, client: env.client, refreshToken: env.refreshToken }),
			),
		)
	).accessToken;
	await runtime.close();
	const agent = new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 });
	const headers = { accept: 'application/json', authorization: `Zoho-oauthtoken ${token}` };
	const loop = async (count: number): Promise<unknown[]> => {
		const answers: unknown[] = new Array<unknown>(count);
		let next = 0;
		const worker = async (): Promise<void> => {
			while (next < count) {
				const index = next++;
				const res = await request(`${env.url}${env.leadPath}`, {
					method: 'GET',
					headers,
					dispatcher: agent,
				});
				answers[index] = await res.body.json();
			}
		};
		await Promise.all(Array.from({ length: 5 }, worker));
		return answers;
	};
	await loop(200);
	const measured = await peaksDuring(() => loop(MEMORY_ITEMS));
	if (measured.result.length !== MEMORY_ITEMS) throw new Error('the raw loop lost answers');
	await agent.close();
	return growth(measured);
}

async function credentials(env: ProbeEnv): Promise<Record<string, number>> {
	const refreshTokens: string[] = [];
	for (let i = 0; i < MEMORY_CREDENTIALS; i++) {
		const res = await fetch(`${env.url}/__sim/refresh-tokens`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ clientId: env.client.clientId, scopes: ['ZohoCRM.modules.ALL'] }),
		});
		refreshTokens.push(((await res.json()) as { refreshToken: string }).refreshToken);
	}
	const all = refreshTokens.map((refreshToken) =>
		parseCredentials(credentialData({ url: env.url, client: env.client, refreshToken })),
	);
	const runtime = createZohoRuntime({ maxCachedCredentials: MEMORY_CREDENTIALS + 1 });
	// One token first, so the connection to the accounts server exists before measuring.
	await runtime.auth.getToken(
		parseCredentials(
			credentialData({ url: env.url, client: env.client, refreshToken: env.refreshToken }),
		),
	);
	gc();
	const heapBefore = process.memoryUsage().heapUsed;
	const rssBefore = process.memoryUsage.rss();
	for (const credential of all) await runtime.auth.getToken(credential);
	gc();
	const heapAfter = process.memoryUsage().heapUsed;
	const rssAfter = process.memoryUsage.rss();
	const cached = runtime.auth.cache.size - 1;
	await runtime.close();
	return {
		cached,
		heapPerCredential: (heapAfter - heapBefore) / cached,
		rssPerCredential: (rssAfter - rssBefore) / cached,
	};
}

async function main(): Promise<void> {
	const env = JSON.parse(process.env.BENCH_MEMORY_ENV ?? '{}') as ProbeEnv;
	const mode = process.env.BENCH_MEMORY_MODE;
	const result =
		mode === 'items'
			? await items(env)
			: mode === 'rawItems'
				? await rawItems(env)
				: mode === 'credentials'
					? await credentials(env)
					: undefined;
	if (!result) throw new Error(`unknown BENCH_MEMORY_MODE ${String(mode)}`);
	setSharedZohoRuntime(undefined);
	process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(
		`memory probe failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exit(1);
});
