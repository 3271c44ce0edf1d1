/**
 * Create, Update, Upsert or Delete Records inside a real n8n, for each major: the
 * packed package in one user folder, three workflows imported at once, then
 * `n8n execute` runs of batched upserts against the Zoho simulator.
 *
 *   bash n8n-host/install.sh all
 *   npx jest -c e2e/jest.config.js e2e/recordWrite.test.ts   (N8N_E2E_MAJORS=2 or 1 for one major)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	manyItemsWorkflow,
	type ExecuteResult,
	executeWorkflow,
	importCredentials,
	importWorkflows,
	type N8nMajor,
	type N8nRun,
	n8nVersion,
	NODE_TYPE,
	nodeOutput,
	packPackage,
	simulatorCredential,
	type UserFolder,
	createUserFolder,
	type Workflow,
} from '../n8n-driver';
import { type DemoSimulator, startDemoSimulator } from '../simulator/demo';

const majors: N8nMajor[] = (process.env.N8N_E2E_MAJORS ?? '1,2')
	.split(',')
	.map((major) => Number(major.trim()) as N8nMajor);

const CREDENTIAL = { id: 'zohoE2eRecordWrite', name: 'Zoho (record write e2e)' };
const UPSERT_NODE = 'Upsert Contacts';
const UPSERT_PATH = '/crm/v8/Contacts/upsert';
/** The input item without the mandatory Last_Name. */
const MISSING = 50;

const WORKFLOWS = {
	continueOnFail: 'zohoE2eWriteContinue',
	failing: 'zohoE2eWriteFailing',
	bulk: 'zohoE2eWriteBulk',
} as const;

/**
 * Manual Trigger → Set (an array of `count` contacts) → Split Out → upsert into
 * Contacts by Email, 100 per call. The input nodes call no API, so every call and
 * credit the simulator counts is the upsert's.
 */
function upsertWorkflow(options: {
	id: string;
	count: number;
	/** The e-mail prefix: each workflow writes its own contacts. */
	prefix: string;
	/** This input item has no Last_Name, which Zoho refuses. */
	missingLastName?: number;
	continueOnFail?: boolean;
}): Workflow {
	const missing = options.missingLastName ?? -1;
	const contacts =
		`={{ Array.from({ length: ${options.count} }, (_, i) => i === ${missing}` +
		` ? { Email: '${options.prefix}' + i + '@example.com' }` +
		` : { Last_Name: 'Last' + i, Email: '${options.prefix}' + i + '@example.com' }) }}`;
	return manyItemsWorkflow({
		id: options.id,
		name: `e2e: upsert ${options.count} contacts${options.continueOnFail ? ', Continue On Fail' : ''}`,
		field: 'contacts',
		arrayExpression: contacts,
		idPrefix: 'e2e00000',
		target: {
			name: UPSERT_NODE,
			type: NODE_TYPE,
			typeVersion: 1,
			...(options.continueOnFail ? { onError: 'continueRegularOutput' } : {}),
			parameters: {
				operation: 'recordWrite',
				product: 'crm',
				writeOperation: 'upsert',
				module: { __rl: true, mode: 'name', value: 'Contacts' },
				recordSource: 'json',
				recordJson: '={{ $json }}',
				duplicateCheckFields: 'Email',
				writeOptions: { batchSize: 100 },
			},
			credentials: { zohoSelfClientApi: CREDENTIAL },
		},
	});
}

/** The `pairedItem` of each output item of a node's first run. */
function pairedItems(run: N8nRun | undefined, nodeName: string): unknown[] {
	const task = run?.data?.resultData?.runData?.[nodeName]?.[0];
	const items = (task?.data?.main?.[0] ?? []) as Array<{ pairedItem?: unknown }>;
	return items.map((item) => item.pairedItem);
}

let tarball: string;

beforeAll(async () => {
	tarball = await packPackage();
}, 300_000);

