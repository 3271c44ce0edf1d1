// The simulator as Zoho documents itself (CRM v8 OpenAPI files and doc pages; see
// docs/zoho-conformance.md): required parameters, limits, the documented error bodies,
// page-token rules, default order, unknown modules, metadata rows and write options.
import { ZohoSimulator } from '../../simulator';

// The access token outlives the clock jump that expires a page token (24 hours).
const sim = new ZohoSimulator({
	journal: false,
	dataCentres: ['us'],
	tokenLifetimeSec: 7 * 86_400,
});
let token = '';

async function call(options: {
	path: string;
	method?: string;
	body?: unknown;
	headers?: Record<string, string>;
}): Promise<{ status: number; json: Record<string, unknown> }> {
	const res = await fetch(`${sim.url('us')}${options.path}`, {
		method: options.method ?? 'GET',
		headers: {
			Authorization: `Zoho-oauthtoken ${token}`,
			'Content-Type': 'application/json',
			...options.headers,
		},
		...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
	});
	const text = await res.text();
	return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const dataOf = (json: Record<string, unknown>) => json.data as Array<Record<string, unknown>>;
const infoOf = (json: Record<string, unknown>) => json.info as Record<string, unknown>;

beforeAll(async () => {
	await sim.start();
	const client = sim.registerClient('us');
	const refresh = sim.createRefreshToken('us', {
		clientId: client.clientId,
		scopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.settings.ALL', 'ZohoBigin.modules.ALL'],
	});
	const res = await fetch(`${sim.url('us')}/oauth/v2/token`, {
		method: 'POST',
		body: new URLSearchParams({
			grant_type: 'refresh_token',
			client_id: client.clientId,
			client_secret: client.clientSecret,
			refresh_token: refresh,
		}),
	});
	token = ((await res.json()) as { access_token: string }).access_token;
	sim.seedCrm('us', { module: 'Leads', count: 2300 });
});
afterAll(() => sim.stop());
beforeEach(() => sim.resetCounters());

describe('record lists', () => {
	it('need fields from v3 on and in Bigin (REQUIRED_PARAM_MISSING), at most 50 (LIMIT_EXCEEDED); v2 does not', async () => {
		expect(await call({ path: '/crm/v8/Leads' })).toEqual({
			status: 400,
			json: {
				code: 'REQUIRED_PARAM_MISSING',
				details: { param_name: 'fields' },
				message: 'required param is missing',
				status: 'error',
			},
		});
		const fields = Array.from({ length: 51 }, (_, i) => `Field_${i}`).join(',');
		expect(await call({ path: `/crm/v3/Leads?fields=${fields}` })).toEqual({
			status: 400,
			json: {
				code: 'LIMIT_EXCEEDED',
				details: { limit: 50, param_name: 'fields' },
				message: 'limit exceeded',
				status: 'error',
			},
		});
		expect((await call({ path: '/crm/v2/Leads?per_page=1' })).status).toBe(200);
		expect((await call({ path: '/bigin/v2/Contacts' })).json.code).toBe('REQUIRED_PARAM_MISSING');
		const listed = await call({ path: '/crm/v8/Leads?fields=Email&per_page=1' });
		expect(Object.keys(dataOf(listed.json)[0] ?? {}).sort()).toEqual(['Email', 'id']);
	});

	it('Bigin Pipelines also need pipeline_id', async () => {
		const missing = await call({ path: '/bigin/v2/Pipelines?fields=Deal_Name' });
		expect(missing).toEqual({
			status: 400,
			json: {
				code: 'REQUIRED_PARAM_MISSING',
				details: { param_name: 'pipeline_id' },
				message: 'required param is missing',
				status: 'error',
			},
		});
		expect(
			(await call({ path: '/bigin/v2/Pipelines?fields=Deal_Name&pipeline_id=4150868000000091023' }))
				.status,
		).toBe(204);
	});

	it('come by id, descending, unless sort_by says otherwise, even when a test chose the ids', async () => {
		sim.seedCrm('us', {
			module: 'Accounts',
			count: 3,
			make: (i) => ({ id: String(9_000_000 - i * 1000), Account_Name: `A${i}` }),
		});
		const listed = await call({ path: '/crm/v8/Accounts?fields=Account_Name' });
		expect(dataOf(listed.json).map((record) => record.Account_Name)).toEqual(['A1', 'A2', 'A3']);
		expect(infoOf(listed.json)).toMatchObject({ sort_by: 'id', sort_order: 'desc' });
	});

	it('page tokens are bound to the other parameters: a change is TOKEN_BOUND_DATA_MISMATCH', async () => {
		const tenth = await call({ path: '/crm/v8/Leads?fields=Email&sort_order=asc&page=10' });
		const next = String(infoOf(tenth.json).next_page_token);
		expect(infoOf(tenth.json)).toMatchObject({ previous_page_token: null, more_records: true });
		const mismatch = {
			status: 400,
			json: {
				code: 'TOKEN_BOUND_DATA_MISMATCH',
				details: { param_name: 'page_token' },
				message:
					'The page_token given seems to be invalid or input param is added or altered or deleted',
				status: 'error',
			},
		};
		expect(await call({ path: `/crm/v8/Leads?fields=Email&page_token=${next}` })).toEqual(mismatch);
		expect(
			await call({ path: `/crm/v8/Leads?fields=Last_Name&sort_order=asc&page_token=${next}` }),
		).toEqual(mismatch);
		expect(
			await call({
				path: `/crm/v8/Leads?fields=Email&sort_order=asc&page_token=${next}`,
				headers: { 'If-Modified-Since': '2020-01-01T00:00:00+00:00' },
			}),
		).toEqual(mismatch);
		expect(
			await call({ path: `/crm/v8/Contacts?fields=Email&sort_order=asc&page_token=${next}` }),
		).toEqual(mismatch);
		const same = await call({
			path: `/crm/v8/Leads?fields=Email&sort_order=asc&page_token=${next}`,
		});
		expect(same.status).toBe(200);
		expect(dataOf(same.json)).toHaveLength(200);
	});

	it('an unknown page token is INVALID_DATA, an expired one EXPIRED_VALUE, page with page_token AMBIGUITY_DURING_PROCESSING', async () => {
		expect(await call({ path: '/crm/v8/Leads?fields=Email&page_token=nope' })).toEqual({
			status: 400,
			json: {
				code: 'INVALID_DATA',
				details: { param_name: 'page_token' },
				message: 'invalid data',
				status: 'error',
			},
		});
		const tenth = await call({ path: '/crm/v8/Leads?fields=Email&page=10' });
		const next = String(infoOf(tenth.json).next_page_token);
		expect(
			(await call({ path: `/crm/v8/Leads?fields=Email&page=11&page_token=${next}` })).json,
		).toEqual({
			code: 'AMBIGUITY_DURING_PROCESSING',
			details: { ambiguity_due_to: [{ param_name: 'page' }, { param_name: 'page_token' }] },
			message: 'ambiguity during processing',
			status: 'error',
		});
		sim.advanceClock(24 * 3600 * 1000 + 1);
		expect((await call({ path: `/crm/v8/Leads?fields=Email&page_token=${next}` })).json).toEqual({
			code: 'EXPIRED_VALUE',
			details: { api_name: 'page_token', json_path: '$.query.page_token' },
			message: 'Page token expired',
			status: 'error',
		});
	});

	it('page tokens reach 100,000 records (configurable here), then PAGINATION_LIMIT_EXCEEDED', async () => {
		expect(sim.getConfig().pageTokenRecordLimit).toBe(100_000);
		sim.configure({ pageTokenRecordLimit: 2200 });
		try {
			const tenth = await call({ path: '/crm/v8/Leads?fields=Email&page=10' });
			const first = String(infoOf(tenth.json).next_page_token);
			const eleventh = await call({ path: `/crm/v8/Leads?fields=Email&page_token=${first}` });
			expect(eleventh.status).toBe(200);
			const second = String(infoOf(eleventh.json).next_page_token);
			expect(await call({ path: `/crm/v8/Leads?fields=Email&page_token=${second}` })).toEqual({
				status: 400,
				json: {
					code: 'PAGINATION_LIMIT_EXCEEDED',
					details: { param_name: 'page_token' },
					message: 'You can only get upto 2200 records using page_token param',
					status: 'error',
				},
			});
		} finally {
			sim.configure({ pageTokenRecordLimit: 100_000 });
		}
	});
});

describe('modules', () => {
	it('an unknown module is INVALID_MODULE for every record API; the simulator creates none on the fly', async () => {
		const invalid = {
			code: 'INVALID_MODULE',
			details: { resource_path_index: 0 },
			message: 'the module name given seems to be invalid',
			status: 'error',
		};
		const requests = [
			{ path: '/crm/v8/Lead?fields=Email' },
			{ path: '/crm/v8/Lead/123' },
			{ path: '/crm/v8/Lead/search?word=x' },
			{ path: '/crm/v8/Lead', method: 'POST', body: { data: [{ Last_Name: 'X' }] } },
			{ path: '/crm/v8/Lead/upsert', method: 'POST', body: { data: [{ Last_Name: 'X' }] } },
			{ path: '/crm/v8/Lead?ids=1', method: 'DELETE' },
			{ path: '/crm/v8/webtab?fields=Name' },
		];
		for (const request of requests)
			expect(await call(request)).toEqual({ status: 400, json: invalid });
		expect(sim.records('us', 'Lead')).toEqual([]);
		expect(() => sim.seedCrm('us', { module: 'Lead', count: 1 })).toThrow(
			'crm module Lead is not defined: define it first with defineCrmModule (POST /__sim/crm/modules)',
		);
	});

	it('settings/modules lists subforms, web tabs, field trackers and hidden modules with their flags', async () => {
		const { json } = await call({ path: '/crm/v8/settings/modules' });
		const modules = json.modules as Array<Record<string, unknown>>;
		const row = (name: string) => modules.find((module) => module.api_name === name);
		expect(row('Leads')).toMatchObject({
			generated_type: 'default',
			status: 'visible',
			visibility: 1,
			viewable: true,
			creatable: true,
			parent_module: {},
		});
		expect(row('Subform_1')).toMatchObject({
			generated_type: 'static_subform',
			parent_module: { api_name: 'Leads', id: row('Leads')?.id },
		});
		expect(row('webtab')).toMatchObject({ generated_type: 'webtab_link', api_supported: false });
		expect(row('DealHistory')).toMatchObject({
			generated_type: 'field_tracker',
			status: 'system_hidden',
			viewable: false,
			creatable: false,
		});
		expect(row('Feeds')).toMatchObject({ status: 'user_hidden', api_supported: false });
		for (const name of ['Campaigns', 'Cases', 'Solutions', 'Vendors', 'Price_Books', 'Invoices'])
			expect(row(name)).toMatchObject({ api_supported: true, generated_type: 'default' });
	});

	it('settings/fields rows carry json_type, operation_type, field_read_only and unique as an object', async () => {
		sim.defineCrmModule('us', {
			api_name: 'Rooms_X',
			fields: [
				{ api_name: 'Name', system_mandatory: true },
				{ api_name: 'Code', unique: true },
				{ api_name: 'Floor', layout_mandatory: true, data_type: 'integer' },
			],
		});
		const { json } = await call({ path: '/crm/v8/settings/fields?module=Rooms_X' });
		const fields = json.fields as Array<Record<string, unknown>>;
		const field = (name: string) => fields.find((row) => row.api_name === name);
		expect(field('Code')).toMatchObject({ unique: { casesensitive: '0' }, json_type: 'string' });
		expect(field('Floor')).toMatchObject({ json_type: 'integer', system_mandatory: false });
		expect(field('Floor')).not.toHaveProperty('layoutMandatory');
		expect(field('Owner')).toMatchObject({ json_type: 'jsonobject', data_type: 'ownerlookup' });
		expect(field('Modified_Time')).toMatchObject({
			read_only: true,
			field_read_only: true,
			operation_type: {
				web_update: false,
				api_create: false,
				web_create: false,
				api_update: false,
			},
		});
		const leads = await call({ path: '/crm/v8/settings/fields?module=Leads' });
		const subform = (leads.json.fields as Array<Record<string, unknown>>).find(
			(row) => row.api_name === 'Subform_1',
		);
		expect(subform).toMatchObject({ data_type: 'subform', json_type: 'jsonarray' });
		// A field the layout requires though settings/fields does not say so.
		const created = await call({
			path: '/crm/v8/Rooms_X',
			method: 'POST',
			body: { data: [{ Name: 'R1' }] },
		});
		expect(dataOf(created.json)[0]).toEqual({
			code: 'MANDATORY_NOT_FOUND',
			details: { api_name: 'Floor', json_path: '$.data[0].Floor' },
			message: 'required field not found',
			status: 'error',
		});
	});
});

describe('writes', () => {
	it('take every trigger Zoho lists (pathfinder and orchestration too) and refuse others naming them', async () => {
		const triggers = ['workflow', 'approval', 'blueprint', 'pathfinder', 'orchestration'];
		const ok = await call({
			path: '/crm/v8/Leads',
			method: 'POST',
			body: { data: [{ Last_Name: 'T' }], trigger: triggers },
		});
		expect(ok.status).toBe(201);
		expect(sim.counters().writes.at(-1)?.trigger).toEqual(triggers);
		expect(
			await call({
				path: '/crm/v8/Leads',
				method: 'POST',
				body: { data: [{ Last_Name: 'T' }], trigger: ['workflows'] },
			}),
		).toEqual({
			status: 400,
			json: {
				code: 'INVALID_DATA',
				details: { api_name: 'trigger', json_path: '$.trigger', supported_values: triggers },
				message: 'invalid data',
				status: 'error',
			},
		});
	});

	it('Delete takes wf_trigger (recorded; omitted means workflows run) and answers unknown ids as "record not deleted" (207)', async () => {
		const [id] = sim.seedCrm('us', { module: 'Leads', count: 1 });
		const deleted = await call({
			path: `/crm/v8/Leads?ids=${id ?? ''},4150868099999999999&wf_trigger=false`,
			method: 'DELETE',
		});
		expect(deleted.status).toBe(207);
		expect(dataOf(deleted.json)[1]).toEqual({
			code: 'INVALID_DATA',
			details: { id: '4150868099999999999' },
			message: 'record not deleted',
			status: 'error',
		});
		expect(sim.counters().writes.at(-1)).toMatchObject({ records: 2, wfTrigger: 'false' });
		expect(
			(await call({ path: '/crm/v8/Leads?ids=1&wf_trigger=no', method: 'DELETE' })).json,
		).toMatchObject({
			code: 'INVALID_DATA',
			details: { param_name: 'wf_trigger' },
		});
		expect(await call({ path: '/crm/v8/Leads', method: 'DELETE' })).toEqual({
			status: 400,
			json: {
				code: 'REQUIRED_PARAM_MISSING',
				details: { param_name: 'ids' },
				message: 'One of the expected parameter is missing',
				status: 'error',
			},
		});
	});

	it('a record with several problems is MULTIPLE_OR_MULTI_ERRORS; DUPLICATE_DATA names the record, its owner and more_records', async () => {
		sim.defineCrmModule('us', {
			api_name: 'Badges_X',
			fields: [
				{ api_name: 'Name', system_mandatory: true },
				{ api_name: 'Serial', unique: true },
				{ api_name: 'Weight', data_type: 'integer' },
			],
		});
		const [first, second] = sim.seedCrm('us', {
			module: 'Badges_X',
			count: 2,
			make: (i) => ({ Name: `B${i}`, Serial: 'S1' }),
		});
		const created = await call({
			path: '/crm/v8/Badges_X',
			method: 'POST',
			body: {
				data: [
					{ Serial: 'S1', Weight: 'heavy' },
					{ Name: 'ok', Serial: 'S1' },
				],
			},
		});
		expect(created.status).toBe(400);
		const [multi, duplicate] = dataOf(created.json);
		expect(multi).toMatchObject({
			code: 'MULTIPLE_OR_MULTI_ERRORS',
			message: 'Multiple errors in the request',
		});
		const errors = (multi?.details as { errors: Array<Record<string, unknown>> }).errors;
		expect(
			errors.map((error) => [error.code, (error.details as Record<string, unknown>).api_name]),
		).toEqual([
			['MANDATORY_NOT_FOUND', 'Name'],
			['INVALID_DATA', 'Weight'],
			['DUPLICATE_DATA', 'Serial'],
		]);
		expect(duplicate).toEqual({
			code: 'DUPLICATE_DATA',
			details: {
				api_name: 'Serial',
				json_path: '$.data[1].Serial',
				duplicate_record: {
					id: first,
					Owner: { name: 'Sim User', id: expect.any(String) },
					module: { api_name: 'Badges_X', id: expect.any(String) },
				},
				more_records: true,
			},
			message: 'duplicate data',
			status: 'error',
		});
		expect(second).toBeDefined();
	});

	it('upsert without duplicate_check_fields uses the system fields of every module Zoho lists, Name in custom modules', async () => {
		const cases: Array<[string, Record<string, unknown>]> = [
			['Campaigns', { Campaign_Name: 'C' }],
			['Cases', { Subject: 'S' }],
			['Solutions', { Solution_Title: 'T' }],
			['Vendors', { Vendor_Name: 'V' }],
			['Price_Books', { Price_Book_Name: 'P' }],
			['Quotes', { Subject: 'Q' }],
			['Sales_Orders', { Subject: 'SO' }],
			['Purchase_Orders', { Subject: 'PO' }],
			['Invoices', { Subject: 'I' }],
			['Badges_X', { Name: 'N1' }],
		];
		for (const [module, record] of cases) {
			const first = await call({
				path: `/crm/v8/${module}/upsert`,
				method: 'POST',
				body: { data: [record] },
			});
			const again = await call({
				path: `/crm/v8/${module}/upsert`,
				method: 'POST',
				body: { data: [record] },
			});
			expect([module, dataOf(first.json)[0]?.action, dataOf(again.json)[0]?.action]).toEqual([
				module,
				'insert',
				'update',
			]);
			expect(dataOf(again.json)[0]?.duplicate_field).toBe(Object.keys(record)[0]);
		}
	});
});

describe('request journal', () => {
	it('marks requests sent wrong on purpose over HTTP too; the reason must be a string', async () => {
		const mark = await fetch(`${sim.url('us')}/__sim/journal/deliberate`, {
			method: 'POST',
			body: JSON.stringify({ reason: 'over HTTP' }),
		});
		expect(mark.status).toBe(200);
		const stop = await fetch(`${sim.url('us')}/__sim/journal/deliberate`, {
			method: 'POST',
			body: JSON.stringify({}),
		});
		expect(stop.status).toBe(200);
		const bad = await fetch(`${sim.url('us')}/__sim/journal/deliberate`, {
			method: 'POST',
			body: JSON.stringify({ reason: 5 }),
		});
		expect(await bad.json()).toEqual({ error: 'reason must be a string' });
	});
});
