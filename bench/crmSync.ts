/**
 * Part 5, CRM sync in a real n8n 2.x (`n8n execute`): 10,000 records upserted into
 * Contacts by our node's "Create, Update, Upsert or Delete Records" operation,
 * Batch Size 100 against Batch Size 1 (one call per item), the same Max Concurrent
 * Requests, the simulator answering every API call after a fixed latency. Calls,
 * credits and mints are the simulator's counts; times are the upsert node's
 * executionTime from the run JSON n8n prints.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	manyItemsWorkflow,
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
import { credentialData } from './simulatorControl';

export const CRM_RECORDS = 10_000;
/** Zoho answers a CRM write in tens of milliseconds; a flat latency per call, whatever its size. */
export const CRM_LATENCY_MS = 20;
export const CRM_CONCURRENCY = 5;
const UPSERT = 'Upsert Contacts';
const UPSERT_PATH = '/crm/v8/Contacts/upsert';

export interface CrmRun {
	batchSize: number;
	/** The upsert node's executionTime (ms), from the run JSON. */
	nodeMs: number;
	/** Calls to the upsert endpoint, whatever their answer. */
	apiCalls: number;
	/** Records those calls carried (the simulator's write log). */
	recordsSent: number;
	/** API credits the simulator charged during the execution (only the upsert calls API there). */
	credits: number;
	mints: number;
	/** Output items whose answer was Zoho's SUCCESS. */
	succeeded: number;
	outputItems: number;
	/** Peak calls in flight at the simulator. */
	maxInFlight: number;
	/** Wall time of the whole `n8n execute` process (ms), start-up included. */
	processMs: number;
	error?: string;
}

export interface CrmResult {
	n8nVersion: string;
	records: number;
	latencyMs: number;
	concurrency: number;
	runs: CrmRun[];
	setupMs: number;
	failure?: string;
}

function workflowId(batchSize: number): string {
	return `benchCrmUpsertBatch${batchSize}`.slice(0, 21);
}

/**
 * Manual Trigger → Set (an array of 10,000 contacts, its e-mail prefix per run so
 * every run inserts) → Split Out → our upsert. The input nodes call no API, so the
 * simulator's credits are the upsert's alone.
 */
function workflow(options: { batchSize: number }): { id: string } & Record<string, unknown> {
	const prefix = `b${options.batchSize}-`;
	const contacts = `={{ Array.from({ length: ${CRM_RECORDS} }, (_, i) => ({ First_Name: 'First' + i, Last_Name: 'Last' + i, Email: '${prefix}' + i + '@example.com' })) }}`;
	return manyItemsWorkflow({
		id: workflowId(options.batchSize),
		name: `bench CRM upsert, batch size ${options.batchSize}`,
		field: 'contacts',
		arrayExpression: contacts,
		idPrefix: 'c0000000',
		target: {
			name: UPSERT,
			type: 'n8n-nodes-zoho-oauth.zohoOAuthRequest',
			typeVersion: 1,
			parameters: {
				operation: 'recordWrite',
				product: 'crm',
				crmVersion: 'v8',
				writeOperation: 'upsert',
				module: { __rl: true, mode: 'name', value: 'Contacts' },
				recordSource: 'json',
				recordJson: '={{ $json }}',
				duplicateCheckFields: 'Email',
				writeOptions: { batchSize: options.batchSize, maxConcurrency: CRM_CONCURRENCY },
			},
			credentials: { zohoSelfClientApi: { id: 'benchZohoCrmSync001', name: 'Zoho (CRM sync)' } },
		},
	});
}

export async function crmSync(
	sim: SimulatorProcess,
	client: SimClient,
	options: { batchSizes: number[]; log: (line: string) => void },
): Promise<CrmResult> {
	const started = performance.now();
	const version = n8nVersion(2);
	const tarball = await packPackage();
	// The legacy expression engine: 2.x's default one (isolated-vm) can crash n8n while it exits.
	const userFolder: UserFolder = await createUserFolder({
		major: 2,
		packageTarball: tarball,
		env: { N8N_EXPRESSION_ENGINE: 'legacy' },
	});
	const base = {
		n8nVersion: version,
		records: CRM_RECORDS,
		latencyMs: CRM_LATENCY_MS,
		concurrency: CRM_CONCURRENCY,
	};
	try {
		const refreshToken = await sim.createRefreshToken(client);
		await importCredentials({
			major: 2,
			userFolder,
			credentials: [
				{
					id: 'benchZohoCrmSync001',
					name: 'Zoho (CRM sync)',
					type: 'zohoSelfClientApi',
					data: credentialData({ url: sim.url, client, refreshToken }),
				},
			],
		});
		await importWorkflows({
			major: 2,
			userFolder,
			workflows: options.batchSizes.map((batchSize) => workflow({ batchSize })),
		});
		const setupMs = performance.now() - started;
		options.log(
			`  n8n ${version} set up in ${(setupMs / 1000).toFixed(1)} s; the simulator answers each API call after ${CRM_LATENCY_MS} ms`,
		);

		await sim.configure({ apiLatencyMs: CRM_LATENCY_MS });
		const runs: CrmRun[] = [];
		try {
			for (const batchSize of options.batchSizes) {
				await sim.resetCounters();
				const result = await executeWorkflow({
					major: 2,
					userFolder,
					id: workflowId(batchSize),
					timeoutMs: 420_000,
				});
				const counters = await sim.counters();
				const task = taskOf(result.run, UPSERT);
				const output = result.run?.data?.resultData?.runData?.[UPSERT]?.[0]?.data?.main?.[0] ?? [];
				const writes = counters.writes.filter((write) => write.path === UPSERT_PATH);
				const run: CrmRun = {
					batchSize,
					nodeMs: task.executionTime ?? Number.NaN,
					apiCalls: counters.calls.filter((call) => call.path === UPSERT_PATH).length,
					recordsSent: writes.reduce((sum, write) => sum + write.records, 0),
					credits: Object.values(counters.credits).reduce((sum, credits) => sum + credits, 0),
					mints: counters.mints[refreshToken] ?? 0,
					succeeded: output.filter((item) => item.json.code === 'SUCCESS').length,
					outputItems: output.length,
					maxInFlight: counters.maxInFlight,
					processMs: result.durationMs,
					error: result.succeeded
						? undefined
						: (result.run?.data?.resultData?.error?.message ??
							`n8n execute exited with ${String(result.code ?? result.signal)}${result.run ? '' : ' and printed no run'}: ${(result.stderr || result.stdout).slice(-300).replace(/\s+/g, ' ')}`),
				};
				runs.push(run);
				options.log(
					`  batch size ${batchSize}: node ${run.nodeMs} ms, ${run.apiCalls} calls carrying ${run.recordsSent} records, ${run.credits} credits, ${run.mints} minted, ` +
						`${run.succeeded}/${run.outputItems} SUCCESS, peak ${run.maxInFlight} in flight, n8n execute ${(run.processMs / 1000).toFixed(1)} s${run.error ? `, error: ${run.error}` : ''}`,
				);
			}
		} finally {
			await sim.configure({ apiLatencyMs: 0 });
		}
		return { ...base, runs, setupMs };
	} catch (error) {
		const reason =
			error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
		options.log(`  the CRM sync part failed: ${reason}`);
		return { ...base, runs: [], setupMs: performance.now() - started, failure: reason };
	} finally {
		userFolder.cleanup();
		fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
	}
}
