// The request contract's checker: known-good requests pass; what Zoho does not know or
// refuses fails with a message that names the parameter and the rule.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { checkRequest, findOperation } from '../../contract/check';
import {
	describeFailures,
	judge,
	readJournal,
	type JournaledRequest,
} from '../../contract/journal';
import type { ContractRequest } from '../../contract/rules';
import { ZohoSimulator } from '../../simulator';

function get(pathAndQuery: string, headers: ContractRequest['headers'] = {}): ContractRequest {
	const url = new URL(pathAndQuery, 'http://zoho.invalid');
	return {
		method: 'GET',
		path: url.pathname,
		query: [...url.searchParams.entries()],
		headers,
		body: { kind: 'none' },
	};
}

/** A JSON write of `records` records (Last_Name only) with more body keys. */
function write(
	path: string,
	options: { records: number; extra?: Record<string, unknown> },
): ContractRequest {
	const extra = options.extra ?? {};
	return {
		method: 'POST',
		path,
		query: [],
		headers: { contentType: 'application/json' },
		body: {
			kind: 'json',
			keys: ['data', ...Object.keys(extra)],
			dataLength: options.records,
			recordKeys: ['Last_Name'],
			recordsAreObjects: true,
			...(extra.trigger === undefined ? {} : { trigger: extra.trigger }),
		},
	};
}

/** A JSON POST whose body holds `values` (what the journal keeps whole of Bulk Read and COQL). */
function post(path: string, values: Record<string, unknown>): ContractRequest {
	return {
		method: 'POST',
		path,
		query: [],
		headers: { contentType: 'application/json' },
		body: { kind: 'json', keys: Object.keys(values), values },
	};
}

function problems(request: ContractRequest): string[] {
	return checkRequest(request).map((finding) => `${finding.operation}: ${finding.problem}`);
}

