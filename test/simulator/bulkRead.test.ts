// The simulator's Bulk Read API over the wire: job creation and its validation, the job's
// states on the simulator clock, failure on demand, the zipped CSV and its format, pages
// by page_token, criteria, fields and cvid, the download and job limits, callbacks,
// scopes and credits.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { strFromU8, unzipSync } from 'fflate';
import { ZohoSimulator } from '../../simulator';
import { simCall, simToken } from '../support/simApi';

let sim: ZohoSimulator;
let token: string;
const SCOPES = ['ZohoCRM.bulk.read', 'ZohoCRM.modules.ALL'];

beforeAll(async () => {
	sim = new ZohoSimulator({ dataCentres: ['us'], bulkReadJobMs: 4000 });
	await sim.start();
	sim.defineCrmModule('us', {
		api_name: 'Shipments',
		fields: [
			{ api_name: 'Name', system_mandatory: true },
			{ api_name: 'Weight', data_type: 'double' },
			{ api_name: 'Fragile', data_type: 'boolean' },
			{ api_name: 'Tags', data_type: 'multiselectpicklist', pick_list_values: ['a', 'b'] },
			{ api_name: 'Shipped_On', data_type: 'date' },
			{ api_name: 'Customer', data_type: 'lookup' },
		],
	});
	sim.seedCrm('us', {
		module: 'Shipments',
		count: 3,
		make: (i) =>
			[
				{ Name: 'Plain', Weight: 1.5, Fragile: false, Tags: [], Shipped_On: '2026-01-02' },
				{
					Name: 'Quote "and", comma',
					Weight: 2,
					Fragile: true,
					Tags: ['a', 'b'],
					Customer: { id: '4150868000000999001', name: 'Acme' },
				},
				{ Name: 'Line\nbreak', Weight: null, Fragile: null, Tags: ['b'] },
			][i - 1] ?? {},
	});
});
afterAll(() => sim.stop());
beforeEach(async () => {
	sim.configure({ bulkReadPageSize: 200_000, bulkReadMaxJobs: null as unknown as number });
	token = await simToken(sim, { scopes: SCOPES });
});

async function createJob(body: unknown, options: { with?: string } = {}) {
	return simCall(sim, {
		path: '/crm/bulk/v8/read',
		method: 'POST',
		token: options.with ?? token,
		body,
	});
}

async function jobId(body: unknown): Promise<string> {
	const answer = await createJob(body);
	if (answer.status !== 201) throw new Error(`job refused: ${JSON.stringify(answer.json)}`);
	return (
		(answer.json.data as Array<{ details: { id: string } }>)[0] as { details: { id: string } }
	).details.id;
}

async function details(id: string) {
	const answer = await simCall(sim, { path: `/crm/bulk/v8/read/${id}`, token });
	return {
		status: answer.status,
		job: (answer.json.data as Array<Record<string, unknown>> | undefined)?.[0],
		json: answer.json,
	};
}

/** Moves the clock past the job's end and downloads its result. */
async function download(
	id: string,
): Promise<{ status: number; files: Record<string, string>; json?: unknown }> {
	const res = await fetch(`${sim.url('us')}/crm/bulk/v8/read/${id}/result`, {
		headers: { Authorization: `Zoho-oauthtoken ${token}` },
	});
	const bytes = new Uint8Array(await res.arrayBuffer());
	if (res.status !== 200)
		return { status: res.status, files: {}, json: JSON.parse(strFromU8(bytes)) };
	expect(res.headers.get('content-type')).toBe('application/zip');
	const files = Object.fromEntries(
		Object.entries(unzipSync(bytes)).map(([name, data]) => [name, strFromU8(data)]),
	);
	return { status: res.status, files };
}

const query = (extra: Record<string, unknown> = {}) => ({
	query: { module: { api_name: 'Shipments' }, ...extra },
});

