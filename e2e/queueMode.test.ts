/**
 * The package in a real n8n 2.x queue-mode fleet: PostgreSQL, redis-server, a main
 * and two workers, webhook-triggered executions spread over the workers, the Zoho
 * simulator counting what reaches it.
 *
 *   - 200 executions × 10 calls: 1 mint in the whole fleet (zero configuration:
 *     the token store is n8n's own queue Redis);
 *   - both workers restarted: 0 new mints;
 *   - the credential's Concurrency Limit 5 against a Zoho allowing 5: at most 5 in
 *     flight, 0 × 429;
 *   - workers on a Redis of the token store's own (ZOHO_TOKEN_STORE=redis://…), that
 *     Redis stopped mid-run: 0 failed executions; restarted: shared again;
 *   - a worker killed while it holds the refresh lease: the other mints after the
 *     lease, 0 failed executions.
 *
 *   bash n8n-host/install.sh 2 && npm run build && npx jest -c e2e/jest.config.js e2e/queueMode
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { Redis } from 'ioredis';

import {
	activateWorkflow,
	callWebhook,
	createUserFolder,
	executionsStarted,
	CREDENTIAL_TYPE,
	importCredentials,
	importWorkflows,
	NODE_TYPE,
	packPackage,
	queueModeEnv,
	type QueueFleet,
	runWebhooks,
	startQueueFleet,
	type UserFolder,
	type Workflow,
} from '../n8n-driver';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from '../servers';
import { ZohoSimulator } from '../simulator';

const MAJOR = 2;
const CALLS_PER_EXECUTION = 10;
const SCOPES = ['ZohoCRM.modules.ALL', 'ZohoCRM.org.READ'];
const ORG_200 = 'GET /crm/v8/org 200';
const ORG_429 = 'GET /crm/v8/org 429';

/** One credential (own refresh token, so its mints are counted apart) and one webhook workflow per scenario. */
const SCENARIOS = {
	shared: { limit: 'none' },
	limited: { limit: 'free' },
	outage: { limit: 'none' },
	afterOutage: { limit: 'none' },
	leaseKill: { limit: 'none' },
} as const;
type Scenario = keyof typeof SCENARIOS;

const sim = new ZohoSimulator({ dataCentres: ['us'] });
let client: { clientId: string; clientSecret: string };
const refreshTokens = {} as Record<Scenario, string>;

let tarball: string;
let postgres: PostgresServer | undefined;
let queueRedis: RedisServer | undefined;
let storeRedis: RedisServer | undefined;
let userFolder: UserFolder | undefined;
let fleet: QueueFleet | undefined;

