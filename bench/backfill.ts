/**
 * Part 7, a backfill in a real n8n 2.x (`n8n execute`): every record of a 200,000-record
 * module read by our node — Export Records (Bulk Read, one job per 200,000), API Request
 * with Return All (200 a call, page tokens past 2,000: Zoho's tokens end at 100,000
 * records, so it reads 100,000 and fails), API Request with Limit 100,000 (what a list can
 * read) and Query (COQL, 2,000 a call, by id) — the simulator answering every API call
 * after 100 ms. Calls and credits are the simulator's counts; times are the node's
 * executionTime and the whole `n8n execute`; memory is the n8n process's peak RSS (GNU
 * time), all records read being output items.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	createUserFolder,
	executeWorkflow,
	importCredentials,
	importWorkflows,
	n8nVersion,
	packPackage,
	type UserFolder,
} from '../n8n-driver';
import { taskOf } from './n8nHost';
import type { SimClient, SimulatorProcess } from './simulatorControl';
import { BENCH_SCOPES, credentialData } from './simulatorControl';

export const BACKFILL_RECORDS = 200_000;
/** Zoho answers in tens to hundreds of milliseconds; one flat latency for every call. */
export const BACKFILL_LATENCY_MS = 100;
/** How long the simulator takes for a Bulk Read job: Zoho's time depends on its queue (assumed). */
export const BACKFILL_JOB_MS = 10_000;
/** A module of its own, so what other parts seed does not change the count. */
const MODULE = 'Backfill_Leads';
const FIELDS = ['First_Name', 'Last_Name', 'Email', 'Company'];
const TARGET = 'Backfill';
const CREDENTIAL = { id: 'benchZohoBackfill001', name: 'Zoho (backfill)' };

export type BackfillWay = 'bulkRead' | 'returnAll' | 'limitWindow' | 'coql';
const WAYS: readonly BackfillWay[] = ['bulkRead', 'returnAll', 'limitWindow', 'coql'];
/** Records Zoho's page tokens reach: a list's Return All stops there (record.json getRecords). */
export const PAGE_TOKEN_WINDOW = 100_000;
/** Records per list call (per_page's maximum). */
export const LIST_PAGE = 200;

export interface BackfillRun {
	way: BackfillWay;
	records: number;
	/** API calls the simulator answered (token requests not counted). */
	apiCalls: number;
	credits: number;
	/** The node's executionTime (ms). */
	nodeMs: number;
	/** Wall time of the whole `n8n execute` (ms), start-up included. */
	processMs: number;
	/** Peak resident memory of the n8n process (bytes). */
	peakRssBytes?: number;
	error?: string;
}

export interface BackfillResult {
	n8nVersion: string;
	records: number;
	latencyMs: number;
	jobMs: number;
	runs: BackfillRun[];
	setupMs: number;
	failure?: string;
}

const listRequest = (options: Record<string, unknown>): Record<string, unknown> => ({
	operation: 'apiRequest',
	service: 'crm',
	method: 'GET',
	path: `/${MODULE}`,
	sendQuery: true,
	specifyQuery: 'keypair',
	queryParameters: { parameters: [{ name: 'fields', value: FIELDS.join(',') }] },
	options: { ...options, splitIntoItems: true },
});

const PARAMETERS: Record<BackfillWay, Record<string, unknown>> = {
	bulkRead: {
		operation: 'exportRecords',
		module: { __rl: true, mode: 'name', value: MODULE },
		fields: FIELDS,
	},
	returnAll: listRequest({ returnAll: true }),
	limitWindow: listRequest({ limit: PAGE_TOKEN_WINDOW }),
	coql: {
		operation: 'coqlQuery',
		query: `select ${FIELDS.join(', ')} from ${MODULE} where Last_Name is not null`,
		returnAll: true,
	},
};

function workflowId(way: BackfillWay): string {
	return `benchBackfill${way}`.slice(0, 21);
}

function workflow(way: BackfillWay): { id: string } & Record<string, unknown> {
	return {
		id: workflowId(way),
		name: `bench backfill: ${way}`,
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		nodes: [
			{
				id: 'd0000000-0000-4000-8000-000000000001',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'd0000000-0000-4000-8000-000000000002',
				name: TARGET,
				type: 'n8n-nodes-zoho-oauth.zohoOAuthRequest',
				typeVersion: 1,
				position: [220, 0],
				parameters: PARAMETERS[way],
				credentials: { zohoSelfClientApi: CREDENTIAL },
			},
		],
		connections: { Start: { main: [[{ node: TARGET, type: 'main', index: 0 }]] } },
	};
}

