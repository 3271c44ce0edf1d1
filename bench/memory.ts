/**
 * Part 4, memory: each measurement in a fresh child process (memoryProbe.ts),
 * against the shared simulator.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

import type { SimClient, SimulatorProcess } from './simulatorControl';

export const MEMORY_ITEMS = 10_000;
export const MEMORY_CREDENTIALS = 1_000;

export interface MemoryResult {
	items: number;
	/** Peak RSS growth during one execution of `items` GET items through the node (bytes). */
	nodeRssGrowth: number;
	/** Peak growth of the JS heap in use during that execution (bytes). */
	nodeHeapGrowth: number;
	/** The same two for a plain undici loop that keeps the parsed answers (bytes). */
	rawRssGrowth: number;
	rawHeapGrowth: number;
	credentials: number;
	heapPerCredential: number;
	rssPerCredential: number;
}

function probe(mode: string, env: Record<string, unknown>): Promise<Record<string, number>> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--expose-gc', path.join(__dirname, 'memoryProbe.js')], {
			env: { ...process.env, BENCH_MEMORY_MODE: mode, BENCH_MEMORY_ENV: JSON.stringify(env) },
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let out = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
		const timer = setTimeout(() => child.kill('SIGTERM'), 120_000);
		child.once('error', reject);
		child.once('close', (code) => {
			clearTimeout(timer);
			if (code !== 0) reject(new Error(`memory probe ${mode} exited with ${String(code)}`));
			else resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, number>);
		});
	});
}

export async function memory(
	sim: SimulatorProcess,
	client: SimClient,
	options: { leadId: string },
): Promise<MemoryResult> {
	const env = {
		url: sim.url,
		client,
		refreshToken: await sim.createRefreshToken(client),
		leadPath: `/crm/v8/Leads/${options.leadId}`,
	};
	const node = await probe('items', env);
	const raw = await probe('rawItems', env);
	const creds = await probe('credentials', env);
	return {
		items: MEMORY_ITEMS,
		nodeRssGrowth: node.rssGrowth ?? Number.NaN,
		nodeHeapGrowth: node.heapGrowth ?? Number.NaN,
		rawRssGrowth: raw.rssGrowth ?? Number.NaN,
		rawHeapGrowth: raw.heapGrowth ?? Number.NaN,
		credentials: creds.cached ?? MEMORY_CREDENTIALS,
		heapPerCredential: creds.heapPerCredential ?? Number.NaN,
		rssPerCredential: creds.rssPerCredential ?? Number.NaN,
	};
}