describe('Bulk Read jobs', () => {
	it('answers 201 ADDED_SUCCESSFULLY, then walks ADDED → QUEUED → IN PROGRESS → COMPLETED on the clock', async () => {
		const created = await createJob(query({ fields: ['Name'] }));
		expect(created.status).toBe(201);
		const entry = (created.json.data as Array<Record<string, unknown>>)[0];
		expect(entry).toEqual({
			status: 'success',
			code: 'ADDED_SUCCESSFULLY',
			message: 'Added successfully.',
			details: {
				id: expect.stringMatching(/^\d+$/),
				operation: 'read',
				state: 'ADDED',
				created_by: { id: expect.any(String), name: 'Sim User' },
				created_time: expect.any(String),
			},
		});
		expect(created.json.info).toEqual({});
		const id = (entry?.details as { id: string }).id;
		const states: unknown[] = [];
		for (let step = 0; step < 4; step += 1) {
			states.push((await details(id)).job?.state);
			sim.advanceClock(1000);
		}
		states.push((await details(id)).job?.state);
		expect(states).toEqual(['ADDED', 'QUEUED', 'IN PROGRESS', 'IN PROGRESS', 'COMPLETED']);
		const done = (await details(id)).job;
		expect(done).toMatchObject({
			id,
			operation: 'read',
			state: 'COMPLETED',
			query: { module: { api_name: 'Shipments' }, page: 1, fields: ['Name'] },
			file_type: 'csv',
			result: {
				page: 1,
				per_page: 200000,
				count: 3,
				download_url: `/crm/bulk/v8/read/${id}/result`,
				more_records: false,
			},
		});
		expect(done?.result).not.toHaveProperty('next_page_token');
	});

	it("fails a job on demand: FAILURE with Zoho's error_message, no result to download (404)", async () => {
		sim.planBulkRead('us', {
			fail: true,
			durationMs: 0,
			failure: { code: 'LIMIT_EXCEEDED', message: 'too many' },
		});
		const id = await jobId(query());
		const job = (await details(id)).job;
		expect(job?.state).toBe('FAILURE');
		expect(job?.result).toEqual({
			error_message: { code: 'LIMIT_EXCEEDED', message: 'too many', details: {}, status: 'error' },
		});
		const result = await download(id);
		expect(result.status).toBe(404);
		expect(result.json).toMatchObject({
			code: 'RESOURCE_NOT_FOUND',
			details: { resource: 'result' },
		});
		sim.planBulkRead('us', { durationMs: 0 });
		expect((await details(await jobId(query()))).job?.state).toBe('COMPLETED');
	});

	it('answers 404 RESOURCE_NOT_FOUND for an unknown job', async () => {
		const answer = await details('4150868077999999');
		expect([answer.status, answer.json.code]).toEqual([404, 'RESOURCE_NOT_FOUND']);
	});
});