afterAll(() => {
	if (tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
});

describe.each(majors)('Create, Update, Upsert or Delete Records in n8n %i.x', (major) => {
	let demo: DemoSimulator;
	let userFolder: UserFolder;

	const execute = async (id: string): Promise<ExecuteResult> => {
		demo.sim.resetCounters();
		const result = await executeWorkflow({ major, userFolder, id, timeoutMs: 240_000 });
		const crash = result.crashedAtExit ? ` (then crashed with ${String(result.signal)})` : '';
		console.log(
			`n8n ${major}.x: execute ${id} took ${result.durationMs} ms, exit ${String(result.code)}${crash}`,
		);
		return result;
	};
	const upsertCalls = (): number =>
		demo.sim.counters().calls.filter((call) => call.path === UPSERT_PATH).length;

	beforeAll(async () => {
		console.log(`n8n ${major}.x is ${n8nVersion(major)}`);
		demo = await startDemoSimulator({ port: 0 });
		const started = Date.now();
		// 2.x's default expression engine (isolated-vm) can crash n8n while it exits; the
		// failing run below asserts n8n's exit code, so both majors use the legacy engine.
		userFolder = await createUserFolder({
			major,
			packageTarball: tarball,
			env: { N8N_EXPRESSION_ENGINE: 'legacy' },
		});
		await importCredentials({
			major,
			userFolder,
			credentials: [simulatorCredential(demo, CREDENTIAL)],
		});
		await importWorkflows({
			major,
			userFolder,
			workflows: [
				upsertWorkflow({
					id: WORKFLOWS.continueOnFail,
					count: 101,
					prefix: 'cof',
					missingLastName: MISSING,
					continueOnFail: true,
				}),
				upsertWorkflow({
					id: WORKFLOWS.failing,
					count: 101,
					prefix: 'strict',
					missingLastName: MISSING,
				}),
				upsertWorkflow({ id: WORKFLOWS.bulk, count: 10_001, prefix: 'bulk' }),
			],
		});
		console.log(
			`n8n ${major}.x: package installed, credential and 3 workflows imported in ${Date.now() - started} ms`,
		);
	}, 600_000);

	afterAll(async () => {
		userFolder?.cleanup();
		await demo?.sim.stop();
	});

	test('Continue On Fail: 101 contacts, one without Last_Name → 2 calls, 11 credits, 101 items in order, item 50 an error item', async () => {
		const result = await execute(WORKFLOWS.continueOnFail);
		expect(result.run?.data?.resultData?.error).toBeUndefined();
		expect(result.succeeded).toBe(true);

		const counters = demo.sim.counters();
		expect(upsertCalls()).toBe(2);
		// Zoho answers 207 to the batch with the refused record, 200 to the other.
		expect(counters.callsByPathStatus).toEqual({
			'POST /oauth/v2/token 200': 1,
			[`POST ${UPSERT_PATH} 207`]: 1,
			[`POST ${UPSERT_PATH} 200`]: 1,
		});
		expect(counters.writes.map((write) => write.records)).toEqual([100, 1]);
		// 1 credit per 10 records sent, refused ones included (our assumption, docs/zoho-conformance.md).
		expect(counters.credits[demo.dc]).toBe(11);
		expect(counters.mintsTotal).toBe(1);

		const out = nodeOutput(result.run, UPSERT_NODE);
		expect(out).toHaveLength(101);
		expect(pairedItems(result.run, UPSERT_NODE)).toEqual(
			Array.from({ length: 101 }, (_, item) => ({ item })),
		);
		expect(out[MISSING]).toEqual(
			expect.objectContaining({
				code: 'RECORD_REFUSED',
				zohoCode: 'MANDATORY_NOT_FOUND',
				field: 'Last_Name',
				httpStatus: 207,
			}),
		);
		expect(String(out[MISSING]?.error)).toContain('MANDATORY_NOT_FOUND');
		const contacts = new Map(
			demo.sim.records(demo.dc, 'Contacts').map((record) => [record.id, record]),
		);
		out.forEach((entry, index) => {
			if (index === MISSING) return;
			expect(entry).toEqual(
				expect.objectContaining({ code: 'SUCCESS', status: 'success', action: 'insert' }),
			);
			// Output item i is Zoho's answer for input item i.
			const id = (entry.details as { id?: string } | undefined)?.id ?? '';
			expect(contacts.get(id)?.Email).toBe(`cof${index}@example.com`);
		});
		expect(
			demo.sim
				.records(demo.dc, 'Contacts')
				.filter((record) => String(record.Email).startsWith('cof')),
		).toHaveLength(100);
	});

	test('without Continue On Fail the same refusal fails the run: n8n exits 1 saying how many of how many, and which are in Zoho now', async () => {
		const result = await execute(WORKFLOWS.failing);
		expect(result.succeeded).toBe(false);
		expect(result.code).toBe(1);
		const error = result.run?.data?.resultData?.error;
		expect(error?.message).toBe(
			'Zoho refused 1 of 101 records and wrote the other 100: they are in Zoho now.',
		);
		expect(String(error?.description)).toContain(
			`item ${MISSING}: MANDATORY_NOT_FOUND (Last_Name)`,
		);
		expect(String(error?.description)).toContain('Written records (item → id): 0 → ');
		expect(String(error?.description)).toContain(
			'Running the node again on the same items finds them by the duplicate check fields',
		);
		expect(String(error?.description)).toContain('Continue On Fail');
		expect(result.run?.data?.resultData?.lastNodeExecuted).toBe(UPSERT_NODE);
		// Zoho wrote the other 100 all the same.
		expect(upsertCalls()).toBe(2);
		expect(demo.sim.counters().credits[demo.dc]).toBe(11);
		expect(
			demo.sim
				.records(demo.dc, 'Contacts')
				.filter((record) => String(record.Email).startsWith('strict')),
		).toHaveLength(100);
	});

	test('10,001 contacts upserted: 101 calls, 1,001 credits, 1 mint, 10,001 items all success', async () => {
		const result = await execute(WORKFLOWS.bulk);
		expect(result.run?.data?.resultData?.error).toBeUndefined();
		expect(result.succeeded).toBe(true);

		const counters = demo.sim.counters();
		expect(upsertCalls()).toBe(101);
		expect(counters.callsByPathStatus[`POST ${UPSERT_PATH} 200`]).toBe(101);
		expect(counters.credits[demo.dc]).toBe(1_001);
		expect(counters.mintsTotal).toBe(1);
		expect(counters.writes.reduce((sum, write) => sum + write.records, 0)).toBe(10_001);

		const out = nodeOutput(result.run, UPSERT_NODE);
		expect(out).toHaveLength(10_001);
		expect(out.filter((entry) => entry.status !== 'success' || entry.code !== 'SUCCESS')).toEqual(
			[],
		);
		const contacts = new Map(
			demo.sim.records(demo.dc, 'Contacts').map((record) => [record.id, record]),
		);
		for (const index of [0, 5_000, 10_000]) {
			const id = (out[index]?.details as { id?: string } | undefined)?.id ?? '';
			expect(contacts.get(id)?.Email).toBe(`bulk${index}@example.com`);
		}
	});
});
