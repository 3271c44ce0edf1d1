/**
 * Export Records (Bulk Read), Query (COQL) inside a real n8n, for each major: the packed
 * package in one user folder, the workflows imported at once, then `n8n execute` runs
 * against the Zoho simulator (this process). n8n keeps every output item of a run in
 * memory and prints it, so the 250,000-record export runs as two CSV files (its pages);
 * records as items run with criteria (6,667), and COQL past Zoho's 100,000-row OFFSET
 * ceiling (102,000 rows), a job Zoho fails and a GROUP BY query, all in one run; a cancel needs a run of its own. Each run's time
 * and n8n's peak memory are logged.
 *
 *   bash n8n-host/install.sh all
 *   npx jest -c e2e/jest.config.js e2e/readAtScale.test.ts   (N8N_E2E_MAJORS=2 or 1 for one major)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	createUserFolder,
	executeWorkflow,
	importCredentials,
	importWorkflows,
	n8nVersion,
	NODE_TYPE,
	nodeOutput,
	packPackage,
	simulatorCredential,
	type ExecuteResult,
	type N8nMajor,
	type UserFolder,
	type Workflow,
} from '../n8n-driver';
import { startDemoSimulator, type DemoSimulator } from '../simulator/demo';
import { zohoDateTime } from '../simulator/time';

const majors: N8nMajor[] = (process.env.N8N_E2E_MAJORS ?? '1,2')
	.split(',')
	.map((major) => Number(major.trim()) as N8nMajor);

const CREDENTIAL = { id: 'zohoE2eReadAtScale', name: 'Zoho (read at scale e2e)' };
const LEADS = 250_000;
const CONTACTS = 102_000;
/** Lead i was created and last changed at BASE + i seconds. */
const BASE = Date.parse('2026-01-01T00:00:00Z');
const FIELDS = ['Last_Name', 'Email', 'No_of_Employees', 'Lead_Status'];
const WORKFLOWS = { reads: 'zohoE2eReadAtScale', cancelled: 'zohoE2eExportCancel' } as const;
/** n8n stops the cancelled run after this many seconds (the workflow's Timeout). */
const CANCEL_AFTER_S = 5;
const NODES = {
	csv: 'Export Leads as CSV',
	items: 'Export Changed Qualified Leads',
	failing: 'Export Zoho Fails',
	coql: 'All Contacts (COQL)',
	grouped: 'Leads by Status (COQL GROUP BY)',
	cancelled: 'Export Cancelled',
} as const;

/**
 * Start → each node in turn, each run once (Execute Once): one `n8n execute` checks them
 * all, as n8n starts in seconds, not milliseconds.
 */
