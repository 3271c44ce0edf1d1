/**
 * Soak: many Zoho OAuth Request calls spread over minutes, with access tokens that
 * live only 20 s, through the node as n8n runs it (n8n-core's WorkflowExecute, see
 * harness/) against the simulator on 127.0.0.1.
 *
 *   npm run soak                      # 120 s, 10,000 calls
 *   npm run soak -- --seconds 30      # shortened (CI); also SOAK_SECONDS=30
 *   npm run soak -- --calls 20000
 *   npm run soak:results              # the full run, and renew soak/results.md
 *
 * Only `--write-results` (which soak:results passes) writes soak/results.md, a tracked file.
 *
 * Goals (the exit code is 1 if one fails):
 *   - every call gets its answer, and no 401 reaches the user (errors: 0);
 *   - mints ≈ elapsed / (lifetime − early-refresh margin): for a 20 s lifetime the
 *     token is refreshed half-way, so ≈ elapsed / 10 s (± 2);
 *   - memory stays bounded: RSS and heap-after-GC, sampled every second, grow by no
 *     more than a bound from the second quarter of the run (after warm-up) to the last.
 * Figures are printed (and with --write-results written to soak/results.md).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { ZohoSelfClientApi } from '../credentials/ZohoSelfClientApi.credentials';
import { ZohoOAuthRequest } from '../nodes/ZohoOAuthRequest/ZohoOAuthRequest.node';
import { ZohoSimulator } from '../simulator';
import { runWorkflow } from '../harness';
import type { CredentialStore } from '../harness/credentialsHelper';
import { NODE_TYPE, zohoWorkflow } from '../harness/zohoWorkflow';
import { DEFAULT_EARLY_REFRESH_MS, refreshDueAt } from '../zoho/token/expiry';
import { createZohoRuntime, setSharedZohoRuntime } from '../zoho/runtime';

const TOKEN_LIFETIME_S = 20;
const MAX_CONCURRENCY = 10;
/** Executions start this often; each carries the calls that keep the run on schedule. */
const TICK_MS = 200;
/** Zoho's mint throttle (10 per 10 minutes for 1-hour tokens), scaled to 20 s tokens: 10 per 3.3 s. */
const MINT_WINDOW_MS = Math.ceil((600_000 * TOKEN_LIFETIME_S) / 3600);
const MINT_TOLERANCE = 2;
const RSS_GROWTH_LIMIT_MB = 64;
const HEAP_GROWTH_LIMIT_MB = 16;

interface Options {
	seconds: number;
	calls: number;
	writeResults: boolean;
}

function readOptions(argv: readonly string[]): Options {
	const flag = (name: string): string | undefined => {
		const index = argv.indexOf(`--${name}`);
		return index >= 0 ? argv[index + 1] : undefined;
	};
	const seconds = Number(flag('seconds') ?? process.env.SOAK_SECONDS ?? 120);
	const calls = Number(flag('calls') ?? process.env.SOAK_CALLS ?? 10_000);
	if (!Number.isFinite(seconds) || seconds < 10 || seconds > 1_800)
		throw new Error('--seconds must be between 10 and 1800');
	if (!Number.isInteger(calls) || calls < 1)
		throw new Error('--calls must be a positive whole number');
	return { seconds, calls, writeResults: argv.includes('--write-results') };
}

interface Sample {
	atS: number;
	rssMb: number;
	heapMb: number;
}

const mb = (bytes: number) => bytes / 1024 / 1024;

function sampleMemory(startedAt: number): Sample {
	(globalThis as { gc?: () => void }).gc?.();
	const usage = process.memoryUsage();
	return {
		atS: (performance.now() - startedAt) / 1000,
		rssMb: mb(usage.rss),
		heapMb: mb(usage.heapUsed),
	};
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted.length ? (sorted[Math.floor(sorted.length / 2)] ?? 0) : 0;
}