/** Webhook (POST {items:[…10]}) → Split Out → Zoho OAuth Request (GET /org per item, 5 at a time). */
function workflowFor(scenario: Scenario): Workflow {
	const id = `zohoQueue${scenario[0]?.toUpperCase()}${scenario.slice(1)}`.slice(0, 21);
	return {
		id,
		name: `queue mode: ${scenario}`,
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		nodes: [
			{
				id: `${id}-webhook`,
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `3f0c6a10-0000-4000-8000-${String(Object.keys(SCENARIOS).indexOf(scenario)).padStart(12, '0')}`,
				parameters: {
					path: `zoho-queue-${scenario}`,
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
			{
				id: `${id}-zoho`,
				name: 'Zoho',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [440, 0],
				parameters: {
					operation: 'apiRequest',
					method: 'GET',
					service: 'crm',
					path: '/org',
					options: { maxConcurrency: 5 },
				},
				credentials: { zohoSelfClientApi: { id: `cred-${scenario}`, name: `Zoho (${scenario})` } },
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
			'Split Out': { main: [[{ node: 'Zoho', type: 'main', index: 0 }]] },
		},
	};
}

const HTTP_NODE_WORKFLOW_ID = 'zohoQueueHttpNode';
const HTTP_NODE_PATH = 'zoho-queue-http-node';

/** Webhook → n8n's HTTP Request node with our credential (the `shared` one) as a predefined credential type. */
function httpRequestWorkflow(): Workflow {
	return {
		id: HTTP_NODE_WORKFLOW_ID,
		name: 'queue mode: HTTP Request node',
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		nodes: [
			{
				id: `${HTTP_NODE_WORKFLOW_ID}-webhook`,
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '3f0c6a10-0000-4000-8000-0000000000ff',
				parameters: {
					path: HTTP_NODE_PATH,
					httpMethod: 'POST',
					responseMode: 'lastNode',
					options: {},
				},
			},
			{
				id: `${HTTP_NODE_WORKFLOW_ID}-http`,
				name: 'HTTP Request',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [220, 0],
				parameters: {
					method: 'GET',
					url: `${sim.url('us')}/crm/v8/org`,
					authentication: 'predefinedCredentialType',
					nodeCredentialType: CREDENTIAL_TYPE,
					options: {},
				},
				credentials: { zohoSelfClientApi: { id: 'cred-shared', name: 'Zoho (shared)' } },
			},
		],
		connections: { Webhook: { main: [[{ node: 'HTTP Request', type: 'main', index: 0 }]] } },
	};
}

const BODY = { items: Array.from({ length: CALLS_PER_EXECUTION }, (_, i) => i) };

function webhookPath(scenario: Scenario | 'httpNode'): string {
	return scenario === 'httpNode' ? HTTP_NODE_PATH : `zoho-queue-${scenario}`;
}

/** `count` executions, `parallel` at a time; returns how many failed (each failure is printed). */
async function executeMany(options: {
	scenario: Scenario | 'httpNode';
	count: number;
	parallel?: number;
	onDone?: (done: number) => void;
}): Promise<number> {
	if (!fleet) throw new Error('the fleet is not running');
	const { failed, failures } = await runWebhooks({
		baseUrl: fleet.main.baseUrl,
		path: webhookPath(options.scenario),
		body: BODY,
		...options,
	});
	for (const failure of failures)
		console.log(`execution of ${options.scenario} failed: ${failure}`);
	return failed;
}

function workers() {
	return fleet?.workers ?? [];
}

function counters() {
	return sim.counters();
}

beforeAll(async () => {
	const started = Date.now();
	tarball = await packPackage();
	await sim.start();
	client = sim.registerClient('us');
	for (const scenario of Object.keys(SCENARIOS) as Scenario[]) {
		refreshTokens[scenario] = sim.createRefreshToken('us', {
			clientId: client.clientId,
			scopes: SCOPES,
			token: `1000.queue.${scenario}.refreshtoken`,
		});
	}
	[postgres, queueRedis, storeRedis] = await Promise.all([
		startPostgres(),
		startRedis(),
		startRedis(),
	]);
	userFolder = await createUserFolder({
		major: MAJOR,
		packageTarball: tarball,
		env: queueModeEnv({ redis: queueRedis, postgres }),
	});
	await importCredentials({
		major: MAJOR,
		userFolder,
		credentials: (Object.keys(SCENARIOS) as Scenario[]).map((scenario) => ({
			id: `cred-${scenario}`,
			name: `Zoho (${scenario})`,
			type: CREDENTIAL_TYPE,
			data: {
				dataCentre: 'custom',
				customAccountsUrl: sim.url('us'),
				...client,
				refreshToken: refreshTokens[scenario],
				concurrencyLimit: SCENARIOS[scenario].limit,
			},
		})),
	});
	const workflows = [
		...(Object.keys(SCENARIOS) as Scenario[]).map(workflowFor),
		httpRequestWorkflow(),
	];
	await importWorkflows({ major: MAJOR, userFolder, workflows });
	for (const workflow of workflows)
		await activateWorkflow({ major: MAJOR, userFolder, id: workflow.id });
	fleet = await startQueueFleet({ major: MAJOR, userFolder, workers: 2 });
	console.log(
		`queue-mode fleet (n8n ${MAJOR}.x main + 2 workers, PostgreSQL, Redis) ready in ${Date.now() - started} ms`,
	);
}, 600_000);

afterAll(async () => {
	await fleet?.stop();
	await Promise.all([queueRedis?.stop(), storeRedis?.stop(), postgres?.stop()]);
	await sim.stop();
	userFolder?.cleanup();
	if (tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
}, 120_000);

describe('n8n 2.x in queue mode: main + 2 workers', () => {
	test(`200 executions × ${CALLS_PER_EXECUTION} calls spread over both workers → 1 mint in the whole fleet`, async () => {
		sim.resetCounters();
		const failed = await executeMany({ scenario: 'shared', count: 200 });
		expect(failed).toBe(0);
		expect(counters().callsByPathStatus[ORG_200]).toBe(200 * CALLS_PER_EXECUTION);
		expect(sim.mintsFor(refreshTokens.shared)).toBe(1);
		// The executions really were spread: each worker ran some (n8n logs each job it starts).
		const perWorker = workers().map(executionsStarted);
		expect(perWorker.every((count) => count > 0)).toBe(true);
		console.log(`executions per worker: ${perWorker.join(' + ')}`);
		console.log(
			`shared: ${counters().callsByPathStatus[ORG_200]} calls, ${sim.mintsFor(refreshTokens.shared)} mint, peak ${counters().maxInFlight} in flight`,
		);
	});

	test("n8n's HTTP Request node with our credential, in the same fleet, sends the same token: 0 mints", async () => {
		const fleetToken = new Set(
			counters()
				.authorizationHeaders.filter((record) => record.path === '/crm/v8/org')
				.map((record) => record.value),
		);
		expect(fleetToken.size).toBe(1);
		sim.resetCounters();
		const failed = await executeMany({ scenario: 'httpNode', count: 10, parallel: 5 });
		expect(failed).toBe(0);
		expect(sim.mintsFor(refreshTokens.shared)).toBe(0);
		const sent = counters()
			.authorizationHeaders.filter((record) => record.path === '/crm/v8/org')
			.map((record) => record.value);
		expect(sent).toHaveLength(10);
		expect(new Set(sent)).toEqual(fleetToken);
	});

	test('both workers restarted → 0 new mints (the token comes from Redis)', async () => {
		await fleet?.restartWorkers();
		sim.resetCounters();
		const failed = await executeMany({ scenario: 'shared', count: 40 });
		expect(failed).toBe(0);
		expect(sim.mintsFor(refreshTokens.shared)).toBe(0);
		expect(counters().callsByPathStatus[ORG_200]).toBe(40 * CALLS_PER_EXECUTION);
	});

	test('Concurrency Limit 5 (Free), Zoho allowing 5 at once → at most 5 in flight, 0 × 429', async () => {
		sim.configure({ concurrencyLimit: 5, apiLatencyMs: 50 });
		try {
			await executeMany({ scenario: 'limited', count: 2, parallel: 1 });
			sim.resetCounters();
			const failed = await executeMany({ scenario: 'limited', count: 60 });
			const seen = counters();
			console.log(
				`limited: ${seen.callsByPathStatus[ORG_200] ?? 0} calls, peak ${seen.maxInFlight} in flight, ${seen.callsByPathStatus[ORG_429] ?? 0} × 429`,
			);
			expect(failed).toBe(0);
			expect(seen.callsByPathStatus[ORG_200]).toBe(60 * CALLS_PER_EXECUTION);
			expect(seen.callsByPathStatus[ORG_429]).toBeUndefined();
			expect(seen.maxInFlight).toBeLessThanOrEqual(5);
		} finally {
			sim.configure({ concurrencyLimit: Infinity, apiLatencyMs: 0 });
		}
	});

	describe('with a Redis of the token store its own (ZOHO_TOKEN_STORE)', () => {
		let probe: Redis;

		beforeAll(async () => {
			await fleet?.restartWorkers({
				workerEnv: { ZOHO_TOKEN_STORE: (storeRedis as RedisServer).url },
			});
			probe = new Redis((storeRedis as RedisServer).port, '127.0.0.1', {
				lazyConnect: true,
				enableOfflineQueue: false,
				maxRetriesPerRequest: 1,
				retryStrategy: () => 200,
			});
			probe.on('error', () => undefined);
			await probe.connect();
		}, 300_000);

		afterAll(() => {
			probe.disconnect();
		});

		test('the store Redis stopped mid-run → 0 failed executions; restarted → shared again (1 mint)', async () => {
			sim.resetCounters();
			let stopping: Promise<void> | undefined;
			const failed = await executeMany({
				scenario: 'outage',
				count: 100,
				onDone: (done) => {
					if (done === 30) stopping = (storeRedis as RedisServer).stop();
				},
			});
			await stopping;
			expect(failed).toBe(0);
			expect(counters().callsByPathStatus[ORG_200]).toBe(100 * CALLS_PER_EXECUTION);
			expect(sim.mintsFor(refreshTokens.outage)).toBe(1);

			storeRedis = await startRedis({ port: (storeRedis as RedisServer).port });
			// Both workers' clients reconnect by themselves (they name their connection).
			const deadline = Date.now() + 30_000;
			while ((await zohoConnections(probe)) < 2 && Date.now() < deadline)
				await new Promise((resolve) => setTimeout(resolve, 200));
			expect(await zohoConnections(probe)).toBe(2);
			const failedAfter = await executeMany({ scenario: 'afterOutage', count: 40 });
			expect(failedAfter).toBe(0);
			expect(sim.mintsFor(refreshTokens.afterOutage)).toBe(1);
		});

		test('a worker killed while it holds the refresh lease → the other mints after the lease, 0 failed executions', async () => {
			// The first token request hangs: the worker that sent it holds the lease.
			sim.injectFault({ path: '/oauth/v2/token', kind: 'delay', delayMs: 300_000 });
			const stuck = new AbortController();
			const first = callWebhook({
				baseUrl: (fleet as QueueFleet).main.baseUrl,
				path: webhookPath('leaseKill'),
				body: BODY,
				signal: stuck.signal,
			});
			const deadline = Date.now() + 60_000;
			let holder: string | undefined;
			while (!holder && Date.now() < deadline) {
				const [lease] = await probe.keys('zoho-oauth:*:lease');
				holder = lease ? ((await probe.get(lease)) ?? undefined) : undefined;
				if (!holder) await new Promise((resolve) => setTimeout(resolve, 100));
			}
			expect(holder).toBeDefined();
			const pid = Number(holder?.split(':')[1]);
			const victim = workers().find((worker) => worker.pid === pid);
			expect(victim).toBeDefined();
			await victim?.stop('SIGKILL');
			// Out of the fleet (its stop() then leaves the dead one alone).
			if (fleet && victim) fleet.workers.splice(fleet.workers.indexOf(victim), 1);

			sim.resetCounters();
			const failed = await executeMany({ scenario: 'leaseKill', count: 20, parallel: 5 });
			expect(failed).toBe(0);
			expect(sim.mintsFor(refreshTokens.leaseKill)).toBe(1);
			stuck.abort();
			await first;
		});
	});
});

async function zohoConnections(probe: Redis): Promise<number> {
	try {
		const list = (await probe.client('LIST')) as string;
		return list.split('\n').filter((line) => line.includes('name=n8n-nodes-zoho-oauth')).length;
	} catch {
		// The probe itself is still reconnecting: nobody counted yet.
		return 0;
	}
}
