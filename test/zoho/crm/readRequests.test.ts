// The pure parts of the read operations: the Bulk Read request body and its checks, the
// answer schemas and polling delay; COQL quoting, building, splitting, keyset
// paging and its answer; the deleted-records request and answer.
import { ZohoInputError } from '../../../zoho/errors';
import {
	bulkReadCreatedSchema,
	bulkReadJobAnswerSchema,
	buildBulkReadRequest,
	jobPollDelayMs,
	modifiedRange,
	type BulkReadCriteria,
} from '../../../zoho/crm/bulkRead/request';
import {
	buildCoqlQuery,
	coqlAnswerSchema,
	coqlLimits,
	keysetQuery,
	pagesById,
	splitCoqlQuery,
	userPosition,
} from '../../../zoho/crm/coql';
import { apiAnswerError } from '../../../zoho/api/apiErrors';
import type { ApiRequest, ZohoApi } from '../../../zoho/api/apiClient';
import {
	deletedRecordPages,
	deletedRecordsAnswerSchema,
} from '../../../zoho/crm/records/deletedRecords';

function inputError(run: () => unknown): ZohoInputError {
	try {
		run();
	} catch (error: unknown) {
		if (error instanceof ZohoInputError) return error;
		throw error;
	}
	throw new Error('expected a ZohoInputError');
}

describe('Bulk Read request', () => {
	it('builds the documented body: module, fields, criteria groups, cvid, page token', () => {
		const from = new Date('2026-01-01T00:00:00.250Z');
		const to = new Date('2026-01-31T23:59:59Z');
		expect(
			buildBulkReadRequest({
				module: 'Contacts',
				fields: ['Last_Name', 'Account_Name.Account_Name', 'Last_Name'],
				criteria: {
					group_operator: 'and',
					group: [
						modifiedRange({ from, to }) as BulkReadCriteria,
						{ field: { api_name: 'Lead_Source' }, comparator: 'in', value: ['Web', 'Ads'] },
					],
				},
				cvid: '4150868000000087501',
				pageToken: 'abc',
			}),
		).toEqual({
			query: {
				module: { api_name: 'Contacts' },
				fields: ['Last_Name', 'Account_Name.Account_Name'],
				criteria: {
					group_operator: 'and',
					group: [
						{
							field: { api_name: 'Modified_Time' },
							comparator: 'between',
							value: ['2026-01-01T00:00:00+00:00', '2026-01-31T23:59:59+00:00'],
						},
						{ field: { api_name: 'Lead_Source' }, comparator: 'in', value: ['Web', 'Ads'] },
					],
				},
				cvid: '4150868000000087501',
				page_token: 'abc',
			},
			file_type: 'csv',
		});
		expect(buildBulkReadRequest({ module: 'Leads' })).toEqual({
			query: { module: { api_name: 'Leads' } },
			file_type: 'csv',
		});
	});

	it('names the field and the fix for what Zoho would refuse', () => {
		const cases: Array<[() => unknown, string, RegExp]> = [
			[() => buildBulkReadRequest({ module: 'Notes' }), 'Module', /does not export Notes/],
			[
				() => buildBulkReadRequest({ module: 'My Module' }),
				'Module',
				/is not a Zoho module API name/,
			],
			[
				() => buildBulkReadRequest({ module: 'Leads', fields: ['Last Name'] }),
				'Fields',
				/not a field API name/,
			],
			[() => buildBulkReadRequest({ module: 'Leads', cvid: 'all' }), 'Custom View', /digits/],
			[
				() =>
					buildBulkReadRequest({
						module: 'Leads',
						criteria: {
							field: { api_name: 'Amount' },
							comparator: 'between',
							value: [1] as unknown as [number, number],
						},
					}),
				'Criteria',
				/must be two values/,
			],
			[
				() =>
					buildBulkReadRequest({
						module: 'Leads',
						criteria: {
							group_operator: 'or',
							group: Array.from({ length: 26 }, () => ({
								field: { api_name: 'Email' },
								comparator: 'equal' as const,
								value: 'x',
							})),
						},
					}),
				'Criteria',
				/26 conditions; Zoho allows 25/,
			],
			[
				() =>
					buildBulkReadRequest({
						module: 'Leads',
						criteria: {
							field: { api_name: 'Email' },
							comparator: 'in',
							value: Array.from({ length: 201 }, (_, i) => `e${i}`),
						},
					}),
				'Criteria',
				/on Email lists 201 values; Zoho allows 200/,
			],
			[
				() => modifiedRange({ from: new Date('2026-02-01'), to: new Date('2026-01-01') }),
				'Modified Between',
				/after its end/,
			],
		];
		for (const [run, field, message] of cases) {
			const error = inputError(run);
			expect([error.code, error.field]).toEqual(['INVALID_INPUT', field]);
			expect(error.message).toMatch(message);
			expect(error.hint).toEqual(expect.any(String));
		}
	});
});