describe('Bulk Read result', () => {
	it('is a zip holding {id}.csv: Id first, lookups as ids, multi-selects joined by ;, booleans, empty cells, RFC 4180 quoting', async () => {
		sim.planBulkRead('us', { durationMs: 0 });
		const id = await jobId(
			query({
				fields: ['Name', 'Weight', 'Fragile', 'Tags', 'Shipped_On', 'Customer', 'Customer.name'],
			}),
		);
		const result = await download(id);
		expect(Object.keys(result.files)).toEqual([`${id}.csv`]);
		const ids = sim.records('us', 'Shipments').map((record) => record.id);
		expect(result.files[`${id}.csv`]).toBe(
			[
				'Id,Name,Weight,Fragile,Tags,Shipped_On,Customer,Customer.name',
				`${ids[0]},Plain,1.5,false,,2026-01-02,,`,
				`${ids[1]},"Quote ""and"", comma",2,true,a;b,,4150868000000999001,Acme`,
				`${ids[2]},"Line\nbreak",,,b,,,`,
				'',
			].join('\r\n'),
		);
	});

	it('exports every field of the module when fields are not given', async () => {
		sim.planBulkRead('us', { durationMs: 0 });
		const id = await jobId(query());
		const { files } = await download(id);
		expect(files[`${id}.csv`]?.split('\r\n')[0]).toBe(
			'Id,Owner,Created_Time,Modified_Time,Created_By,Modified_By,Name,Weight,Fragile,Tags,Shipped_On,Customer',
		);
	});

	it('filters by criteria groups (Modified_Time between, and/or) and by a custom view', async () => {
		const records = sim.records('us', 'Shipments');
		const [first, second, third] = records.map((record) => record.Modified_Time as string);
		sim.planBulkRead('us', { durationMs: 0, times: 2 });
		const between = await jobId(
			query({
				fields: ['Name'],
				criteria: {
					group_operator: 'and',
					group: [
						{ field: { api_name: 'Modified_Time' }, comparator: 'between', value: [second, third] },
						{
							group_operator: 'or',
							group: [
								{ field: { api_name: 'Fragile' }, comparator: 'equal', value: true },
								{ api_name: 'Name', comparator: 'starts_with', value: 'line' },
							],
						},
					],
				},
			}),
		);
		expect((await download(between)).files[`${between}.csv`]).toBe(
			`Id,Name\r\n${records[1]?.id},"Quote ""and"", comma"\r\n${records[2]?.id},"Line\nbreak"\r\n`,
		);
		expect(first < (second as string)).toBe(true);
		const cvid = sim.defineCrmCustomView('us', {
			module: 'Shipments',
			criteria: { field: { api_name: 'Weight' }, comparator: 'greater_than', value: 1.9 },
		});
		const view = await jobId(query({ fields: ['Name'], cvid }));
		expect((await download(view)).files[`${view}.csv`]).toBe(
			`Id,Name\r\n${records[1]?.id},"Quote ""and"", comma"\r\n`,
		);
		const unknownView = await sim.deliberately('a custom view Zoho does not have', () =>
			createJob(query({ cvid: '123' })),
		);
		expect([unknownView.status, unknownView.json.code]).toEqual([400, 'CVID_NOT_SUPPORTED']);
	});

	it('pages: more_records and next_page_token; a job with the token exports the next page', async () => {
		sim.configure({ bulkReadPageSize: 2 });
		sim.planBulkRead('us', { durationMs: 0, times: 2 });
		const first = await jobId(query({ fields: ['Name'] }));
		const page1 = (await details(first)).job?.result as Record<string, unknown>;
		expect(page1).toMatchObject({
			page: 1,
			count: 2,
			more_records: true,
			next_page_token: expect.any(String),
		});
		const second = await jobId(query({ page_token: page1.next_page_token }));
		const page2 = (await details(second)).job?.result as Record<string, unknown>;
		expect(page2).toMatchObject({ page: 2, count: 1, more_records: false });
		const records = sim.records('us', 'Shipments');
		expect((await download(second)).files[`${second}.csv`]).toBe(
			`Id,Name\r\n${records[2]?.id},"Line\nbreak"\r\n`,
		);
		const [both, bogus, tooFar] = await sim.deliberately('pages Zoho refuses', async () => [
			await createJob(query({ page: 2, page_token: page1.next_page_token })),
			await createJob(query({ page_token: 'nope' })),
			await createJob(query({ page: 51 })),
		]);
		expect([both?.status, both?.json.code]).toEqual([400, 'INVALID_REQUEST']);
		expect(bogus?.json).toMatchObject({
			code: 'INVALID_REQUEST',
			details: { api_name: 'page_token' },
		});
		expect(tooFar?.json).toMatchObject({ code: 'PAGE_RANGE_EXCEEDED', details: { max_limit: 50 } });
	});
});