describe('request contract', () => {
	it('passes known-good requests: a v8 list with fields, a page token walk, a write, the token endpoint', () => {
		expect(
			problems(
				get(
					'/crm/v8/Leads?fields=Last_Name,Email&sort_by=Modified_Time&sort_order=asc&page=2&per_page=200',
					{
						ifModifiedSince: '2026-11-30T09:00:00+00:00',
					},
				),
			),
		).toEqual([]);
		expect(problems(get('/crm/v8/Leads?fields=Last_Name&per_page=200&page_token=abc'))).toEqual([]);
		expect(problems(get('/crm/v2/Leads?page=3'))).toEqual([]);
		expect(
			problems({
				method: 'POST',
				path: '/crm/v8/Contacts/upsert',
				query: [],
				headers: { contentType: 'application/json' },
				body: {
					kind: 'json',
					keys: ['data', 'trigger', 'duplicate_check_fields'],
					dataLength: 100,
					recordKeys: ['Last_Name', 'Email'],
					recordsAreObjects: true,
					trigger: ['pathfinder', 'orchestration'],
					duplicateCheckFields: ['Email'],
				},
			}),
		).toEqual([]);
		expect(
			problems({
				method: 'POST',
				path: '/oauth/v2/token',
				query: [],
				headers: {},
				body: {
					kind: 'form',
					params: [
						['grant_type', 'refresh_token'],
						['client_id', '1000.X'],
						['client_secret', '<redacted>'],
						['refresh_token', '<redacted>'],
					],
				},
			}),
		).toEqual([]);
	});

	it('prefers the most literal path: /org and /settings/fields are not modules', () => {
		expect(findOperation({ method: 'GET', path: '/crm/v8/org' })?.id).toBe('crm.getOrg');
		expect(findOperation({ method: 'GET', path: '/crm/v8/settings/fields' })?.id).toBe(
			'crm.getFields',
		);
		expect(findOperation({ method: 'GET', path: '/crm/v8/Leads/search' })?.id).toBe(
			'crm.searchRecords',
		);
		expect(findOperation({ method: 'GET', path: '/books/v3/organizations' })?.id).toBe(
			'books.organizations',
		);
	});

	it('fails an unknown path or method with "Zoho has no …"', () => {
		expect(problems(get('/crm/v9/Leads?fields=Last_Name'))).toEqual([
			'unknown: Zoho has no GET /crm/v9/Leads: no operation of the contract matches it',
		]);
		expect(
			problems({
				method: 'PATCH',
				path: '/oauth/v2/token',
				query: [],
				headers: {},
				body: { kind: 'none' },
			}),
		).toEqual([
			'unknown: Zoho has no PATCH /oauth/v2/token: no operation of the contract matches it',
		]);
	});

	it('fails a missing required parameter, naming it and the fix', () => {
		expect(problems(get('/crm/v8/Leads?per_page=200'))).toEqual([
			'crm.getRecords: fields is required when listing records (CRM v3 and later, Bigin): add fields=<API names, at most 50>',
		]);
		expect(problems(get('/bigin/v2/Pipelines?fields=Deal_Name'))).toEqual([
			'bigin.getRecords: pipeline_id is required when listing Bigin Pipelines',
		]);
		expect(problems(get('/crm/v8/settings/fields'))).toEqual(['crm.getFields: module is required']);
		expect(problems(get('/books/v3/invoices?page=1'))).toEqual([
			'books.get: organization_id is required',
		]);
	});

	it('fails a limit exceeded: 51 fields, per_page 201, page 11 without a token, 101 records', () => {
		const fields = Array.from({ length: 51 }, (_, i) => `F${i}`).join(',');
		expect(problems(get(`/crm/v8/Leads?fields=${fields}`))).toEqual([
			'crm.getRecords: fields lists 51 items; Zoho takes at most 50',
		]);
		expect(problems(get('/crm/v8/Leads?fields=Email&per_page=201'))).toEqual([
			'crm.getRecords: per_page must be at most 200 (got 201)',
		]);
		expect(problems(get('/crm/v8/Leads?fields=Email&page=11'))).toEqual([
			'crm.getRecords: page 11 × per_page 200 reaches past record 2000: use page_token',
		]);
		expect(problems(write('/crm/v8/Leads', { records: 101 }))).toEqual([
			'crm.createRecords: data holds 101 records; Zoho takes 1 to 100',
		]);
	});

	it('fails page with page_token, an unknown parameter, a bad trigger, and a non-ISO If-Modified-Since', () => {
		expect(problems(get('/crm/v8/Leads?fields=Email&page=2&page_token=x'))).toEqual([
			'crm.getRecords: page and page_token cannot be sent together',
		]);
		expect(problems(get('/crm/v8/Leads?fields=Email&limit=5'))).toEqual([
			'crm.getRecords: limit is not a parameter of this request',
		]);
		expect(
			problems(write('/crm/v8/Leads', { records: 1, extra: { trigger: ['workflows'] } })),
		).toEqual([
			'crm.createRecords: trigger must be a list of workflow, approval, blueprint, pathfinder, orchestration',
		]);
		expect(
			problems(
				get('/crm/v8/Leads?fields=Email', { ifModifiedSince: 'Mon, 30 Nov 2026 09:00:00 GMT' }),
			),
		).toEqual([
			'crm.getRecords: If-Modified-Since must be an ISO 8601 date-time with an offset (got "Mon, 30 Nov 2026 09:00:00 GMT")',
		]);
	});

	it('holds a Bulk Read job body to bulk_read.json: module, fields, page or page_token, criteria, callback, file type', () => {
		const module = { api_name: 'Leads' };
		expect(
			problems(
				post('/crm/bulk/v8/read', {
					query: {
						module,
						fields: ['Last_Name', 'Account_Name.Account_Name'],
						criteria: {
							group_operator: 'and',
							group: [
								{ field: { api_name: 'Modified_Time' }, comparator: 'between', value: ['a', 'b'] },
								{ field: { api_name: 'Lead_Status' }, comparator: 'equal', value: 'Qualified' },
							],
						},
						page_token: 'next-page',
					},
					file_type: 'csv',
					callback: { url: 'https://n8n.example.com/webhook/x', method: 'post' },
				}),
			),
		).toEqual([]);
		expect(
			problems(
				post('/crm/bulk/v8/read', {
					query: {
						module: 'Leads',
						fields: ['Last Name'],
						page: 51,
						page_token: 'x',
						sort: 'id',
						criteria: {
							group_operator: 'xor',
							group: [{ field: { api_name: 'Email' }, comparator: 'like' }],
						},
					},
					file_type: 'xlsx',
					callback: { url: 'https://n8n.example.com/webhook/x', method: 'get' },
				}),
			),
		).toEqual(
			[
				'query has keys Zoho does not know: sort',
				'query.module must be {"api_name": "<module API name>"}',
				'query.fields has items that are not API names: Last Name',
				'query.page must be an integer from 1 to 50',
				'query.page and query.page_token cannot be sent together',
				'query.criteria.group_operator must be and or or',
				'query.criteria.group[0].comparator must be one of in, greater_equal, starts_with, equal, contains, ends_with, not_contains, not_equal, not_in, greater_than, less_than, not_between, less_equal, between',
				'query.criteria.group[0] needs a value',
				'file_type must be csv or ics',
				'callback must be {"url": "<http(s) URL>", "method": "post"}',
			].map((problem) => `crm.bulkRead.create: ${problem}`),
		);
		const condition = (value: unknown) => ({
			field: { api_name: 'Email' },
			comparator: 'in',
			value,
		});
		expect(
			problems(
				post('/crm/bulk/v8/read', {
					query: {
						module: { api_name: 'Leads' },
						criteria: {
							group_operator: 'or',
							group: [
								condition(Array.from({ length: 201 }, (_, i) => `e${i}`)),
								...Array.from({ length: 25 }, () => condition(['x'])),
							],
						},
					},
				}),
			),
		).toEqual(
			[
				'query.criteria has 26 conditions; Zoho takes 25',
				'a condition of query.criteria lists more than 200 values',
			].map((problem) => `crm.bulkRead.create: ${problem}`),
		);
	});

	it('holds a COQL body to its limits by version: LIMIT per call, OFFSET + LIMIT in all', () => {
		const coql = (version: string, query: string) =>
			problems(post(`/crm/${version}/coql`, { select_query: query }));
		expect(coql('v8', 'select id from Leads where id > 5 order by id limit 2000')).toEqual([]);
		expect(coql('v8', 'select id from Leads where id is not null limit 98000, 2000')).toEqual([]);
		expect(coql('v8', "select id from Leads where Last_Name = 'limit 9999'")).toEqual([]);
		expect(coql('v8', 'select id from Leads where id is not null limit 2001')).toEqual([
			'crm.coql: LIMIT 2001: COQL on v8 returns 1 to 2000 rows a call',
		]);
		expect(coql('v8', 'select id from Leads where id is not null limit 2000 offset 98001')).toEqual(
			[
				'crm.coql: OFFSET 98001 + LIMIT 2000 reaches past row 100000, the last COQL on v8 reaches by LIMIT and OFFSET',
			],
		);
		expect(coql('v2', 'select id from Leads where id is not null limit 9900, 200')).toEqual([
			'crm.coql: OFFSET 9900 + LIMIT 200 reaches past row 10000, the last COQL on v2 reaches by LIMIT and OFFSET',
		]);
		expect(coql('v2', 'select id from Leads where id is not null limit 201')).toEqual([
			'crm.coql: LIMIT 201: COQL on v2 returns 1 to 200 rows a call',
		]);
		expect(coql('v3', 'select id from Leads where id is not null limit 2000')).toEqual([
			'crm.coql: LIMIT 2000: COQL on v3 returns 1 to 200 rows a call',
		]);
		expect(coql('v4', 'select id from Leads where id is not null limit 8000, 2000')).toEqual([]);
		expect(
			coql(
				'v8',
				'select Lead_Source, COUNT(id) from Leads where id is not null group by Lead_Source limit 2000',
			),
		).toEqual([]);
		expect(coql('v8', 'delete from Leads')).toEqual([
			'crm.coql: select_query must be a SELECT query',
		]);
		expect(problems(post('/crm/v8/coql', { select_query: 42 }))).toEqual([
			'crm.coql: select_query must be the query as text',
		]);
	});

	it('holds Notification API calls to notifications.json: enable, update and disable bodies, get and delete queries', () => {
		const channel = {
			channel_id: '1000000068001',
			events: ['Leads.create', 'Deals.all'],
			notify_url: 'https://n8n.example.com/webhook/x',
			token: 'secret-of-50-characters-at-most',
			channel_expiry: '2026-12-10T09:30:00+00:00',
			return_affected_field_values: true,
		};
		const send = (method: string, watch: unknown, query = '') =>
			problems({ ...post(`/crm/v8/actions/watch${query}`, { watch }), method });
		expect(send('POST', [channel])).toEqual([]);
		expect(send('PUT', [channel])).toEqual([]);
		expect(
			send('PATCH', [
				{ channel_id: channel.channel_id, events: ['Leads.edit'], _delete_events: true },
			]),
		).toEqual([]);
		expect(problems(get('/crm/v8/actions/watch?module=Leads&per_page=200&page=2'))).toEqual([]);
		expect(problems({ ...get('/crm/v8/actions/watch?channel_ids=1,2'), method: 'DELETE' })).toEqual(
			[],
		);
		expect(
			send('POST', [
				{ ...channel, notify_url: undefined, token: 'x'.repeat(51), events: ['Leads.update'] },
			]),
		).toEqual([
			'crm.watch.post: watch[0].events has "Leads.update": Module.create, .edit, .delete or .all',
			'crm.watch.post: watch[0].notify_url is required: an http(s) URL',
			'crm.watch.post: watch[0].token must be text of at most 50 characters',
		]);
		expect(send('POST', [{ ...channel, _delete_events: true, expiry: 'soon' }])).toEqual([
			'crm.watch.post: watch[0] has "expiry", which Zoho does not know',
			'crm.watch.post: watch[0]._delete_events is true, and only on PATCH (Disable Notification)',
		]);
		expect(send('POST', [])).toEqual([
			'crm.watch.post: "watch" must be a non-empty array of channels',
		]);
		const field = (n: number) => ({ field: { api_name: `F${String(n)}`, id: String(n) } });
		const condition = (module: object, fields: number, type = 'field_selection') => [
			{
				...channel,
				notification_condition: [
					{
						type,
						module,
						field_selection: {
							group_operator: 'or',
							group: Array.from({ length: fields }, (_, n) => field(n)),
						},
					},
				],
			},
		];
		expect(send('POST', condition({ api_name: 'Leads' }, 10))).toEqual([]);
		expect(send('POST', condition({ id: '1' }, 1))).toEqual([]);
		expect(send('POST', condition({ api_name: 'Leads' }, 11))).toEqual([
			'crm.watch.post: watch[0].notification_condition[0].field_selection names more than 10 fields',
		]);
		for (const wrong of [condition({}, 1), condition({ api_name: 'Leads' }, 1, 'fields')])
			expect(send('POST', wrong)).toEqual([
				expect.stringContaining('needs type "field_selection"'),
			]);
		expect(send('POST', [channel], '?module=Leads')).toEqual([expect.stringContaining('module')]);
		expect(problems({ ...get('/crm/v8/actions/watch'), method: 'DELETE' })).toEqual([
			expect.stringContaining('channel_ids'),
		]);
	});

	it('judges a journal: failures fail, requests marked deliberate are reported apart, refusals without a rule are caught', async () => {
		const folder = mkdtempSync(path.join(tmpdir(), 'contract-test-'));
		const sim = new ZohoSimulator({ dataCentres: ['us'], journal: folder });
		try {
			await sim.start();
			const client = sim.registerClient('us');
			const refresh = sim.createRefreshToken('us', {
				clientId: client.clientId,
				scopes: ['ZohoCRM.modules.ALL'],
			});
			const minted = (await (
				await fetch(`${sim.url('us')}/oauth/v2/token`, {
					method: 'POST',
					headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
					body: new URLSearchParams({
						grant_type: 'refresh_token',
						client_id: client.clientId,
						client_secret: client.clientSecret,
						refresh_token: refresh,
					}).toString(),
				})
			).json()) as { access_token: string };
			const auth = { Authorization: `Zoho-oauthtoken ${minted.access_token}` };
			expect(
				(await fetch(`${sim.url('us')}/crm/v8/Leads?fields=Email`, { headers: auth })).status,
			).toBe(204);
			expect((await fetch(`${sim.url('us')}/crm/v8/Leads`, { headers: auth })).status).toBe(400);
			await sim.deliberately('a test of the missing fields error', async () => {
				expect((await fetch(`${sim.url('us')}/crm/v8/Leads`, { headers: auth })).status).toBe(400);
			});
			expect(
				(await fetch(`${sim.url('us')}/crm/v8/Lead?fields=Email`, { headers: auth })).status,
			).toBe(400);

			const journal = readJournal(folder);
			expect(journal.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
				'POST /oauth/v2/token 200',
				'GET /crm/v8/Leads 204',
				'GET /crm/v8/Leads 400',
				'GET /crm/v8/Leads 400',
				'GET /crm/v8/Lead 400',
			]);
			// Secrets stay out of the journal: the form keeps names, never the secret values.
			const text = JSON.stringify(journal);
			for (const secret of [client.clientSecret, refresh, minted.access_token])
				expect(text).not.toContain(secret);
			expect(journal[0]?.testName).toContain('judges a journal');

			const verdict = judge(journal);
			expect(verdict.checked).toBe(5);
			expect(verdict.failures.map(({ request }) => request.path)).toEqual([
				'/crm/v8/Leads',
				'/crm/v8/Lead',
			]);
			expect(verdict.deliberate).toHaveLength(1);
			expect(verdict.deliberate[0]?.request.deliberate).toBe('a test of the missing fields error');
			expect(verdict.deliberate[0]?.findings.map((finding) => finding.problem)).toEqual([
				'fields is required when listing records (CRM v3 and later, Bigin): add fields=<API names, at most 50>',
			]);
			const report = describeFailures(verdict);
			expect(report).toContain('crm.getRecords: fields is required');
			expect(report).toContain(
				"refused: the simulator answered 400 INVALID_MODULE, Zoho's refusal of the request itself",
			);
		} finally {
			await sim.stop();
			rmSync(folder, { recursive: true, force: true });
		}
	});

	it('reads entries written by another process the same way (JSON lines)', () => {
		const entry: JournaledRequest = {
			dc: 'us',
			method: 'GET',
			path: '/crm/v8/Leads',
			query: [['fields', 'Email']],
			headers: {},
			body: { kind: 'none' },
			status: 200,
		};
		expect(judge([entry]).failures).toEqual([]);
	});
});