describe('Bulk Read answers', () => {
	const job = {
		id: '4150868077000001',
		operation: 'read',
		state: 'COMPLETED',
		query: { module: { api_name: 'Leads' }, page: 1 },
		created_by: { id: '1', name: 'Sim User' },
		created_time: '2026-01-01T00:00:00+00:00',
		file_type: 'csv',
		result: {
			page: 1,
			per_page: 200000,
			count: 200000,
			download_url: '/crm/bulk/v8/read/4150868077000001/result',
			more_records: true,
			next_page_token: 'tok',
		},
	};

	it('reads the created job and the job details', () => {
		const created = bulkReadCreatedSchema.parse({
			data: [
				{
					status: 'success',
					code: 'ADDED_SUCCESSFULLY',
					message: 'Added successfully.',
					details: { id: '4150868077000001', operation: 'read', state: 'ADDED' },
				},
			],
			info: {},
		});
		expect(created.data[0]?.details.id).toBe('4150868077000001');
		const details = bulkReadJobAnswerSchema.parse({ data: [job] });
		expect(details.data[0]?.result?.next_page_token).toBe('tok');
		expect(bulkReadJobAnswerSchema.safeParse({ data: [{ ...job, state: 'DONE' }] }).success).toBe(
			false,
		);
		expect(bulkReadCreatedSchema.safeParse({ data: [] }).success).toBe(false);
	});

	it('waits 2 s doubling up to 30 s', () => {
		expect([0, 1, 2, 3, 4, 5, 50].map((attempt) => jobPollDelayMs(attempt))).toEqual([
			2000, 4000, 8000, 16000, 30000, 30000, 30000,
		]);
		expect(
			[0, 1, 2, 3].map((attempt) => jobPollDelayMs(attempt, { firstMs: 5, maxMs: 12 })),
		).toEqual([5, 10, 12, 12]);
	});
});