describe('Bulk Read limits and refusals', () => {
	it('allows 10 downloads a minute and answers 429 past that, until the minute is over', async () => {
		sim.planBulkRead('us', { durationMs: 0 });
		const id = await jobId(query({ fields: ['Name'] }));
		sim.advanceClock(60_000);
		const statuses: number[] = [];
		for (let i = 0; i < 11; i += 1) statuses.push((await download(id)).status);
		expect(statuses).toEqual([...Array(10).fill(200), 429]);
		const refused = await download(id);
		expect(refused.json).toMatchObject({ code: 'TOO_MANY_REQUESTS', status: 'error' });
		sim.advanceClock(60_000);
		expect((await download(id)).status).toBe(200);
	});

	it('refuses a job past the unfinished-jobs limit with TOO_MANY_REQUESTS', async () => {
		sim.configure({ bulkReadMaxJobs: 1 });
		sim.planBulkRead('us', { durationMs: 10_000 });
		await jobId(query());
		const second = await createJob(query());
		expect([second.status, second.json.code, second.json.details]).toEqual([
			400,
			'TOO_MANY_REQUESTS',
			{ limit: 1 },
		]);
		sim.advanceClock(10_000);
		expect((await createJob(query())).status).toBe(201);
	});

	it('refuses bad bodies, modules, fields and criteria with Zoho codes', async () => {
		const cases: Array<[unknown, string, Record<string, unknown>?]> = [
			[undefined, 'REQUEST_BODY_IS_EMPTY'],
			[{ query: { module: { api_name: 'Notes' } } }, 'MODULE_NOT_SUPPORTED', { api_name: 'Notes' }],
			[{ query: { module: { api_name: 'Nope' } } }, 'MODULE_NOT_AVAILABLE', { api_name: 'Nope' }],
			[{ query: {} }, 'MANDATORY_NOT_FOUND', { api_name: 'module', json_path: '$.query.module' }],
			[query({ fields: ['Name', 'Colour'] }), 'FIELD_NOT_AVAILABLE', { api_name: 'Colour' }],
			[
				query({ criteria: { field: { api_name: 'Fragile' }, comparator: 'contains', value: 'x' } }),
				'FIELD_AND_COMPARATOR_IN_CRITERIA_NOT_COMPATIBLE',
				{ comparator: 'contains', api_name: 'Fragile', supported: ['equal', 'not_equal'] },
			],
			[
				query({ criteria: { field: { api_name: 'Colour' }, comparator: 'equal', value: 'x' } }),
				'FIELD_IN_CRITERIA_NOT_AVAILABLE',
				{ api_name: 'Colour' },
			],
			[query({ criteria: { group_operator: 'xor', group: [] } }), 'GROUP_OPERATOR_NOT_SUPPORTED'],
			[
				query({ criteria: { field: { api_name: 'Weight' }, comparator: 'between', value: [1] } }),
				'FIELD_AND_VALUE_IN_CRITERIA_NOT_COMPATIBLE',
			],
			[
				query({
					criteria: {
						group_operator: 'or',
						group: Array.from({ length: 26 }, () => ({
							field: { api_name: 'Name' },
							comparator: 'equal',
							value: 'x',
						})),
					},
				}),
				'CRITERIA_LIMIT_EXCEEDED',
				{ max_limit: 25 },
			],
			[
				query({
					criteria: {
						field: { api_name: 'Name' },
						comparator: 'in',
						value: Array.from({ length: 201 }, (_, i) => `n${i}`),
					},
				}),
				'VALUE_LIMIT_EXCEEDED_IN_CRITERIA',
				{ api_name: 'Name', max_limit: 200 },
			],
			[
				{ ...query(), callback: { url: 'https://example.com/cb', method: 'get' } },
				'INVALID_CALLBACK_METHOD',
			],
			[{ ...query(), callback: { url: 'not a url', method: 'post' } }, 'INVALID_CALLBACK_URL'],
		];
		for (const [body, code, details] of cases) {
			const answer = await sim.deliberately(`a body Zoho refuses with ${code}`, () =>
				createJob(body),
			);
			expect([answer.status, answer.json.code, answer.json.status]).toEqual([400, code, 'error']);
			if (details) expect(answer.json.details).toEqual(details);
		}
	});

	it('needs ZohoCRM.bulk.read and read access to the module, and costs the configured credits', async () => {
		const noBulk = await simToken(sim, { scopes: ['ZohoCRM.modules.ALL'] });
		expect((await createJob(query(), { with: noBulk })).status).toBe(401);
		const otherModule = await simToken(sim, {
			scopes: ['ZohoCRM.bulk.read', 'ZohoCRM.modules.Leads.READ'],
		});
		expect((await createJob(query(), { with: otherModule })).status).toBe(401);
		const before = sim.credits('us');
		const id = await jobId(query());
		expect(sim.credits('us') - before).toBe(50);
		await details(id);
		expect(sim.credits('us') - before).toBe(51);
	});
});

describe('Bulk Read callback', () => {
	let server: Server;
	const received: Array<{ method?: string; body: Record<string, unknown> }> = [];
	let arrived: () => void = () => undefined;

	beforeAll(async () => {
		server = createServer((req: IncomingMessage, res) => {
			let text = '';
			req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
			req.on('end', () => {
				received.push({ method: req.method, body: JSON.parse(text) as Record<string, unknown> });
				res.end('ok');
				arrived();
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	});
	afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

	it('POSTs the finished job to callback.url', async () => {
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/zoho-callback`;
		const delivered = new Promise<void>((resolve) => (arrived = resolve));
		sim.planBulkRead('us', { durationMs: 50 });
		const id = await jobId({ ...query({ fields: ['Name'] }), callback: { url, method: 'post' } });
		await delivered;
		// The simulator notes the answer once it is back: wait for it (bounded).
		for (let i = 0; i < 100 && sim.bulkReadCallbacks('us')[0]?.status === 0; i += 1)
			await new Promise((resolve) => setTimeout(resolve, 10));
		expect(received).toHaveLength(1);
		expect(received[0]).toMatchObject({
			method: 'POST',
			body: {
				job_id: id,
				operation: 'read',
				state: 'COMPLETED',
				result: { count: 3, more_records: false, download_url: `/crm/bulk/v8/read/${id}/result` },
			},
		});
		expect(sim.bulkReadCallbacks('us')).toEqual([
			expect.objectContaining({ jobId: id, url, state: 'COMPLETED', status: 200, delivered: true }),
		]);
	});
});
