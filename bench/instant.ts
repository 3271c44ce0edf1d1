/**
 * Part 8, the instant trigger against the polling trigger in one real n8n 2.x: Zoho (the
 * simulator) sends real notifications to n8n's webhook; both workflows report each
 * execution to a receiver here. Records are created one at a time, as a user would, in
 * Leads (watched by the instant trigger) and Contacts (polled every minute, the polling
 * trigger's shortest interval), at the same moments.
 *
 * - Latency: from the moment the simulator has stored a record to the report of the
 *   execution that carries it (its first node after the trigger ran), measured, both ways.
 * - Credits, the simulator's calls per path. Idle: the instant trigger (default Check
 *   Interval, 60 minutes) is counted from activation to the first change: its channel calls
 *   and its first check; a day is then 24 such checks plus the renewal every 3.5 days
 *   (computed from the measured check). The polls are counted over the whole run (one a
 *   minute). Per 1,000 changes: the fetches the notifications cost, one change at a time
 *   and as one API write of 100 records (no check falls in the run).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	createUserFolder,
	CREDENTIAL_TYPE,
	importCredentials,
	importWorkflows,
	instantTriggerWorkflow,
	n8nVersion,
	POLLING_TRIGGER_TYPE,
	reportingWorkflow,
	packPackage,
	type Receiver,
	type RunningN8n,
	startN8n,
	startReceiver,
	type UserFolder,
	type Workflow,
	activateWorkflow,
} from '../n8n-driver';
import { CREDITS } from '../simulator';
import type { SimClient, SimulatorProcess } from './simulatorControl';
import { credentialData } from './simulatorControl';

const SCOPES = ['ZohoCRM.modules.ALL', 'ZohoCRM.settings.ALL', 'ZohoCRM.notifications.ALL'];
const CREDENTIAL = { id: 'benchZohoInstant01', name: 'Zoho (instant bench)' };
export const INSTANT_CHANGES = 20;
const CHANGE_EVERY_MS = 5_000;
export const BATCH_RECORDS = 100;
/** The instant trigger's default Check Interval. */
export const CHECK_MINUTES = 60;

export interface InstantResult {
	n8nVersion: string;
	changes: number;
	/** ms from a record stored to its execution's report. */
	instantMs: number[];
	pollingMs: number[];
	/** Notifications the simulator delivered for the changes, and the record fetches they cost. */
	deliveries: number;
	fetches: number;
	/** From activation to the first change: the instant trigger's calls (channel, first check). */
	activation: { watchCalls: number; checkCalls: number; checkCredits: number };
	/** The polling trigger's calls over `minutes` of the run. */
	polling: { calls: number; minutes: number };
	batch: { records: number; executions: number; items: number; fetches: number };
	setupMs: number;
	failure?: string;
}

interface Report {
	items: Array<{ id?: string; Last_Name?: string }>;
}

function pollingWorkflow(reportTo: string): Workflow {
	return reportingWorkflow({
		id: 'benchPollingTrigger',
		reportTo,
		trigger: {
			name: 'Zoho Polling',
			type: POLLING_TRIGGER_TYPE,
			parameters: {
				pollTimes: { item: [{ mode: 'everyMinute' }] },
				module: { __rl: true, mode: 'name', value: 'Contacts' },
				fields: 'Last_Name',
			},
			credentials: { zohoSelfClientApi: CREDENTIAL },
		},
	});
}

