// Export Records (Bulk Read) run as workflows against the simulator: 250,000 records in two
// pages as items and as CSV files, criteria, a cancel while the job runs, and every failure
// mode with its Zoho limit named.
import type { IDataObject } from 'n8n-workflow';

import { zohoDateTime } from '../../simulator/time';
import { DEFAULT_JOB_TIMING } from '../../zoho/crm/bulkRead/job';
import { createZohoRuntime, setSharedZohoRuntime } from '../../zoho/runtime';
import { simCall, simToken } from '../support/simApi';
import { items, jsonOf, startKit, zohoWorkflow, type NodeKit } from './kit';

const TOTAL = 250_000;
/** Record i was created and last changed at BASE + i seconds. */
const BASE = Date.parse('2026-01-01T00:00:00Z');
const SCOPES = ['ZohoCRM.bulk.read', 'ZohoCRM.modules.ALL', 'ZohoCRM.settings.fields.READ'];
let kit: NodeKit;

beforeAll(async () => {
	kit = await startKit({
		scopes: SCOPES,
		sim: { dataCentres: ['us'], bulkReadJobMs: 30 },
		runtime: {
			jobTiming: {
				poll: { firstMs: 10, maxMs: 40 },
				downloadRetry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20 },
			},
		},
	});
	kit.sim.seedCrm('us', {
		module: 'Leads',
		count: TOTAL,
		make: (i) => ({
			Last_Name: `Last${i}`,
			Email: `lead${i}@example.com`,
			No_of_Employees: i % 500,
			Email_Opt_Out: i % 2 === 0,
			Lead_Status: i % 3 === 0 ? 'Qualified' : 'Contacted',
			Created_Time: zohoDateTime(BASE + i * 1000),
			Modified_Time: zohoDateTime(BASE + i * 1000),
		}),
	});
}, 120_000);
afterAll(() => kit.close());
beforeEach(() => {
	kit.sim.resetCounters();
	kit.sim.clearFaults();
	// A new minute for Zoho's download limit.
	kit.sim.advanceClock(61_000);
});

const FIELDS = ['Last_Name', 'Email', 'No_of_Employees', 'Email_Opt_Out', 'Owner'];
/** One record in 500. */
const SEVEN_EMPLOYEES =
	'{ "field": { "api_name": "No_of_Employees" }, "comparator": "equal", "value": 7 }';

function exportWorkflow(parameters: IDataObject = {}, options: { continueOnFail?: boolean } = {}) {
	return zohoWorkflow(
		{
			operation: 'exportRecords',
			module: { __rl: true, mode: 'name', value: 'Leads' },
			fields: FIELDS,
			...parameters,
		},
		options,
	);
}

/** Calls as "METHOD path STATUS" with job ids as {id}, counted. */
function calls(): Record<string, number> {
	const counted: Record<string, number> = {};
	for (const call of kit.sim.counters().calls) {
		const key = `${call.method} ${call.path.replace(/\/read\/\d+/, '/read/{id}')} ${call.status}`;
		counted[key] = (counted[key] ?? 0) + 1;
	}
	return counted;
}

