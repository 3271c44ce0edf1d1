/**
 * Part 6, a queue-mode fleet: n8n 2.x main + 2 workers on PostgreSQL and
 * redis-server, webhook-triggered executions of M GETs each against a Zoho whose
 * organisation allows 5 calls at once and answers each after 50 ms, three ways:
 * our node with the token store of the fleet's Redis (no setting in queue mode)
 * and the credential's Concurrency Limit 5; our node with every process for itself
 * (ZOHO_TOKEN_STORE=memory, no limit); n8n's HTTP Request node with n8n's generic
 * OAuth2 credential. Mints, 429s and the peak in flight are the simulator's counts.
 *
 * Each way runs twice: against the limited organisation (429s, failed executions,
 * wall time) and then against one without a limit, which shows how many calls the
 * fleet sends at once (the simulator never has more in flight than it admits).
 *
 * Then writes: our node creating Leads 100 a call on the fleet's Redis, credential
 * Concurrency Limit 25 (Ultimate), against a Zoho that admits 25 calls at once and 10
 * writes of more than 10 records (its sub-concurrency): the 429s it draws, and the credits
 * by Zoho's table (1 per 10 records).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	activateWorkflow,
	createUserFolder,
	executionsStarted,
	importCredentials,
	importWorkflows,
	n8nVersion,
	packPackage,
	queueModeEnv,
	runWebhooks,
	startQueueFleet,
	type QueueFleet,
	type UserFolder,
} from '../n8n-driver';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from '../servers';
import type { CountersSnapshot } from '../simulator';
import type { SimClient, SimulatorProcess } from './simulatorControl';
import { credentialData } from './simulatorControl';

export const FLEET_LATENCY_MS = 50;
export const FLEET_ORG_LIMIT = 5;
/** The writes part: the Ultimate edition's limit, and Zoho's sub-concurrency in every edition. */
export const FLEET_WRITES = {
	orgLimit: 25,
	subConcurrency: 10,
	executions: 6,
	recordsEach: 1_000,
} as const;
const WORKERS = 2;
const SOID = 'bench-org';

export type FleetVariant = 'oursRedis' | 'oursPerProcess' | 'httpOAuth2';

export interface FleetLoad {
	executions: number;
	callsEach: number;
	/** Webhook calls open at once. */
	parallel: number;
	/** Calls one execution may have open at once (our node's Max Concurrent Requests). */
	maxConcurrency: number;
}

export interface FleetRun {
	variant: FleetVariant;
	/** Tokens minted during the run (refresh-token mints, or client-credentials tokens). */
	mints: number;
	tokenRequests: number;
	ok: number;
	throttled: number;
	/** Peak calls in flight at the simulator, which admits at most its limit. */
	maxInFlight: number;
	failedExecutions: number;
	/** From the first webhook call to the last answer. */
	wallMs: number;
	executionsPerWorker: number[];
	/** The same load against an organisation without a limit: the calls the fleet sends at once. */
	demand?: { maxInFlight: number; mints: number; failedExecutions: number; wallMs: number };
}

/** The writes part's counts, all the simulator's. */
export interface FleetWritesRun {
	/** Write calls answered 201, and refused with 429. */
	ok: number;
	throttled: number;
	maxInFlight: number;
	credits: number;
	failedExecutions: number;
	wallMs: number;
}

export interface FleetResult {
	n8nVersion: string;
	load: FleetLoad;
	runs: FleetRun[];
	writes?: FleetWritesRun;
	/** Package, servers, imports and the fleet's start (ms). */
	setupMs: number;
	failure?: string;
}

const CREDENTIALS = {
	oursRedis: { id: 'benchFleetRedis001', name: 'Zoho (fleet, Concurrency Limit 5)' },
	oursPerProcess: { id: 'benchFleetMemory01', name: 'Zoho (per process)' },
	httpOAuth2: { id: 'benchFleetOAuth2001', name: 'Generic OAuth2 (client credentials)' },
	oursWrites: { id: 'benchFleetWrites001', name: 'Zoho (fleet, Concurrency Limit 25)' },
} as const;
const WRITES_WEBHOOK = { id: 'f1ee7000-0000-4000-8000-000000000004', path: 'bench-fleet-writes' };

const WEBHOOK_IDS: Record<FleetVariant, string> = {
	oursRedis: 'f1ee7000-0000-4000-8000-000000000001',
	oursPerProcess: 'f1ee7000-0000-4000-8000-000000000002',
	httpOAuth2: 'f1ee7000-0000-4000-8000-000000000003',
};

function webhookPath(variant: FleetVariant): string {
	return `bench-fleet-${variant.toLowerCase()}`;
}