/** Median of the last quarter minus median of the second (the first after warm-up). */
function growth(samples: Sample[], pick: (sample: Sample) => number): number {
	const quarter = Math.max(1, Math.floor(samples.length / 4));
	return (
		median(samples.slice(-quarter).map(pick)) -
		median(samples.slice(quarter, 2 * quarter).map(pick))
	);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<number> {
	const options = readOptions(process.argv.slice(2));
	const sim = new ZohoSimulator({
		dataCentres: ['us'],
		tokenLifetimeSec: TOKEN_LIFETIME_S,
		mintWindowMs: MINT_WINDOW_MS,
	});
	await sim.start();
	const runtime = createZohoRuntime();
	setSharedZohoRuntime(runtime);
	const client = sim.registerClient('us');
	const refreshToken = sim.createRefreshToken('us', {
		clientId: client.clientId,
		scopes: ['ZohoCRM.org.READ'],
	});
	const credentials: CredentialStore = {
		soak: {
			type: 'zohoSelfClientApi',
			data: {
				dataCentre: 'custom',
				customAccountsUrl: sim.url('us'),
				...client,
				refreshToken,
				accessToken: '',
			},
		},
	};
	const nodeTypes = { [NODE_TYPE]: new ZohoOAuthRequest() };
	const credentialTypes = { zohoSelfClientApi: new ZohoSelfClientApi() };
	const json = zohoWorkflow(
		{
			operation: 'apiRequest',
			method: 'GET',
			path: '/org',
			options: { maxConcurrency: MAX_CONCURRENCY },
		},
		{ continueOnFail: true, credentialId: 'soak' },
	);

	const tally = {
		calls: 0,
		ok: 0,
		errors: 0,
		userFacing401: 0,
		executions: 0,
		failedExecutions: 0,
		zoho401: 0,
		mints: 0,
		throttled: 0,
	};
	const errorSamples = new Map<string, number>();
	/** Reads and clears the simulator's counters, so its own records do not grow through the run. */
	const drainCounters = () => {
		const counters = sim.counters();
		sim.resetCounters();
		tally.mints += counters.mints[refreshToken] ?? 0;
		tally.throttled += counters.tokenRequestsByOutcome.throttled ?? 0;
		for (const [key, count] of Object.entries(counters.callsByPathStatus))
			if (key.endsWith(' 401')) tally.zoho401 += count;
	};

	const samples: Sample[] = [];
	const startedAt = performance.now();
	const elapsedMs = () => performance.now() - startedAt;
	let nextSampleMs = 0;
	const deadlineMs = options.seconds * 1000;
	const hardStopMs = deadlineMs * 1.5 + 30_000;
	console.log(
		`soak: ${options.calls} calls over ${options.seconds} s, tokens live ${TOKEN_LIFETIME_S} s, Max Concurrent Requests ${MAX_CONCURRENCY}`,
	);

	try {
		while ((tally.calls < options.calls || elapsedMs() < deadlineMs) && elapsedMs() < hardStopMs) {
			const due = Math.min(
				options.calls,
				Math.ceil((options.calls * Math.min(elapsedMs(), deadlineMs)) / deadlineMs),
			);
			const count = Math.min(due - tally.calls, 500);
			if (count > 0) {
				const items: INodeExecutionData[] = Array.from({ length: count }, (_, i) => ({
					json: { i: tally.calls + i },
				}));
				const result = await runWorkflow({
					workflow: json,
					nodeTypes,
					credentialTypes,
					credentials,
					inputItems: items,
					timeoutMs: 120_000,
				});
				tally.executions++;
				if (result.error) tally.failedExecutions++;
				const out = result.outputs.Zoho?.[0] ?? [];
				tally.calls += count;
				for (const item of out) {
					const error = (item.json as IDataObject).error;
					if (error === undefined) {
						tally.ok++;
						continue;
					}
					tally.errors++;
					if ((item.json as IDataObject).httpStatus === 401) tally.userFacing401++;
					errorSamples.set(String(error), (errorSamples.get(String(error)) ?? 0) + 1);
				}
				// Items without an answer (a failed execution) are errors too.
				tally.errors += Math.max(0, count - out.length);
			}
			if (elapsedMs() >= nextSampleMs) {
				drainCounters();
				samples.push(sampleMemory(startedAt));
				nextSampleMs += 1000;
			}
			await sleep(TICK_MS);
		}
	} finally {
		drainCounters();
		setSharedZohoRuntime(undefined);
		await runtime.close();
		await sim.stop();
	}

	const elapsedS = elapsedMs() / 1000;
	const refreshEveryS =
		refreshDueAt({ issuedAt: 0, expiresAt: TOKEN_LIFETIME_S * 1000 }, DEFAULT_EARLY_REFRESH_MS) /
		1000;
	const expectedMints = elapsedS / refreshEveryS;
	const rssGrowth = growth(samples, (s) => s.rssMb);
	const heapGrowth = growth(samples, (s) => s.heapMb);
	const goals: Array<[string, boolean, string]> = [
		[`at least ${options.calls} calls`, tally.calls >= options.calls, `${tally.calls}`],
		[
			'every call answered (no error items, no failed execution)',
			tally.errors === 0 && tally.failedExecutions === 0,
			`${tally.errors} errors`,
		],
		['no 401 reaches the user', tally.userFacing401 === 0, `${tally.userFacing401}`],
		[
			`mints ≈ elapsed / ${refreshEveryS} s (± ${MINT_TOLERANCE})`,
			Math.abs(tally.mints - expectedMints) <= MINT_TOLERANCE,
			`${tally.mints} for ${expectedMints.toFixed(1)} expected`,
		],
		['no mint refused by the throttle', tally.throttled === 0, `${tally.throttled}`],
		[
			`RSS growth ≤ ${RSS_GROWTH_LIMIT_MB} MB`,
			rssGrowth <= RSS_GROWTH_LIMIT_MB,
			`${rssGrowth.toFixed(1)} MB`,
		],
		[
			`heap growth after GC ≤ ${HEAP_GROWTH_LIMIT_MB} MB`,
			heapGrowth <= HEAP_GROWTH_LIMIT_MB,
			`${heapGrowth.toFixed(1)} MB`,
		],
	];
	const failed = goals.filter(([, ok]) => !ok);
	const rss = samples.map((s) => s.rssMb);
	const heap = samples.map((s) => s.heapMb);
	const figures: Array<[string, string]> = [
		['elapsed', `${elapsedS.toFixed(1)} s`],
		[
			'calls',
			`${tally.calls} (${(tally.calls / elapsedS).toFixed(0)}/s) in ${tally.executions} executions`,
		],
		['answered', `${tally.ok}`],
		['errors reaching the user', `${tally.errors} (401: ${tally.userFacing401})`],
		['401s Zoho answered (refreshed and retried by the node)', `${tally.zoho401}`],
		[
			'access tokens minted',
			`${tally.mints} (expected ≈ ${expectedMints.toFixed(1)}: one per ${refreshEveryS} s)`,
		],
		['token lifetime / refresh after', `${TOKEN_LIFETIME_S} s / ${refreshEveryS} s`],
		[
			'RSS first / peak / last',
			`${rss[0]?.toFixed(1)} / ${Math.max(...rss).toFixed(1)} / ${rss.at(-1)?.toFixed(1)} MB (${samples.length} samples)`,
		],
		['RSS growth (median of the last quarter − of the second)', `${rssGrowth.toFixed(1)} MB`],
		[
			'heap after GC first / last',
			`${heap[0]?.toFixed(1)} / ${heap.at(-1)?.toFixed(1)} MB (growth ${heapGrowth.toFixed(1)} MB)`,
		],
	];

	const lines = [
		'# Soak results',
		'',
		`\`npm run soak:results -- --seconds ${options.seconds} --calls ${options.calls}\` on Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
		`The node runs in n8n-core's WorkflowExecute against the Zoho simulator on 127.0.0.1; tokens live ${TOKEN_LIFETIME_S} s,`,
		`Max Concurrent Requests is ${MAX_CONCURRENCY}, and Zoho's mint throttle is scaled to the short lifetime (10 per ${MINT_WINDOW_MS} ms).`,
		'',
		'| figure | value |',
		'|---|---|',
		...figures.map(([name, value]) => `| ${name} | ${value} |`),
		'',
		'| goal | result | |',
		'|---|---|---|',
		...goals.map(([name, ok, value]) => `| ${name} | ${ok ? 'met' : '**FAILED**'} | ${value} |`),
		...(errorSamples.size
			? ['', 'Errors:', ...[...errorSamples].map(([message, count]) => `- ${count} × ${message}`)]
			: []),
		'',
	];
	const report = lines.join('\n');
	console.log(report);
	// Compiled to dist-tools/soak/soak.js; the results go beside the source.
	if (options.writeResults) writeFileSync(path.resolve(__dirname, '../../soak/results.md'), report);
	if (failed.length)
		console.error(
			`soak: ${failed.length} goal(s) failed: ${failed.map(([name]) => name).join('; ')}`,
		);
	return failed.length ? 1 : 0;
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		console.error(error);
		process.exitCode = 1;
	},
);