describe('Export Records (Bulk Read)', () => {
	it('exports 250,000 records in two pages as one item per record, types restored', async () => {
		const result = await kit.run({ workflow: exportWorkflow(), timeoutMs: 180_000 });
		expect(result.error).toBeUndefined();
		const out = jsonOf(result);
		expect(out).toHaveLength(TOTAL);
		expect(new Set(out.map((record) => record.id)).size).toBe(TOTAL);
		expect(out[0]).toEqual({
			id: expect.stringMatching(/^\d+$/),
			Last_Name: 'Last1',
			Email: 'lead1@example.com',
			No_of_Employees: 1,
			Email_Opt_Out: false,
			Owner: { id: expect.stringMatching(/^\d+$/) },
		});
		expect(out[TOTAL - 1]).toEqual(expect.objectContaining({ Last_Name: `Last${TOTAL}` }));
		const counted = calls();
		expect(counted).toEqual(
			expect.objectContaining({
				'POST /crm/bulk/v8/read 201': 2,
				'GET /crm/bulk/v8/read/{id}/result 200': 2,
				'GET /crm/v8/settings/fields 200': 1,
			}),
		);
		// Each job is asked for until done: at least once, a few times with the backoff.
		expect(counted['GET /crm/bulk/v8/read/{id} 200']).toBeGreaterThanOrEqual(2);
		expect(result.outputs.Zoho?.[0]?.[TOTAL - 1]?.pairedItem).toEqual({ item: 0 });
	}, 240_000);

	it('exports the same 250,000 records as two CSV files, one per page', async () => {
		const result = await kit.run({
			workflow: exportWorkflow({ exportOutput: 'csvFile', binaryPropertyName: 'csv' }),
			timeoutMs: 120_000,
		});
		expect(result.error).toBeUndefined();
		const out = result.outputs.Zoho?.[0] ?? [];
		expect(out.map((item) => item.json)).toEqual([
			{ module: 'Leads', page: 1, count: 200_000, moreRecords: true, jobId: expect.any(String) },
			{ module: 'Leads', page: 2, count: 50_000, moreRecords: false, jobId: expect.any(String) },
		]);
		const files = out.map((item) => item.binary?.csv);
		expect(files.map((file) => [file?.fileName, file?.mimeType])).toEqual([
			['Leads-page-1.csv', 'text/csv'],
			['Leads-page-2.csv', 'text/csv'],
		]);
		const lines = files.map((file) =>
			Buffer.from(file?.data ?? '', 'base64')
				.toString('utf8')
				.trimEnd()
				.split('\n'),
		);
		expect(lines.map((file) => file.length)).toEqual([200_001, 50_001]);
		expect(lines[0]?.[0]?.replace(/"/g, '').trim()).toBe(`Id,${FIELDS.join(',')}`);
		expect(calls()['GET /crm/v8/settings/fields 200']).toBeUndefined();
	}, 180_000);

	it('exports only what the Modified range and the criteria JSON match (AND), fields from an expression', async () => {
		const result = await kit.run({
			workflow: exportWorkflow({
				fields: `={{ ${JSON.stringify(FIELDS.join(', '))} }}`,
				exportFilters: {
					modifiedFrom: new Date(BASE + 1000 * 1000).toISOString(),
					modifiedTo: new Date(BASE + 1999 * 1000).toISOString(),
					criteriaJson: JSON.stringify({
						field: { api_name: 'Lead_Status' },
						comparator: 'equal',
						value: 'Qualified',
					}),
				},
			}),
		});
		expect(result.error).toBeUndefined();
		const names = jsonOf(result).map((record) => Number(String(record.Last_Name).slice(4)));
		const expected = Array.from({ length: 1000 }, (_, k) => 1000 + k).filter((i) => i % 3 === 0);
		expect(names.sort((a, b) => a - b)).toEqual(expected);
		expect(names).toHaveLength(333);
		expect(Object.keys(jsonOf(result)[0] ?? {})).toEqual(['id', ...FIELDS]);
		expect(calls()['POST /crm/bulk/v8/read 201']).toBe(1);
	});

	it('stops waiting when the execution is cancelled mid-job: no download, no more polls', async () => {
		kit.sim.planBulkRead('us', { durationMs: 600_000 });
		const controller = new AbortController();
		const run = kit.run({ workflow: exportWorkflow(), signal: controller.signal });
		// Cancel once the job runs and has been asked for.
		for (let i = 0; i < 200 && (calls()['GET /crm/bulk/v8/read/{id} 200'] ?? 0) < 2; i++)
			await new Promise((resolve) => setTimeout(resolve, 10));
		controller.abort();
		const result = await run;
		expect(result.status).toBe('canceled');
		const polls = calls()['GET /crm/bulk/v8/read/{id} 200'];
		expect(polls).toBeGreaterThanOrEqual(2);
		await new Promise((resolve) => setTimeout(resolve, 150));
		expect(calls()['GET /crm/bulk/v8/read/{id} 200']).toBe(polls);
		expect(calls()['GET /crm/bulk/v8/read/{id}/result 200']).toBeUndefined();
	});

	it("fails with JOB_FAILED, Zoho's code and message and the job id when Zoho ends the job in FAILURE; Continue On Fail makes one error item per input item", async () => {
		const failure = { code: 'INTERNAL_ERROR', message: 'Internal server error' };
		kit.sim.planBulkRead('us', { fail: true, failure });
		const failed = await kit.run({ workflow: exportWorkflow() });
		expect(failed.status).toBe('error');
		expect(failed.error?.message).toMatch(
			/^Zoho's Bulk Read job \d+ \(Leads\) ended in FAILURE \(INTERNAL_ERROR\): Internal server error\.$/,
		);
		expect(failed.error).toEqual(
			expect.objectContaining({
				description: expect.stringMatching(/give Zoho support the job id \d+/),
			}),
		);
		kit.sim.planBulkRead('us', { fail: true, times: 2 });
		const continued = await kit.run({
			workflow: exportWorkflow({}, { continueOnFail: true }),
			inputItems: items(2),
		});
		expect(jsonOf(continued)).toEqual([
			expect.objectContaining({ code: 'JOB_FAILED', zohoCode: 'INTERNAL_ERROR' }),
			expect.objectContaining({ code: 'JOB_FAILED', zohoCode: 'INTERNAL_ERROR' }),
		]);
		expect(calls()['GET /crm/bulk/v8/read/{id}/result 200']).toBeUndefined();
	});

	it('gives up after Max Wait with JOB_TIMEOUT, naming the state the job was still in', async () => {
		kit.sim.planBulkRead('us', { durationMs: 600_000 });
		// The node's clock jumps a minute while it waits; Zoho's job stays where it is.
		let offset = 0;
		const runtime = createZohoRuntime({
			clock: { now: () => Date.now() + offset },
			env: {},
			jobTiming: {
				poll: { firstMs: 10, maxMs: 40 },
				downloadRetry: DEFAULT_JOB_TIMING.downloadRetry,
			},
		});
		setSharedZohoRuntime(runtime);
		try {
			const run = kit.run({
				workflow: exportWorkflow(
					{ exportOptions: { maxWaitMinutes: 1 } },
					{ continueOnFail: true },
				),
			});
			for (let i = 0; i < 200 && (calls()['GET /crm/bulk/v8/read/{id} 200'] ?? 0) < 1; i++)
				await new Promise((resolve) => setTimeout(resolve, 10));
			offset = 61_000;
			const [item] = jsonOf(await run);
			expect(item).toEqual(expect.objectContaining({ code: 'JOB_TIMEOUT', zohoCode: 'ADDED' }));
			expect(String(item?.error)).toMatch(
				/^Zoho's Bulk Read job \d+ \(Leads\) was still ADDED after 6\d s\.$/,
			);
			expect(calls()['GET /crm/bulk/v8/read/{id}/result 200']).toBeUndefined();
		} finally {
			kit.resetRuntime();
			await runtime.close();
		}
	});

	it('names the concurrent-jobs limit when Zoho refuses a new job (400 TOO_MANY_REQUESTS)', async () => {
		kit.sim.configure({ bulkReadMaxJobs: 1 });
		try {
			// Jobs of earlier tests end; another export of the org is still running.
			kit.sim.advanceClock(700_000);
			kit.sim.planBulkRead('us', { durationMs: 600_000 });
			const token = await simToken(kit.sim, { scopes: SCOPES });
			const running = await simCall(kit.sim, {
				path: '/crm/bulk/v8/read',
				method: 'POST',
				token,
				body: { query: { module: { api_name: 'Leads' } }, file_type: 'csv' },
			});
			expect(running.status).toBe(201);
			kit.sim.resetCounters();
			const result = await kit.run({ workflow: exportWorkflow({}, { continueOnFail: true }) });
			const [item] = jsonOf(result);
			expect(item).toEqual(
				expect.objectContaining({
					zohoCode: 'TOO_MANY_REQUESTS',
					httpStatus: 400,
					error:
						'Zoho refused a new Bulk Read job (TOO_MANY_REQUESTS): the org already runs as many export jobs as Zoho allows (1).',
				}),
			);
			expect(String(item?.hint)).toContain('Wait for running Bulk Read jobs');
			const bulk = Object.entries(calls()).filter(([key]) => key.includes('/bulk/'));
			expect(bulk).toEqual([['POST /crm/bulk/v8/read 400', 1]]);
		} finally {
			kit.sim.configure({ bulkReadMaxJobs: null as unknown as number });
		}
	});

	it('names the 10-downloads-a-minute limit when every download is refused (429), after retrying', async () => {
		kit.sim.configure({ bulkReadDownloadsPerMinute: 1 });
		try {
			const small = exportWorkflow(
				{ exportFilters: { criteriaJson: SEVEN_EMPLOYEES } },
				{ continueOnFail: true },
			);
			expect(jsonOf(await kit.run({ workflow: small }))).toHaveLength(TOTAL / 500);
			const result = await kit.run({ workflow: small });
			expect(jsonOf(result)).toEqual([
				expect.objectContaining({
					code: 'RATE_LIMITED',
					zohoCode: 'TOO_MANY_REQUESTS',
					httpStatus: 429,
					error:
						'Zoho refused the Bulk Read download (TOO_MANY_REQUESTS): it allows 10 downloads a minute per org, and the limit held through 3 tries.',
				}),
			]);
			expect(calls()['GET /crm/bulk/v8/read/{id}/result 429']).toBe(3);
		} finally {
			kit.sim.configure({ bulkReadDownloadsPerMinute: 10 });
		}
	});

	it('waits out one refused download (429) and goes on', async () => {
		kit.sim.injectFault({
			kind: 'status',
			status: 429,
			body: {
				code: 'TOO_MANY_REQUESTS',
				details: {},
				message: 'too many downloads',
				status: 'error',
			},
			path: '/crm/bulk/v8/read/',
			pathEnd: '/result',
			times: 1,
		});
		const result = await kit.run({
			workflow: exportWorkflow({
				exportFilters: { criteriaJson: SEVEN_EMPLOYEES },
			}),
		});
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toHaveLength(TOTAL / 500);
		expect(calls()['GET /crm/bulk/v8/read/{id}/result 429']).toBe(1);
		expect(calls()['GET /crm/bulk/v8/read/{id}/result 200']).toBe(1);
	});

	it("refuses a module Bulk Read does not export before any call, and names Zoho's refusal of an unknown one", async () => {
		const notes = await kit.run({
			workflow: exportWorkflow({
				module: { __rl: true, mode: 'name', value: 'Notes' },
				fields: [],
			}),
		});
		expect(notes.error?.message).toBe("Zoho's Bulk Read does not export Notes.");
		expect(kit.sim.counters().calls).toEqual([]);
		const unknown = await kit.sim.deliberately('a module the org does not have', () =>
			kit.run({
				workflow: exportWorkflow(
					{ module: { __rl: true, mode: 'name', value: 'Nonexistent' }, fields: [] },
					{ continueOnFail: true },
				),
			}),
		);
		expect(jsonOf(unknown)).toEqual([
			expect.objectContaining({
				zohoCode: 'MODULE_NOT_AVAILABLE',
				field: 'Module',
				error: "Zoho's Bulk Read does not export the module Nonexistent (MODULE_NOT_AVAILABLE).",
			}),
		]);
	});

	it('reports a download cut short as a failure of the file, not as fewer records', async () => {
		kit.sim.injectFault({
			kind: 'reset',
			body: 'PK\u0003\u0004 a zip that ends here',
			path: '/crm/bulk/v8/read/',
			pathEnd: '/result',
		});
		const result = await kit.run({ workflow: exportWorkflow({}, { continueOnFail: true }) });
		const [item] = jsonOf(result);
		expect(jsonOf(result)).toHaveLength(1);
		expect(['INVALID_RESPONSE', 'NETWORK_ERROR']).toContain(item?.code);
	});

	it('refuses bad filters by name before any call', async () => {
		const cases: Array<[IDataObject, string]> = [
			[
				{
					criteriaJson: '{ "field": { "api_name": "Email" }, "comparator": "like", "value": "x" }',
				},
				'Criteria (JSON)',
			],
			[{ criteriaJson: '{ "field": ' }, 'Criteria (JSON)'],
			[
				{ modifiedFrom: '2026-02-01T00:00:00Z', modifiedTo: '2026-01-01T00:00:00Z' },
				'Modified Between',
			],
			[{ customViewId: 'all-leads' }, 'Custom View'],
		];
		for (const [exportFilters, field] of cases) {
			const result = await kit.run({
				workflow: exportWorkflow({ exportFilters }, { continueOnFail: true }),
			});
			expect([field, jsonOf(result)[0]?.field]).toEqual([field, field]);
		}
		expect(kit.sim.counters().calls).toEqual([]);
	});
});