export async function backfill(
	sim: SimulatorProcess,
	client: SimClient,
	options: { log: (line: string) => void },
): Promise<BackfillResult> {
	const started = performance.now();
	const version = n8nVersion(2);
	const base = {
		n8nVersion: version,
		records: BACKFILL_RECORDS,
		latencyMs: BACKFILL_LATENCY_MS,
		jobMs: BACKFILL_JOB_MS,
	};
	const tarball = await packPackage();
	// The legacy expression engine: 2.x's default one (isolated-vm) can crash n8n while it exits.
	const userFolder: UserFolder = await createUserFolder({
		major: 2,
		packageTarball: tarball,
		env: { N8N_EXPRESSION_ENGINE: 'legacy' },
	});
	try {
		await sim.admin('POST', 'crm/modules', {
			api_name: MODULE,
			singular_label: 'Backfill Lead',
			plural_label: 'Backfill Leads',
			fields: FIELDS.map((api_name) => ({ api_name, data_type: 'text' })),
		});
		await sim.seedCrm(MODULE, BACKFILL_RECORDS);
		const refreshToken = await sim.createRefreshToken(client, [
			...BENCH_SCOPES,
			'ZohoCRM.bulk.read',
			'ZohoCRM.coql.READ',
			'ZohoCRM.settings.fields.READ',
		]);
		await importCredentials({
			major: 2,
			userFolder,
			credentials: [
				{
					...CREDENTIAL,
					type: 'zohoSelfClientApi',
					data: credentialData({ url: sim.url, client, refreshToken }),
				},
			],
		});
		await importWorkflows({ major: 2, userFolder, workflows: WAYS.map(workflow) });
		const setupMs = performance.now() - started;
		options.log(
			`  n8n ${version} set up in ${(setupMs / 1000).toFixed(1)} s; ${BACKFILL_RECORDS} records, each API call answered after ${BACKFILL_LATENCY_MS} ms, a Bulk Read job done after ${BACKFILL_JOB_MS / 1000} s`,
		);
		await sim.configure({ apiLatencyMs: BACKFILL_LATENCY_MS, bulkReadJobMs: BACKFILL_JOB_MS });
		const runs: BackfillRun[] = [];
		try {
			for (const way of WAYS) {
				await sim.resetCounters();
				const result = await executeWorkflow({
					major: 2,
					userFolder,
					id: workflowId(way),
					timeoutMs: 900_000,
					measurePeakRss: true,
				});
				const counters = await sim.counters();
				const task = taskOf(result.run, TARGET);
				const run: BackfillRun = {
					way,
					records: task.items,
					apiCalls: counters.calls.filter((call) => call.path !== '/oauth/v2/token').length,
					credits: Object.values(counters.credits).reduce((sum, credits) => sum + credits, 0),
					nodeMs: task.executionTime ?? Number.NaN,
					processMs: result.durationMs,
					...(result.peakRssBytes === undefined ? {} : { peakRssBytes: result.peakRssBytes }),
					...(result.succeeded
						? {}
						: {
								error:
									result.run?.data?.resultData?.error?.message ??
									`n8n execute exited with ${String(result.code ?? result.signal)}: ${(result.stderr || result.stdout).slice(-300).replace(/\s+/g, ' ')}`,
							}),
				};
				runs.push(run);
				options.log(
					`  ${way}: ${run.records} records, ${run.apiCalls} calls, ${run.credits} credits, node ${run.nodeMs} ms, ` +
						`n8n execute ${(run.processMs / 1000).toFixed(1)} s, peak RSS ${run.peakRssBytes === undefined ? 'n/a' : `${(run.peakRssBytes / 1024 / 1024).toFixed(0)} MiB`}${run.error ? `, error: ${run.error}` : ''}`,
				);
			}
		} finally {
			await sim.configure({ apiLatencyMs: 0, bulkReadJobMs: 2_000 });
		}
		return { ...base, runs, setupMs };
	} catch (error) {
		const reason =
			error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
		options.log(`  the backfill part failed: ${reason}`);
		return { ...base, runs: [], setupMs: performance.now() - started, failure: reason };
	} finally {
		userFolder.cleanup();
		fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
	}
}
