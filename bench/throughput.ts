/**
 * Part 2, throughput against the physical limit: the node's API Request run by
 * n8n-core against a plain undici loop (same Agent settings, same concurrency,
 * same token header) on the same simulator, measured alternately; the token
 * cache's hit cost; Return All against a hand-written page walk.
 */
import * as fs from 'node:fs';
import { Agent, request, type Dispatcher } from 'undici';

import type { CredentialStore } from '../harness/credentialsHelper';
import { parseCredentials } from '../zoho/credentials';
import type { ZohoRuntime } from '../zoho/runtime';
import { closeFloorAgent } from './floorNode';
import { floorWorkflow, freshRuntime, inputItems, runZohoNode, zohoWorkflow } from './inProcess';
import { credentialData, type SimClient, type SimulatorProcess } from './simulatorControl';
import { median, since } from './stats';

export const CALLS = 5_000;
export const LEVELS = [1, 5, 20] as const;
const CACHE_HITS = 100_000;
export const RETURN_ALL_RECORDS = 10_000;
const CREDENTIAL_ID = 'throughput';

export interface LevelResult {
	concurrency: number;
	/** Milliseconds per run, in measurement order. */
	raw: number[];
	ours: number[];
	/** The whole runWorkflow call per run (engine and trigger included). */
	oursWall: number[];
	/** A minimal node doing the plain loop's calls inside n8n-core (floorNode.ts): executionTime per run. */
	floor: number[];
	floorRatio: number;
	/** raw_i / ours_i of runs measured back to back. */
	pairRatios: number[];
	/** CPU time (user + system) per call, microseconds, medians: this process, and the simulator's. */
	cpuUsPerCall: { raw: number; ours: number; floor: number; simRaw: number; simOurs: number };
	/** Median calls per second. */
	rawRate: number;
	oursRate: number;
	ratio: number;
	/** (ours − raw) per call at the medians, microseconds. */
	overheadUsPerCall: number;
}

export interface LatencyLevel {
	concurrency: number;
	raw: number[];
	ours: number[];
	ratio: number;
}

export interface ThroughputResult {
	calls: number;
	reps: number;
	levels: LevelResult[];
	/** The same comparison with a simulated Zoho latency, as context. */
	withLatency: { latencyMs: number; calls: number; levels: LatencyLevel[] };
	cacheHit: { calls: number; usPerCall: number; mintsDuring: number };
	returnAll: { records: number; pages: number; raw: number[]; ours: number[]; ratio: number };
}

/** Same settings as zoho/runtime.ts gives its Agent. */
function plainAgent(): Agent {
	return new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 });
}

async function rawGets(options: {
	url: string;
	token: string;
	dispatcher: Dispatcher;
	concurrency: number;
	count: number;
}): Promise<number> {
	const headers = { accept: 'application/json', authorization: `Zoho-oauthtoken ${options.token}` };
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < options.count) {
			next++;
			const res = await request(options.url, {
				method: 'GET',
				headers,
				dispatcher: options.dispatcher,
			});
			const body: unknown = await res.body.json();
			if (res.statusCode !== 200 || body === undefined)
				throw new Error(`raw GET answered ${res.statusCode}`);
		}
	};
	const started = performance.now();
	await Promise.all(Array.from({ length: options.concurrency }, worker));
	return since(started);
}

/** The page walk a careful hand-written client does: page 1..10 of 200, then page_token. */
async function rawPageWalk(options: {
	base: string;
	token: string;
	dispatcher: Dispatcher;
}): Promise<{ ms: number; records: number; pages: number }> {
	const headers = { accept: 'application/json', authorization: `Zoho-oauthtoken ${options.token}` };
	const records: unknown[] = [];
	let page = 1;
	let pageToken: string | undefined;
	let pages = 0;
	const started = performance.now();
	for (let guard = 0; guard < 1_000; guard++) {
		// Zoho lists CRM records from v3 on only with `fields`, repeated with every page token.
		const query = pageToken
			? `fields=Last_Name,Email&page_token=${encodeURIComponent(pageToken)}&per_page=200`
			: `fields=Last_Name,Email&page=${page}&per_page=200`;
		const res = await request(`${options.base}/crm/v8/Leads?${query}`, {
			method: 'GET',
			headers,
			dispatcher: options.dispatcher,
		});
		pages++;
		if (res.statusCode === 204) {
			await res.body.dump();
			break;
		}
		const body = (await res.body.json()) as {
			data: unknown[];
			info: { more_records: boolean; next_page_token?: string | null };
		};
		records.push(...body.data);
		if (!body.info.more_records) break;
		if (pageToken || page * 200 >= 2_000) pageToken = body.info.next_page_token ?? undefined;
		if (!pageToken && page * 200 >= 2_000) throw new Error('no page token after 2,000 records');
		page++;
	}
	return { ms: since(started), records: records.length, pages };
}