describe('COQL', () => {
	it('builds a query and checks its fields', () => {
		expect(
			buildCoqlQuery(
				{
					select: ['Last_Name', 'Account_Name.Account_Name'],
					from: 'Contacts',
					where: "Last_Name = 'x'",
					orderBy: 'Last_Name desc',
				},
				{ limit: 2000, offset: 98_000 },
			),
		).toBe(
			"select Last_Name, Account_Name.Account_Name from Contacts where Last_Name = 'x' order by Last_Name desc limit 98000, 2000",
		);
		const page = { limit: 200, offset: 0 };
		for (const select of [[], Array.from({ length: 51 }, () => 'Email'), ['Last Name']])
			expect(inputError(() => buildCoqlQuery({ select, from: 'Leads' }, page)).field).toBe('Query');
	});

	it('splits a written query into its clauses, leaving quotes and brackets alone', () => {
		expect(
			splitCoqlQuery(
				"SELECT Last_Name, Email FROM Contacts WHERE (Last_Name = 'select from where' and Email like '%limit%') ORDER BY Email desc;",
			),
		).toEqual({
			select: ['Last_Name', 'Email'],
			from: 'Contacts',
			where: "(Last_Name = 'select from where' and Email like '%limit%')",
			orderBy: 'Email desc',
		});
		for (const query of [
			'from Leads',
			'select id from Leads where id is not null limit 5 offset 20',
			'select id from Leads limit 10, 200',
		])
			expect(inputError(() => splitCoqlQuery(query)).field).toBe('Query');
	});

	it('passes aggregates, aliases and GROUP BY through untouched, paged by offset', () => {
		const user =
			'select Lead_Source, COUNT(id) as total, SUM(Annual_Revenue) from Leads where Lead_Source is not null group by Lead_Source order by total desc';
		const parts = splitCoqlQuery(user);
		expect(parts).toEqual({
			select: ['Lead_Source', 'COUNT(id) as total', 'SUM(Annual_Revenue)'],
			from: 'Leads',
			where: 'Lead_Source is not null',
			groupBy: 'Lead_Source',
			orderBy: 'total desc',
		});
		expect(pagesById(parts)).toBe(false);
		expect(pagesById(splitCoqlQuery('select COUNT(id) from Leads where id is not null'))).toBe(
			false,
		);
		expect(buildCoqlQuery(parts, { limit: 2000, offset: 0 })).toBe(`${user} limit 0, 2000`);
		expect(
			inputError(() =>
				buildCoqlQuery({ ...parts, select: ['COUNT(id; x)'] }, { limit: 1, offset: 0 }),
			).field,
		).toBe('Query');
	});

	it('pages by id when the rows come in id order, by offset otherwise', () => {
		const parts = splitCoqlQuery("select Email from Leads where Email like '%@example.com'");
		expect(pagesById(parts)).toBe(true);
		expect(pagesById({ ...parts, orderBy: 'id ASC' })).toBe(true);
		expect(pagesById({ ...parts, orderBy: 'Email' })).toBe(false);
		expect(keysetQuery(parts, { limit: 2000 })).toBe(
			"select Email from Leads where (Email like '%@example.com') and (id is not null) order by id asc limit 0, 2000",
		);
		expect(
			keysetQuery(
				{ select: ['Email'], from: 'Leads' },
				{ afterId: '4150868000000224005', limit: 2000 },
			),
		).toBe('select Email from Leads where id > 4150868000000224005 order by id asc limit 0, 2000');
		expect(inputError(() => keysetQuery(parts, { afterId: '1 or 1=1', limit: 10 })).field).toBe(
			'Query',
		);
	});

	it('keeps one table of rows a call and rows through OFFSET by API version', () => {
		expect(['v2', 'v3', 'v4', 'v6', 'v7', 'v8'].map(coqlLimits)).toEqual([
			{ perCall: 200, reachable: 10_000 },
			{ perCall: 200, reachable: 10_000 },
			{ perCall: 2000, reachable: 10_000 },
			{ perCall: 2000, reachable: 10_000 },
			{ perCall: 2000, reachable: 100_000 },
			{ perCall: 2000, reachable: 100_000 },
		]);
	});

	it("points a position in the sent query into the user's own text", () => {
		const user = 'SELECT Last_Name,Email\nFROM Contacts\nWHERE Email = = 1';
		const sent = keysetQuery(splitCoqlQuery(user), { limit: 50 });
		const column = sent.indexOf('= = 1') + 3;
		expect(userPosition({ user, sent }, { line: 1, column })).toEqual({ line: 3, column: 15 });
		expect(userPosition({ user, sent }, { line: 1, column: sent.indexOf('Email') + 1 })).toEqual({
			line: 1,
			column: 18,
		});
		expect(userPosition({ user, sent }, { line: 1, column: sent.indexOf('id is') + 1 })).toBe(
			undefined,
		);
	});

	it('reads the answer', () => {
		const answer = coqlAnswerSchema.parse({
			data: [{ id: '1', Email: 'a@b.c' }],
			info: { count: 1, more_records: false },
		});
		expect(answer.data[0]).toEqual({ id: '1', Email: 'a@b.c' });
		// Rows of aggregates and groups carry no id.
		const groups = coqlAnswerSchema.parse({
			data: [{ Lead_Source: 'Web', 'COUNT(id)': 3 }],
			info: { count: 1, more_records: false },
		});
		expect(groups.data).toEqual([{ Lead_Source: 'Web', 'COUNT(id)': 3 }]);
		expect(
			coqlAnswerSchema.safeParse({ data: [{ id: '' }], info: { count: 1, more_records: false } })
				.success,
		).toBe(false);
	});
});