function workflowId(variant: FleetVariant): string {
	return `benchFleet${variant[0]?.toUpperCase() ?? ''}${variant.slice(1)}`.slice(0, 21);
}

/** Webhook (POST {items: [...]}) → Split Out → the variant's GET of one Lead per item. */
function workflow(options: {
	variant: FleetVariant;
	url: string;
	leadPath: string;
	maxConcurrency: number;
}): { id: string } & Record<string, unknown> {
	const { variant } = options;
	const credential = CREDENTIALS[variant];
	const target =
		variant === 'httpOAuth2'
			? {
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: 4.2,
					parameters: {
						method: 'GET',
						url: `${options.url}${options.leadPath}`,
						authentication: 'genericCredentialType',
						genericAuthType: 'oAuth2Api',
						options: {},
					},
					credentials: { oAuth2Api: credential },
				}
			: {
					type: 'n8n-nodes-zoho-oauth.zohoOAuthRequest',
					typeVersion: 1,
					parameters: {
						operation: 'apiRequest',
						method: 'GET',
						service: 'crm',
						path: options.leadPath,
						options: { maxConcurrency: options.maxConcurrency },
					},
					credentials: { zohoSelfClientApi: credential },
				};
	return webhookWorkflow({
		id: workflowId(variant),
		webhookId: WEBHOOK_IDS[variant],
		path: webhookPath(variant),
		target,
	});
}