async function until(condition: () => boolean | Promise<boolean>, limitMs: number): Promise<void> {
	const deadline = Date.now() + limitMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`not within ${limitMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** When each record first appears in a report: id → ms. */
function firstSeen(receiver: Receiver, options: { from: number }): Map<string, number> {
	const seen = new Map<string, number>();
	for (const hit of receiver.hits) {
		if (hit.at < options.from) continue;
		for (const item of (hit.body as Report).items ?? [])
			if (item.id && !seen.has(item.id)) seen.set(item.id, hit.at);
	}
	return seen;
}

export async function instantBench(
	sim: SimulatorProcess,
	client: SimClient,
	options: { log: (line: string) => void },
): Promise<InstantResult> {
	const started = performance.now();
	const version = n8nVersion(2);
	const refreshToken = await sim.createRefreshToken(client, SCOPES);
	const instantReceiver = await startReceiver();
	const pollingReceiver = await startReceiver();
	let userFolder: UserFolder | undefined;
	let n8n: RunningN8n | undefined;
	const base = { n8nVersion: version, changes: INSTANT_CHANGES };
	try {
		const tarball = await packPackage();
		userFolder = await createUserFolder({
			major: 2,
			packageTarball: tarball,
			env: { N8N_EXPRESSION_ENGINE: 'legacy' },
		});
		fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
		await importCredentials({
			major: 2,
			userFolder,
			credentials: [
				{
					...CREDENTIAL,
					type: CREDENTIAL_TYPE,
					data: credentialData({ url: sim.url, client, refreshToken }),
				},
			],
		});
		const instant = instantTriggerWorkflow({
			id: 'benchInstantTrigger',
			webhookId: '7b2f0c1e-0000-4000-8000-0000000000a1',
			credential: CREDENTIAL,
			reportTo: instantReceiver.url,
			parameters: {
				module: { __rl: true, mode: 'name', value: 'Leads' },
				events: ['created', 'edited', 'deleted'],
				fields: 'Last_Name',
			},
		});
		await importWorkflows({
			major: 2,
			userFolder,
			workflows: [instant, pollingWorkflow(pollingReceiver.url)],
		});
		for (const id of [instant.id, 'benchPollingTrigger'])
			await activateWorkflow({ major: 2, userFolder, id });
		await sim.resetCounters();
		n8n = await startN8n({ major: 2, userFolder, readyTimeoutMs: 180_000 });
		await until(async () => {
			const { channels } = await sim.admin<{ channels: Array<{ active: boolean }> }>(
				'GET',
				'notifications',
			);
			return channels.some((channel) => channel.active);
		}, 120_000);
		const setupMs = performance.now() - started;
		options.log(
			`  n8n ${version} with both triggers active after ${(setupMs / 1000).toFixed(0)} s`,
		);

		// The instant trigger's first check follows activation; then nothing is due for an hour.
		await until(async () => {
			const counted = await sim.counters();
			return Object.keys(counted.callsByPathStatus).some((key) =>
				key.startsWith('GET /crm/v8/Leads '),
			);
		}, 60_000);
		const activated = await sim.counters();
		const countOf = (counters: typeof activated, prefix: string) =>
			Object.entries(counters.callsByPathStatus)
				.filter(([key]) => key.startsWith(prefix))
				.reduce((sum, [, count]) => sum + count, 0);
		await sim.resetCounters();
		const from = Date.now();
		const stored = new Map<string, { module: string; at: number }>();
		for (let i = 0; i < INSTANT_CHANGES; i++) {
			for (const module of ['Leads', 'Contacts']) {
				const { id } = await sim.admin<{ id: string }>('POST', `records/${module}`, {
					fields: { Last_Name: `Bench ${i}` },
				});
				stored.set(id, { module, at: Date.now() });
			}
			await new Promise((resolve) => setTimeout(resolve, CHANGE_EVERY_MS));
		}
		const wanted = (module: string) =>
			[...stored].filter(([, change]) => change.module === module).map(([id]) => id);
		const reported = (receiver: Receiver, module: string) => {
			const seen = firstSeen(receiver, { from });
			return wanted(module).every((id) => seen.has(id));
		};
		await until(() => reported(instantReceiver, 'Leads'), 60_000);
		await until(() => reported(pollingReceiver, 'Contacts'), 90_000);
		const latencies = (receiver: Receiver, module: string) => {
			const seen = firstSeen(receiver, { from });
			return wanted(module).map((id) => (seen.get(id) ?? Number.NaN) - (stored.get(id)?.at ?? 0));
		};
		const during = await sim.counters();
		const minutes = (Date.now() - from) / 60_000;

		// One API write of 100 Leads: one notification, one fetch.
		await sim.resetCounters();
		const hitsBefore = instantReceiver.hits.length;
		const token = await mint(sim, { client, refreshToken });
		const res = await fetch(`${sim.url}/crm/v8/Leads`, {
			method: 'POST',
			headers: { Authorization: `Zoho-oauthtoken ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify({
				data: Array.from({ length: BATCH_RECORDS }, (_, i) => ({ Last_Name: `Batch ${i}` })),
			}),
		});
		if (res.status !== 201) throw new Error(`the 100-record write answered ${res.status}`);
		await until(
			() =>
				instantReceiver.hits
					.slice(hitsBefore)
					.reduce((sum, hit) => sum + ((hit.body as Report).items?.length ?? 0), 0) >=
				BATCH_RECORDS,
			60_000,
		);
		const batchCounters = await sim.counters();
		const batchHits = instantReceiver.hits.slice(hitsBefore);
		return {
			...base,
			instantMs: latencies(instantReceiver, 'Leads'),
			pollingMs: latencies(pollingReceiver, 'Contacts'),
			deliveries: during.notifications.delivered,
			fetches: countOf(during, 'GET /crm/v8/Leads '),
			activation: {
				watchCalls:
					countOf(activated, 'POST /crm/v8/actions/watch') +
					countOf(activated, 'GET /crm/v8/actions/watch'),
				// A check reads the changes, and the deletions (the Deleted event is on).
				checkCalls:
					countOf(activated, 'GET /crm/v8/Leads ') +
					countOf(activated, 'GET /crm/v8/Leads/deleted '),
				// Zoho's table: a list 1 credit, the deleted records 2 (simulator/limits.ts).
				checkCredits:
					countOf(activated, 'GET /crm/v8/Leads ') * CREDITS.other +
					countOf(activated, 'GET /crm/v8/Leads/deleted ') * CREDITS.deletedRecords,
			},
			polling: { calls: countOf(during, 'GET /crm/v8/Contacts '), minutes },
			batch: {
				records: BATCH_RECORDS,
				executions: batchHits.length,
				items: batchHits.reduce((sum, hit) => sum + ((hit.body as Report).items?.length ?? 0), 0),
				fetches: countOf(batchCounters, 'GET /crm/v8/Leads '),
			},
			setupMs,
		};
	} catch (error) {
		const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
		options.log(`  the instant trigger part failed: ${reason ?? ''}`);
		return {
			...base,
			instantMs: [],
			pollingMs: [],
			deliveries: 0,
			fetches: 0,
			activation: { watchCalls: 0, checkCalls: 0, checkCredits: 0 },
			polling: { calls: 0, minutes: 0 },
			batch: { records: BATCH_RECORDS, executions: 0, items: 0, fetches: 0 },
			setupMs: performance.now() - started,
			failure: reason,
		};
	} finally {
		await n8n?.stop();
		await Promise.all([instantReceiver.close(), pollingReceiver.close()]);
		userFolder?.cleanup();
	}
}

async function mint(
	sim: SimulatorProcess,
	options: { client: SimClient; refreshToken: string },
): Promise<string> {
	const res = await fetch(`${sim.url}/oauth/v2/token`, {
		method: 'POST',
		body: new URLSearchParams({
			grant_type: 'refresh_token',
			client_id: options.client.clientId,
			client_secret: options.client.clientSecret,
			refresh_token: options.refreshToken,
		}),
	});
	const json = (await res.json()) as { access_token?: string };
	if (!json.access_token) throw new Error('the simulator minted no access token');
	return json.access_token;
}