/** User + system CPU time of a process in microseconds (Linux /proc; NaN elsewhere). */
export function processCpuUs(pid: number): number {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
		return (Number(fields[11]) + Number(fields[12])) * 10_000;
	} catch {
		return Number.NaN;
	}
}

function ownCpuUs(): number {
	const usage = process.cpuUsage();
	return usage.user + usage.system;
}

async function getsSeen(sim: SimulatorProcess, path: string): Promise<number> {
	return (await sim.counters()).callsByPathStatus[`GET ${path} 200`] ?? 0;
}

export async function throughput(
	sim: SimulatorProcess,
	client: SimClient,
	options: { reps: number; log: (line: string) => void },
): Promise<ThroughputResult> {
	const refreshToken = await sim.createRefreshToken(client);
	const data = credentialData({ url: sim.url, client, refreshToken });
	const store: CredentialStore = { [CREDENTIAL_ID]: { type: 'zohoSelfClientApi', data } };
	const leadIds = await sim.seedCrm('Leads', RETURN_ALL_RECORDS);
	const leadPath = `/crm/v8/Leads/${leadIds[0] as string}`;
	const runtime: ZohoRuntime = await freshRuntime();
	const credentials = parseCredentials(data);
	const token = (await runtime.auth.getToken(credentials)).accessToken;
	const agent = plainAgent();
	const items = inputItems(CALLS);
	const workflowAt = (concurrency: number) =>
		zohoWorkflow(
			{
				operation: 'apiRequest',
				method: 'GET',
				path: leadPath,
				options: { maxConcurrency: concurrency },
			},
			CREDENTIAL_ID,
		);

	try {
		// Warm both paths (JIT, connections) before anything is timed.
		for (const concurrency of LEVELS) {
			await rawGets({
				url: `${sim.url}${leadPath}`,
				token,
				dispatcher: agent,
				concurrency,
				count: 500,
			});
			await runZohoNode({
				workflow: floorWorkflow({ url: `${sim.url}${leadPath}`, token, concurrency }),
				items: items.slice(0, 500),
			});
			await runZohoNode({
				workflow: workflowAt(concurrency),
				credentials: store,
				items: items.slice(0, 500),
			});
		}

		const levels: LevelResult[] = [];
		type Sample = {
			raw: number[];
			ours: number[];
			oursWall: number[];
			floor: number[];
			cpu: Record<'raw' | 'ours' | 'floor' | 'simRaw' | 'simOurs', number[]>;
		};
		const samples = new Map<number, Sample>(
			LEVELS.map((level) => [
				level,
				{
					raw: [],
					ours: [],
					oursWall: [],
					floor: [],
					cpu: { raw: [], ours: [], floor: [], simRaw: [], simOurs: [] },
				},
			]),
		);
		const floorAt = (concurrency: number) =>
			floorWorkflow({ url: `${sim.url}${leadPath}`, token, concurrency });
		for (let rep = 0; rep < options.reps; rep++) {
			for (const concurrency of LEVELS) {
				const sample = samples.get(concurrency);
				if (!sample) continue;
				const order =
					rep % 2 === 0 ? (['raw', 'floor', 'ours'] as const) : (['ours', 'floor', 'raw'] as const);
				for (const which of order) {
					await sim.collectGarbage();
					await sim.resetCounters();
					const cpuBefore = ownCpuUs();
					const simCpuBefore = processCpuUs(sim.pid);
					if (which === 'raw') {
						sample.raw.push(
							await rawGets({
								url: `${sim.url}${leadPath}`,
								token,
								dispatcher: agent,
								concurrency,
								count: CALLS,
							}),
						);
					} else if (which === 'floor') {
						const run = await runZohoNode({ workflow: floorAt(concurrency), items });
						if (run.outputItems !== CALLS)
							throw new Error(`the floor node gave ${run.outputItems} items, expected ${CALLS}`);
						sample.floor.push(run.nodeMs);
					} else {
						const run = await runZohoNode({
							workflow: workflowAt(concurrency),
							credentials: store,
							items,
						});
						if (run.outputItems !== CALLS)
							throw new Error(`the node gave ${run.outputItems} items, expected ${CALLS}`);
						sample.ours.push(run.nodeMs);
						sample.oursWall.push(run.wallMs);
					}
					sample.cpu[which].push((ownCpuUs() - cpuBefore) / CALLS);
					if (which !== 'floor')
						sample.cpu[which === 'raw' ? 'simRaw' : 'simOurs'].push(
							(processCpuUs(sim.pid) - simCpuBefore) / CALLS,
						);
					const seen = await getsSeen(sim, leadPath);
					if (seen !== CALLS)
						throw new Error(
							`${which} at ${concurrency}: the simulator saw ${seen} GETs, expected ${CALLS}`,
						);
				}
				options.log(
					`  rep ${rep + 1}/${options.reps}, ${concurrency} in flight: raw ${Math.round(sample.raw.at(-1) ?? 0)} ms, floor ${Math.round(sample.floor.at(-1) ?? 0)} ms, ours ${Math.round(sample.ours.at(-1) ?? 0)} ms`,
				);
			}
		}
		for (const concurrency of LEVELS) {
			const sample = samples.get(concurrency);
			if (!sample) continue;
			const raw = median(sample.raw);
			const ours = median(sample.ours);
			levels.push({
				concurrency,
				raw: sample.raw,
				ours: sample.ours,
				oursWall: sample.oursWall,
				floor: sample.floor,
				floorRatio: raw / median(sample.floor),
				pairRatios: sample.raw.map((rawMs, i) => rawMs / (sample.ours[i] as number)),
				cpuUsPerCall: {
					raw: median(sample.cpu.raw),
					ours: median(sample.cpu.ours),
					floor: median(sample.cpu.floor),
					simRaw: median(sample.cpu.simRaw),
					simOurs: median(sample.cpu.simOurs),
				},
				rawRate: (CALLS / raw) * 1000,
				oursRate: (CALLS / ours) * 1000,
				ratio: raw / ours,
				overheadUsPerCall: ((ours - raw) * 1000) / CALLS,
			});
		}

		const withLatency = await latencyComparison({
			sim,
			reps: Math.min(options.reps, 3),
			raw: (concurrency) =>
				rawGets({
					url: `${sim.url}${leadPath}`,
					token,
					dispatcher: agent,
					concurrency,
					count: LATENCY_CALLS,
				}),
			ours: async (concurrency) =>
				(
					await runZohoNode({
						workflow: workflowAt(concurrency),
						credentials: store,
						items: items.slice(0, LATENCY_CALLS),
					})
				).nodeMs,
			log: options.log,
		});
		const cacheHit = await cacheHitCost(sim, runtime, credentials, refreshToken);
		const returnAll = await returnAllVsWalk({
			sim,
			store,
			token,
			agent,
			reps: options.reps,
			log: options.log,
		});
		return { calls: CALLS, reps: options.reps, levels, withLatency, cacheHit, returnAll };
	} finally {
		await closeFloorAgent();
		await agent.close();
		await runtime.close();
	}
}