describe('deleted records', () => {
	it('asks with type, paging and If-Modified-Since', async () => {
		const requests: ApiRequest[] = [];
		// Zoho's empty answer (204) ends the read after one call.
		const api = {
			read: (request: ApiRequest) => {
				requests.push(request);
				return Promise.resolve(undefined);
			},
		} as unknown as ZohoApi;
		const target = { product: 'crm', crmVersion: 'v8', module: 'Leads' } as const;
		const since = new Date('2026-01-31T09:00:00.900Z');
		const pages: unknown[] = [];
		for (const read of [
			deletedRecordPages(api, { target, type: 'recycle', since, limit: 100 }),
			deletedRecordPages(api, { target }),
		])
			for await (const page of read) pages.push(page);
		expect(pages).toEqual([]);
		expect(requests).toEqual([
			{
				base: target,
				path: '/Leads/deleted',
				query: [
					['type', 'recycle'],
					['page', '1'],
					['per_page', '100'],
				],
				headers: { 'If-Modified-Since': '2026-01-31T09:00:00+00:00' },
			},
			{
				base: target,
				path: '/Leads/deleted',
				query: [
					['type', 'all'],
					['page', '1'],
					['per_page', '200'],
				],
				headers: {},
			},
		]);
	});

	it('reads the answer and refuses an unknown type', () => {
		const entry = {
			deleted_by: { id: '1', name: 'Sim User' },
			id: '4150868000000001',
			display_name: 'Ann Lee',
			type: 'recycle',
			created_by: { id: '1', name: 'Sim User' },
			deleted_time: '2026-01-31T09:00:00+00:00',
		};
		const answer = deletedRecordsAnswerSchema.parse({
			data: [entry],
			info: { per_page: 200, count: 1, page: 1, more_records: false },
		});
		expect(answer.data[0]?.type).toBe('recycle');
		expect(
			deletedRecordsAnswerSchema.safeParse({ data: [{ ...entry, type: 'trash' }], info: {} })
				.success,
		).toBe(false);
	});

	it('reads a permanent entry with null names', () => {
		const permanent = {
			deleted_by: null,
			id: '4150868000000002',
			display_name: null,
			type: 'permanent',
			created_by: null,
			deleted_time: '2026-01-31T09:00:00+00:00',
		};
		const answer = deletedRecordsAnswerSchema.parse({ data: [permanent], info: {} });
		expect(answer.data[0]).toEqual(permanent);
	});

	it("reads Zoho's refusal wrapped in data: [...] and names the parameter to change", async () => {
		const body = {
			data: [
				{
					code: 'PATTERN_NOT_MATCHED',
					details: { param_name: 'type' },
					message: 'Please check whether the input values are correct',
					status: 'error',
				},
			],
		};
		const api = {
			read: () =>
				Promise.reject(
					apiAnswerError({
						status: 400,
						body: Buffer.from(JSON.stringify(body)),
						url: 'https://www.zohoapis.com/crm/v8/Leads/deleted',
						method: 'GET',
						secrets: [],
					}),
				),
		} as unknown as ZohoApi;
		const target = { product: 'crm', crmVersion: 'v8', module: 'Leads' } as const;
		const read = deletedRecordPages(api, { target, type: 'trash' as 'all' });
		await expect(read.next()).rejects.toEqual(
			expect.objectContaining({
				code: 'API_ERROR',
				zohoCode: 'PATTERN_NOT_MATCHED',
				field: 'Deleted Records',
				message:
					'Zoho refused the list of deleted records (PATTERN_NOT_MATCHED) for its parameter type: Please check whether the input values are correct.',
				hint: 'Change Deleted Records: Zoho takes all, recycle, permanent there.',
			}),
		);
	});
});