/** Webhook (POST {items: [...]}) → Split Out → `target`, named Zoho. */
function webhookWorkflow(options: {
	id: string;
	webhookId: string;
	path: string;
	target: Record<string, unknown>;
}): { id: string } & Record<string, unknown> {
	const { id } = options;
	return {
		id,
		name: `bench fleet ${id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: `${id}-hook`,
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: options.webhookId,
				parameters: {
					path: options.path,
					httpMethod: 'POST',
					responseMode: 'lastNode',
					options: {},
				},
			},
			{
				id: `${id}-split`,
				name: 'Split Out',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [220, 0],
				parameters: { fieldToSplitOut: 'body.items', options: {} },
			},
			{ id: `${id}-target`, name: 'Zoho', position: [440, 0], ...options.target },
		],
		connections: {
			Webhook: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
			'Split Out': { main: [[{ node: 'Zoho', type: 'main', index: 0 }]] },
		},
	};
}

/** Webhook → Split Out → our node creating one Lead per item, 100 a call, up to 25 calls at once. */
function writesWorkflow(): { id: string } & Record<string, unknown> {
	return webhookWorkflow({
		id: 'benchFleetWrites',
		webhookId: WRITES_WEBHOOK.id,
		path: WRITES_WEBHOOK.path,
		target: {
			type: 'n8n-nodes-zoho-oauth.zohoOAuthRequest',
			typeVersion: 1,
			parameters: {
				operation: 'recordWrite',
				product: 'crm',
				writeOperation: 'create',
				module: { __rl: true, mode: 'name', value: 'Leads' },
				recordSource: 'json',
				recordJson: '{"Last_Name": "Fleet"}',
				writeOptions: { batchSize: 100, maxConcurrency: FLEET_WRITES.orgLimit },
			},
			credentials: { zohoSelfClientApi: CREDENTIALS.oursWrites },
		},
	});
}

/** `load.executions` webhook calls, `load.parallel` open at once: how many failed, the first failure and the wall time. */
async function executeMany(options: {
	baseUrl: string;
	variant: FleetVariant;
	load: FleetLoad;
}): Promise<{ failed: number; wallMs: number; firstFailure?: string }> {
	const started = performance.now();
	const { failed, failures } = await runWebhooks({
		baseUrl: options.baseUrl,
		path: webhookPath(options.variant),
		body: { items: Array.from({ length: options.load.callsEach }, (_, i) => i) },
		count: options.load.executions,
		parallel: options.load.parallel,
		timeoutMs: 300_000,
	});
	return { failed, wallMs: performance.now() - started, firstFailure: failures[0] };
}

interface FleetContext {
	sim: SimulatorProcess;
	fleet: QueueFleet;
	load: FleetLoad;
	leadPath: string;
	refreshTokens: Record<'oursRedis' | 'oursPerProcess', string>;
	demand: boolean;
	log: (line: string) => void;
}

async function measure(context: FleetContext, variant: FleetVariant): Promise<FleetRun> {
	const { sim, fleet, load, leadPath } = context;
	await sim.configure({ apiLatencyMs: FLEET_LATENCY_MS, concurrencyLimit: FLEET_ORG_LIMIT });
	await sim.resetCounters();
	const startedBefore = fleet.workers.map(executionsStarted);
	const limited = await executeMany({ baseUrl: fleet.main.baseUrl, variant, load });
	const counters = await sim.counters();
	const mintsOf = (seen: CountersSnapshot): number =>
		variant === 'httpOAuth2'
			? (seen.tokenRequestsByOutcome['client_credentials:success'] ?? 0)
			: (seen.mints[context.refreshTokens[variant]] ?? 0);
	const run: FleetRun = {
		variant,
		mints: mintsOf(counters),
		tokenRequests: counters.tokenRequests,
		ok: counters.callsByPathStatus[`GET ${leadPath} 200`] ?? 0,
		throttled: counters.callsByPathStatus[`GET ${leadPath} 429`] ?? 0,
		maxInFlight: counters.maxInFlight,
		failedExecutions: limited.failed,
		wallMs: limited.wallMs,
		executionsPerWorker: fleet.workers.map(
			(worker, index) => executionsStarted(worker) - (startedBefore[index] ?? 0),
		),
	};
	context.log(
		`  ${variant}: ${run.mints} minted (${run.tokenRequests} token requests), ${run.ok} × 200, ${run.throttled} × 429, peak ${run.maxInFlight} in flight, ` +
			`${run.failedExecutions}/${load.executions} executions failed${limited.firstFailure ? ` (first: ${limited.firstFailure})` : ''}, ${(run.wallMs / 1000).toFixed(1)} s, ` +
			`executions per worker ${run.executionsPerWorker.join(' + ')}`,
	);
	if (context.demand) {
		await sim.configure({ concurrencyLimit: Infinity });
		await sim.resetCounters();
		const open = await executeMany({ baseUrl: fleet.main.baseUrl, variant, load });
		const seen = await sim.counters();
		run.demand = {
			maxInFlight: seen.maxInFlight,
			mints: mintsOf(seen),
			failedExecutions: open.failed,
			wallMs: open.wallMs,
		};
		context.log(
			`  ${variant}, organisation without a limit: peak ${run.demand.maxInFlight} in flight, ${run.demand.mints} minted, ${open.failed} failed, ${(open.wallMs / 1000).toFixed(1)} s`,
		);
	}
	return run;
}

async function measureWrites(context: FleetContext): Promise<FleetWritesRun> {
	const { sim, fleet } = context;
	await sim.configure({
		apiLatencyMs: FLEET_LATENCY_MS,
		concurrencyLimit: FLEET_WRITES.orgLimit,
		subConcurrencyLimit: FLEET_WRITES.subConcurrency,
	});
	await sim.resetCounters();
	const started = performance.now();
	const { failed, failures } = await runWebhooks({
		baseUrl: fleet.main.baseUrl,
		path: WRITES_WEBHOOK.path,
		body: { items: Array.from({ length: FLEET_WRITES.recordsEach }, (_, i) => i) },
		count: FLEET_WRITES.executions,
		parallel: FLEET_WRITES.executions,
		timeoutMs: 300_000,
	});
	const counters = await sim.counters();
	const run: FleetWritesRun = {
		ok: counters.callsByPathStatus['POST /crm/v8/Leads 201'] ?? 0,
		throttled: counters.callsByPathStatus['POST /crm/v8/Leads 429'] ?? 0,
		maxInFlight: counters.maxInFlight,
		credits: Object.values(counters.credits).reduce((sum, credits) => sum + credits, 0),
		failedExecutions: failed,
		wallMs: performance.now() - started,
	};
	context.log(
		`  writes, Concurrency Limit ${FLEET_WRITES.orgLimit}, sub-concurrency ${FLEET_WRITES.subConcurrency}: ${run.ok} × 201, ${run.throttled} × 429, ` +
			`peak ${run.maxInFlight} in flight, ${run.credits} credits, ${failed}/${FLEET_WRITES.executions} executions failed${failures[0] ? ` (first: ${failures[0]})` : ''}, ${(run.wallMs / 1000).toFixed(1)} s`,
	);
	return run;
}

export async function fleetBench(
	sim: SimulatorProcess,
	client: SimClient,
	options: { load: FleetLoad; demand: boolean; log: (line: string) => void },
): Promise<FleetResult> {
	const started = performance.now();
	const version = n8nVersion(2);
	const base = { n8nVersion: version, load: options.load };
	let tarball: string | undefined;
	let postgres: PostgresServer | undefined;
	let redis: RedisServer | undefined;
	let userFolder: UserFolder | undefined;
	let fleet: QueueFleet | undefined;
	try {
		// Settled one by one, so whatever did start is stopped below when another failed.
		const [packed, pg, rd] = await Promise.allSettled([
			packPackage(),
			startPostgres(),
			startRedis(),
		]);
		tarball = packed.status === 'fulfilled' ? packed.value : undefined;
		postgres = pg.status === 'fulfilled' ? pg.value : undefined;
		redis = rd.status === 'fulfilled' ? rd.value : undefined;
		for (const outcome of [packed, pg, rd]) if (outcome.status === 'rejected') throw outcome.reason;
		if (!tarball || !postgres || !redis)
			throw new Error('the package, PostgreSQL or Redis did not come up');
		userFolder = await createUserFolder({
			major: 2,
			packageTarball: tarball,
			// The legacy expression engine: 2.x's default one (isolated-vm) can crash n8n while it exits.
			env: { ...queueModeEnv({ redis, postgres }), N8N_EXPRESSION_ENGINE: 'legacy' },
		});
		const [leadId] = await sim.seedCrm('Leads', 1);
		const leadPath = `/crm/v8/Leads/${String(leadId)}`;
		const refreshTokens = {
			oursRedis: await sim.createRefreshToken(client),
			oursPerProcess: await sim.createRefreshToken(client),
		};
		const writesToken = await sim.createRefreshToken(client);
		await importCredentials({
			major: 2,
			userFolder,
			credentials: [
				{
					...CREDENTIALS.oursRedis,
					type: 'zohoSelfClientApi',
					data: {
						...credentialData({ url: sim.url, client, refreshToken: refreshTokens.oursRedis }),
						concurrencyLimit: 'free',
					},
				},
				{
					...CREDENTIALS.oursPerProcess,
					type: 'zohoSelfClientApi',
					data: {
						...credentialData({ url: sim.url, client, refreshToken: refreshTokens.oursPerProcess }),
						concurrencyLimit: 'none',
					},
				},
				{
					...CREDENTIALS.oursWrites,
					type: 'zohoSelfClientApi',
					data: {
						...credentialData({ url: sim.url, client, refreshToken: writesToken }),
						concurrencyLimit: 'ultimate',
					},
				},
				{
					...CREDENTIALS.httpOAuth2,
					type: 'oAuth2Api',
					data: {
						grantType: 'clientCredentials',
						// Zoho's client-credentials grant needs the organisation (soid).
						accessTokenUrl: `${sim.url}/oauth/v2/token?soid=${SOID}`,
						clientId: client.clientId,
						clientSecret: client.clientSecret,
						scope: 'ZohoCRM.modules.ALL',
						authentication: 'body',
					},
				},
			],
		});
		const variants: FleetVariant[] = ['oursRedis', 'httpOAuth2', 'oursPerProcess'];
		const workflows = [
			...variants.map((variant) =>
				workflow({ variant, url: sim.url, leadPath, maxConcurrency: options.load.maxConcurrency }),
			),
			writesWorkflow(),
		];
		await importWorkflows({ major: 2, userFolder, workflows });
		for (const { id } of workflows) await activateWorkflow({ major: 2, userFolder, id });
		fleet = await startQueueFleet({ major: 2, userFolder, workers: WORKERS });
		const setupMs = performance.now() - started;
		options.log(
			`  n8n ${version} main + ${WORKERS} workers, PostgreSQL, redis-server ready in ${(setupMs / 1000).toFixed(1)} s`,
		);

		const context: FleetContext = {
			sim,
			fleet,
			load: options.load,
			leadPath,
			refreshTokens,
			demand: options.demand,
			log: options.log,
		};
		const runs: FleetRun[] = [];
		let writes: FleetWritesRun | undefined;
		try {
			// Zero configuration: in queue mode our node keeps its tokens in the queue's Redis.
			runs.push(await measure(context, 'oursRedis'));
			runs.push(await measure(context, 'httpOAuth2'));
			// Before the restart below: the writes share the fleet's Redis too.
			writes = await measureWrites(context);
			await fleet.restartWorkers({ workerEnv: { ZOHO_TOKEN_STORE: 'memory' } });
			runs.push(await measure(context, 'oursPerProcess'));
		} finally {
			await sim.configure({
				apiLatencyMs: 0,
				concurrencyLimit: Infinity,
				subConcurrencyLimit: Infinity,
			});
		}
		return { ...base, runs, writes, setupMs };
	} catch (error) {
		const reason =
			error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
		options.log(`  the fleet part failed: ${reason}`);
		return { ...base, runs: [], setupMs: performance.now() - started, failure: reason };
	} finally {
		// n8n first (it holds connections to both servers); every step runs even if one fails.
		const stopped = [
			await Promise.allSettled([fleet?.stop()]),
			await Promise.allSettled([redis?.stop(), postgres?.stop()]),
		].flat();
		for (const outcome of stopped) {
			if (outcome.status === 'rejected')
				options.log(`  could not stop a fleet process: ${String(outcome.reason)}`);
		}
		userFolder?.cleanup();
		if (tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
	}
}