const LATENCY_MS = 5;
const LATENCY_CALLS = 1_000;

/** Raw against ours again, with the simulator answering each API call after LATENCY_MS (still far below real Zoho's). */
async function latencyComparison(options: {
	sim: SimulatorProcess;
	reps: number;
	raw: (concurrency: number) => Promise<number>;
	ours: (concurrency: number) => Promise<number>;
	log: (line: string) => void;
}): Promise<ThroughputResult['withLatency']> {
	await options.sim.configure({ apiLatencyMs: LATENCY_MS });
	try {
		const levels: LatencyLevel[] = [];
		for (const concurrency of LEVELS) {
			const raw: number[] = [];
			const ours: number[] = [];
			for (let rep = 0; rep < options.reps; rep++) {
				const order = rep % 2 === 0 ? (['raw', 'ours'] as const) : (['ours', 'raw'] as const);
				for (const which of order) {
					if (which === 'raw') raw.push(await options.raw(concurrency));
					else ours.push(await options.ours(concurrency));
				}
			}
			levels.push({ concurrency, raw, ours, ratio: median(raw) / median(ours) });
			options.log(
				`  with ${LATENCY_MS} ms latency, ${concurrency} in flight: raw ${Math.round(median(raw))} ms, ours ${Math.round(median(ours))} ms`,
			);
		}
		return { latencyMs: LATENCY_MS, calls: LATENCY_CALLS, levels };
	} finally {
		await options.sim.configure({ apiLatencyMs: 0 });
	}
}