function chainWorkflow(options: {
	id: string;
	name: string;
	nodes: Array<{ name: string; parameters: Record<string, unknown>; continueOnFail?: boolean }>;
	settings?: Record<string, unknown>;
}): Workflow {
	const nodeId = (n: number): string => `e2e21000-0000-4000-8000-${String(n).padStart(12, '0')}`;
	const names = ['Start', ...options.nodes.map((node) => node.name)];
	return {
		id: options.id,
		name: options.name,
		active: false,
		settings: { executionOrder: 'v1', ...options.settings },
		pinData: {},
		nodes: [
			{
				id: nodeId(0),
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			...options.nodes.map((node, index) => ({
				id: nodeId(index + 1),
				name: node.name,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [220 * (index + 1), 0],
				executeOnce: true,
				parameters: node.parameters,
				credentials: { zohoSelfClientApi: CREDENTIAL },
				...(node.continueOnFail ? { onError: 'continueRegularOutput' } : {}),
			})),
		],
		connections: Object.fromEntries(
			names
				.slice(0, -1)
				.map((name, index) => [
					name,
					{ main: [[{ node: names[index + 1], type: 'main', index: 0 }]] },
				]),
		),
	};
}

const leads = { __rl: true, mode: 'name', value: 'Leads' };
const exportLeads = { operation: 'exportRecords', module: leads, fields: FIELDS };

const workflows: Workflow[] = [
	chainWorkflow({
		id: WORKFLOWS.reads,
		name: 'e2e: Bulk Read and COQL at scale',
		nodes: [
			{ name: NODES.csv, parameters: { ...exportLeads, exportOutput: 'csvFile' } },
			{
				name: NODES.items,
				parameters: {
					...exportLeads,
					exportFilters: {
						modifiedFrom: new Date(BASE + 100_001 * 1000).toISOString(),
						modifiedTo: new Date(BASE + 120_000 * 1000).toISOString(),
						criteriaJson:
							'{ "field": { "api_name": "Lead_Status" }, "comparator": "equal", "value": "Qualified" }',
					},
				},
			},
			{ name: NODES.failing, parameters: exportLeads, continueOnFail: true },
			{
				name: NODES.coql,
				parameters: {
					operation: 'coqlQuery',
					query: 'select Last_Name, Email from Contacts where Last_Name is not null',
					returnAll: true,
				},
			},
			{
				name: NODES.grouped,
				parameters: {
					operation: 'coqlQuery',
					query:
						'select Lead_Status, COUNT(id) as total from Leads where Lead_Status is not null group by Lead_Status order by Lead_Status',
					returnAll: true,
				},
			},
		],
	}),
	chainWorkflow({
		id: WORKFLOWS.cancelled,
		name: 'e2e: an export cancelled by the workflow timeout',
		nodes: [{ name: NODES.cancelled, parameters: exportLeads }],
		settings: { executionTimeout: CANCEL_AFTER_S },
	}),
];

let tarball: string;
let demo: DemoSimulator;
/** Each major's user folder, set up side by side: n8n's set-up (migrations, imports) is most of the file's time. */
const folders = new Map<N8nMajor, UserFolder>();

beforeAll(async () => {
	demo = await startDemoSimulator({ port: 0, leads: 0, contacts: 0, dataCentres: ['us'] });
	demo.sim.seedCrm(demo.dc, {
		module: 'Leads',
		count: LEADS,
		make: (i) => ({
			Last_Name: `Last${i}`,
			Email: `lead${i}@example.com`,
			No_of_Employees: i % 500,
			Lead_Status: i % 3 === 0 ? 'Qualified' : 'Contacted',
			Created_Time: zohoDateTime(BASE + i * 1000),
			Modified_Time: zohoDateTime(BASE + i * 1000),
		}),
	});
	demo.sim.seedCrm(demo.dc, {
		module: 'Contacts',
		count: CONTACTS,
		make: (i) => ({ Last_Name: `Contact${i}`, Email: `contact${i}@example.com` }),
	});
	tarball = await packPackage();
	await Promise.all(majors.map(async (major) => folders.set(major, await setUp(major))));
}, 900_000);

afterAll(async () => {
	for (const folder of folders.values()) folder.cleanup();
	if (tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
	await demo?.sim.stop();
});

/** A user folder with the package, the credential and the workflows; binary data as files in `binary/`. */
async function setUp(major: N8nMajor): Promise<UserFolder> {
	console.log(`n8n ${major}.x is ${n8nVersion(major)}`);
	const started = Date.now();
	const userFolder = await createUserFolder({
		major,
		packageTarball: tarball,
		env: {
			N8N_EXPRESSION_ENGINE: 'legacy',
			// Files on disk on both majors (1.x keeps them in memory by default), to read them back.
			N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
		},
	});
	userFolder.env.N8N_BINARY_DATA_STORAGE_PATH = path.join(userFolder.dir, 'binary');
	await importCredentials({
		major,
		userFolder,
		credentials: [simulatorCredential(demo, CREDENTIAL)],
	});
	await importWorkflows({ major, userFolder, workflows });
	console.log(
		`n8n ${major}.x: package installed, credential and ${workflows.length} workflows imported in ${Date.now() - started} ms`,
	);
	return userFolder;
}

/** Calls as "METHOD path STATUS" with job ids as {id}, counted. */
function calls(): Record<string, number> {
	const counted: Record<string, number> = {};
	for (const call of demo.sim.counters().calls) {
		const key = `${call.method} ${call.path.replace(/\/read\/\d+/, '/read/{id}')} ${call.status}`;
		counted[key] = (counted[key] ?? 0) + 1;
	}
	return counted;
}

const mib = (bytes: number | undefined): string =>
	bytes === undefined ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

describe.each(majors)('Export Records and Query (COQL) in n8n %i.x', (major) => {
	const folder = (): UserFolder => {
		const found = folders.get(major);
		if (!found) throw new Error(`no user folder for n8n ${major}.x`);
		return found;
	};

	const execute = async (id: string): Promise<ExecuteResult> => {
		demo.sim.resetCounters();
		// A new minute for Zoho's download limit.
		demo.sim.advanceClock(61_000);
		const result = await executeWorkflow({
			major,
			userFolder: folder(),
			id,
			timeoutMs: 240_000,
			measurePeakRss: true,
		});
		console.log(
			`n8n ${major}.x: execute ${id} took ${result.durationMs} ms, exit ${String(result.code)}, peak RSS ${mib(result.peakRssBytes)}`,
		);
		return result;
	};

	test('one run: 250,000 leads as two CSV files, changed qualified leads as items, a job Zoho fails, 102,000 contacts by COQL, leads grouped by COQL', async () => {
		// The export jobs in the order the nodes run: two pages, one page, then the failing one.
		demo.sim.planBulkRead(demo.dc, { times: 3 });
		demo.sim.planBulkRead(demo.dc, { fail: true });
		const result = await execute(WORKFLOWS.reads);
		expect(result.run?.data?.resultData?.error).toBeUndefined();
		expect(result.succeeded).toBe(true);

		// 250,000 leads: two Bulk Read pages, each Zoho's CSV as a file n8n stored on disk.
		expect(nodeOutput(result.run, NODES.csv)).toEqual([
			{ module: 'Leads', page: 1, count: 200_000, moreRecords: true, jobId: expect.any(String) },
			{ module: 'Leads', page: 2, count: 50_000, moreRecords: false, jobId: expect.any(String) },
		]);
		const task = result.run?.data?.resultData?.runData?.[NODES.csv]?.[0] as
			| {
					data?: {
						main?: Array<Array<{ binary?: { data?: { id?: string; fileName?: string } } }>>;
					};
			  }
			| undefined;
		const files = (task?.data?.main?.[0] ?? []).map((item) => item.binary?.data);
		expect(files.map((file) => file?.fileName)).toEqual(['Leads-page-1.csv', 'Leads-page-2.csv']);
		const lines = files.map((file) =>
			countLines(
				path.join(
					folder().env.N8N_BINARY_DATA_STORAGE_PATH ?? '',
					String(file?.id).replace(/^[^:]+:/, ''),
				),
			),
		);
		expect(lines).toEqual([200_001, 50_001]);

		// Criteria: the Modified range AND Lead_Status, one page, as items with their types.
		const items = nodeOutput(result.run, NODES.items);
		const expected = Array.from({ length: 20_000 }, (_, k) => 100_001 + k).filter(
			(i) => i % 3 === 0,
		);
		expect(items).toHaveLength(expected.length);
		expect(items[0]).toEqual({
			id: expect.any(String),
			Last_Name: `Last${expected[0]}`,
			Email: `lead${expected[0]}@example.com`,
			No_of_Employees: (expected[0] ?? 0) % 500,
			Lead_Status: 'Qualified',
		});

		// The job Zoho ended in FAILURE: one error item (Continue On Fail) with Zoho's code and message.
		const [failed] = nodeOutput(result.run, NODES.failing);
		expect(failed).toEqual(
			expect.objectContaining({ code: 'JOB_FAILED', zohoCode: 'INTERNAL_ERROR' }),
		);
		expect(String(failed?.error)).toMatch(
			/^Zoho's Bulk Read job \d+ \(Leads\) ended in FAILURE \(INTERNAL_ERROR\): Internal server error\.$/,
		);

		// A GROUP BY query: one row per group, no id.
		expect(nodeOutput(result.run, NODES.grouped)).toEqual([
			{ Lead_Status: 'Contacted', total: LEADS - Math.floor(LEADS / 3) },
			{ Lead_Status: 'Qualified', total: Math.floor(LEADS / 3) },
		]);

		// COQL past the 100,000-row OFFSET ceiling, by id: every row once.
		const rows = nodeOutput(result.run, NODES.coql);
		expect(rows).toHaveLength(CONTACTS);
		expect(new Set(rows.map((row) => row.id)).size).toBe(CONTACTS);
		expect(rows[CONTACTS - 1]?.Last_Name).toBe(`Contact${CONTACTS}`);

		const counted = calls();
		expect(counted['POST /crm/bulk/v8/read 201']).toBe(4);
		// Three pages downloaded; the failed job's result never.
		expect(counted['GET /crm/bulk/v8/read/{id}/result 200']).toBe(3);
		expect(counted['POST /crm/v8/coql 200']).toBe(CONTACTS / 2000 + 1);
	});

	test('a run n8n cancels mid-job (the workflow Timeout) stops waiting at once', async () => {
		demo.sim.planBulkRead(demo.dc, { durationMs: 600_000 });
		const result = await execute(WORKFLOWS.cancelled);
		expect(result.succeeded).toBe(false);
		expect(result.code).toBe(1);
		// n8n prints the reason instead of a run; 2.x also prints the node's error: its wait ended with the cancel.
		expect(result.stdout).toContain('The execution was cancelled because it timed out');
		if (major === 2) expect(result.stdout).toContain('The request to Zoho was cancelled.');
		const counted = calls();
		expect(counted['POST /crm/bulk/v8/read 201']).toBe(1);
		// Asked for at 2 s, next at 6 s (2 s, then 4 s later): the cancel at 5 s comes first.
		expect(counted['GET /crm/bulk/v8/read/{id} 200']).toBe(1);
		expect(counted['GET /crm/bulk/v8/read/{id}/result 200']).toBeUndefined();
	});
});

function countLines(file: string): number {
	const text = fs.readFileSync(file, 'utf8').trimEnd();
	let lines = 1;
	for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines += 1;
	return lines;
}