async function cacheHitCost(
	sim: SimulatorProcess,
	runtime: ZohoRuntime,
	credentials: ReturnType<typeof parseCredentials>,
	refreshToken: string,
): Promise<ThroughputResult['cacheHit']> {
	await sim.resetCounters();
	for (let i = 0; i < 10_000; i++) await runtime.auth.getToken(credentials);
	const runs: number[] = [];
	for (let rep = 0; rep < 3; rep++) {
		const started = performance.now();
		for (let i = 0; i < CACHE_HITS; i++) await runtime.auth.getToken(credentials);
		runs.push((since(started) * 1000) / CACHE_HITS);
	}
	const mintsDuring = (await sim.counters()).mints[refreshToken] ?? 0;
	return { calls: CACHE_HITS, usPerCall: median(runs), mintsDuring };
}

async function returnAllVsWalk(options: {
	sim: SimulatorProcess;
	store: CredentialStore;
	token: string;
	agent: Agent;
	reps: number;
	log: (line: string) => void;
}): Promise<ThroughputResult['returnAll']> {
	const workflow = zohoWorkflow(
		{
			operation: 'apiRequest',
			method: 'GET',
			path: '/Leads',
			sendQuery: true,
			queryParameters: { parameters: [{ name: 'fields', value: 'Last_Name,Email' }] },
			options: { returnAll: true, splitIntoItems: true },
		},
		CREDENTIAL_ID,
	);
	const raw: number[] = [];
	const ours: number[] = [];
	let pages = 0;
	const one = inputItems(1);
	// Warm-up of both.
	await rawPageWalk({ base: options.sim.url, token: options.token, dispatcher: options.agent });
	await runZohoNode({ workflow, credentials: options.store, items: one });
	for (let rep = 0; rep < options.reps; rep++) {
		const order = rep % 2 === 0 ? (['raw', 'ours'] as const) : (['ours', 'raw'] as const);
		for (const which of order) {
			if (which === 'raw') {
				const walk = await rawPageWalk({
					base: options.sim.url,
					token: options.token,
					dispatcher: options.agent,
				});
				if (walk.records !== RETURN_ALL_RECORDS)
					throw new Error(`the raw walk read ${walk.records} records`);
				pages = walk.pages;
				raw.push(walk.ms);
			} else {
				const run = await runZohoNode({ workflow, credentials: options.store, items: one });
				if (run.outputItems !== RETURN_ALL_RECORDS)
					throw new Error(`Return All gave ${run.outputItems} items`);
				ours.push(run.nodeMs);
			}
		}
		options.log(
			`  Return All rep ${rep + 1}/${options.reps}: raw walk ${Math.round(raw.at(-1) ?? 0)} ms, ours ${Math.round(ours.at(-1) ?? 0)} ms`,
		);
	}
	return { records: RETURN_ALL_RECORDS, pages, raw, ours, ratio: median(raw) / median(ours) };
}
