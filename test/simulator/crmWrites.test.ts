// The simulator's CRM/Bigin write side and metadata: per-record results, 207/400, the 100-record cap,
// trigger lists, module and field metadata with their scopes, record rules, and API credits.
import { ZohoSimulator } from '../../simulator';

let sim: ZohoSimulator;

beforeAll(async () => {
	sim = new ZohoSimulator({ journal: false, dataCentres: ['us'] });
	await sim.start();
});
afterAll(() => sim.stop());
beforeEach(() => sim.resetCounters());

/** An access token with these scopes, minted through the token endpoint. */
async function tokenFor(scopes: string[]): Promise<string> {
	const client = sim.registerClient('us');
	const refreshToken = sim.createRefreshToken('us', { clientId: client.clientId, scopes });
	const params = new URLSearchParams({
		grant_type: 'refresh_token',
		client_id: client.clientId,
		client_secret: client.clientSecret,
		refresh_token: refreshToken,
	});
	const res = await fetch(`${sim.url('us')}/oauth/v2/token`, { method: 'POST', body: params });
	const json = (await res.json()) as { access_token?: string };
	if (!json.access_token) throw new Error('no access token');
	return json.access_token;
}

async function call(options: {
	path: string;
	token: string;
	method?: string;
	body?: unknown;
}): Promise<{ status: number; json: Record<string, unknown> }> {
	const res = await fetch(`${sim.url('us')}${options.path}`, {
		method: options.method ?? 'GET',
		headers: {
			Authorization: `Zoho-oauthtoken ${options.token}`,
			'Content-Type': 'application/json',
		},
		...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
	});
	const text = await res.text();
	return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const entries = (json: Record<string, unknown>) => json.data as Array<Record<string, unknown>>;
let token: string;

beforeAll(async () => {
	token = await tokenFor([
		'ZohoCRM.modules.ALL',
		'ZohoCRM.settings.ALL',
		'ZohoBigin.modules.ALL',
		'ZohoBigin.settings.ALL',
	]);
});

describe('CRM writes', () => {
	it('answers one entry per record in order: 201 when all succeed, 207 when some are refused, 400 when none succeed', async () => {
		const all = await call({
			path: '/crm/v8/Leads',
			token,
			method: 'POST',
			body: { data: [{ Last_Name: 'A' }, { Last_Name: 'B' }] },
		});
		expect(all.status).toBe(201);
		expect(entries(all.json).map((entry) => entry.message)).toEqual([
			'record added',
			'record added',
		]);

		const mixed = await call({
			path: '/crm/v8/Leads',
			token,
			method: 'POST',
			body: {
				data: [
					{ Last_Name: 'C' },
					{ Email: 'x@example.com' },
					{ Last_Name: 'D', No_of_Employees: 'many' },
				],
			},
		});
		expect(mixed.status).toBe(207);
		expect(entries(mixed.json)).toEqual([
			expect.objectContaining({ code: 'SUCCESS', status: 'success' }),
			{
				code: 'MANDATORY_NOT_FOUND',
				status: 'error',
				message: 'required field not found',
				details: { api_name: 'Last_Name', json_path: '$.data[1].Last_Name' },
			},
			expect.objectContaining({
				code: 'INVALID_DATA',
				details: {
					api_name: 'No_of_Employees',
					json_path: '$.data[2].No_of_Employees',
					expected_data_type: 'integer',
				},
			}),
		]);

		const none = await call({
			path: '/crm/v8/Leads',
			token,
			method: 'POST',
			body: { data: [{ Email: 'y@example.com' }] },
		});
		expect(none.status).toBe(400);
		expect(entries(none.json)[0]?.code).toBe('MANDATORY_NOT_FOUND');
	});

	it('refuses more than 100 records or ids with LIMIT_EXCEEDED', async () => {
		const data = Array.from({ length: 101 }, (_, i) => ({ Last_Name: `L${i}` }));
		const insert = await call({
			path: '/crm/v8/Leads/upsert',
			token,
			method: 'POST',
			body: { data },
		});
		expect(insert.status).toBe(400);
		expect(insert.json.code).toBe('LIMIT_EXCEEDED');
		const ids = Array.from({ length: 101 }, (_, i) => String(1000 + i)).join(',');
		const remove = await call({ path: `/crm/v8/Leads?ids=${ids}`, token, method: 'DELETE' });
		expect(remove.status).toBe(400);
		expect(remove.json.code).toBe('LIMIT_EXCEEDED');
	});

	it('upserts by the default duplicate check field, or by duplicate_check_fields', async () => {
		await call({
			path: '/crm/v8/Contacts',
			token,
			method: 'POST',
			body: { data: [{ Last_Name: 'Orig', Email: 'dup@example.com', Phone: '555' }] },
		});
		const byEmail = await call({
			path: '/crm/v8/Contacts/upsert',
			token,
			method: 'POST',
			body: { data: [{ Last_Name: 'New', Email: 'DUP@example.com' }] },
		});
		expect(entries(byEmail.json)[0]).toEqual(
			expect.objectContaining({
				action: 'update',
				duplicate_field: 'Email',
				message: 'record updated',
			}),
		);
		const byPhone = await call({
			path: '/crm/v8/Contacts/upsert',
			token,
			method: 'POST',
			body: {
				data: [
					{ Last_Name: 'P', Phone: '555' },
					{ Last_Name: 'Q', Phone: '556' },
				],
				duplicate_check_fields: ['Phone'],
			},
		});
		expect(entries(byPhone.json).map((entry) => entry.action)).toEqual(['update', 'insert']);
		expect(sim.counters().writes.at(-1)).toEqual(
			expect.objectContaining({ records: 2, duplicateCheckFields: ['Phone'] }),
		);
	});

	it('accepts a trigger list of workflow, approval and blueprint, records it, and refuses others', async () => {
		const ok = await call({
			path: '/crm/v8/Leads',
			token,
			method: 'POST',
			body: { data: [{ Last_Name: 'T' }], trigger: [] },
		});
		expect(ok.status).toBe(201);
		const bad = await call({
			path: '/crm/v8/Leads',
			token,
			method: 'POST',
			body: { data: [{ Last_Name: 'T' }], trigger: ['sometimes'] },
		});
		expect(bad.status).toBe(400);
		expect(bad.json).toEqual(
			expect.objectContaining({
				code: 'INVALID_DATA',
				details: expect.objectContaining({ api_name: 'trigger' }),
			}),
		);
		expect(sim.counters().writes.map((write) => write.trigger)).toEqual([[]]);
	});

	it('refuses records by a test rule and by a unique field, and counts one credit per call', async () => {
		sim.defineCrmModule('us', {
			api_name: 'Vendors_X',
			fields: [{ api_name: 'Vendor_Code', unique: true, system_mandatory: true }],
		});
		sim.addCrmRecordRule('us', {
			module: 'Vendors_X',
			field: 'Vendor_Code',
			equals: 'BANNED',
			code: 'INVALID_DATA',
			message: 'banned vendor',
		});
		const res = await call({
			path: '/crm/v8/Vendors_X',
			token,
			method: 'POST',
			body: { data: [{ Vendor_Code: 'V1' }, { Vendor_Code: 'V1' }, { Vendor_Code: 'BANNED' }] },
		});
		expect(res.status).toBe(207);
		expect(entries(res.json).map((entry) => entry.code)).toEqual([
			'SUCCESS',
			'DUPLICATE_DATA',
			'INVALID_DATA',
		]);
		expect(entries(res.json)[2]?.message).toBe('banned vendor');
		expect(sim.credits('us')).toBe(1);
		expect(sim.counters().credits).toEqual({ us: 1 });
	});

	it('writes Bigin records under /bigin/v2 with their own mandatory fields', async () => {
		const res = await call({
			path: '/bigin/v2/Pipelines',
			token,
			method: 'POST',
			body: { data: [{ Deal_Name: 'D' }, { Amount: 3 }] },
		});
		expect(res.status).toBe(207);
		expect(entries(res.json)[1]).toEqual(
			expect.objectContaining({
				code: 'MANDATORY_NOT_FOUND',
				details: expect.objectContaining({ api_name: 'Deal_Name' }),
			}),
		);
		expect(sim.records('us', 'Pipelines', 'bigin')).toHaveLength(1);
	});
});

describe('CRM metadata', () => {
	it('lists default and custom modules with their flags', async () => {
		sim.defineCrmModule('us', {
			api_name: 'Shipments',
			singular_label: 'Shipment',
			fields: [{ api_name: 'Tracking', unique: true }],
		});
		const res = await call({ path: '/crm/v8/settings/modules', token });
		const modules = res.json.modules as Array<Record<string, unknown>>;
		expect(modules.find((module) => module.api_name === 'Leads')).toEqual(
			expect.objectContaining({
				module_name: 'Leads',
				singular_label: 'Lead',
				plural_label: 'Leads',
				api_supported: true,
				creatable: true,
				editable: true,
				deletable: true,
				generated_type: 'default',
			}),
		);
		expect(modules.find((module) => module.api_name === 'Shipments')).toEqual(
			expect.objectContaining({ singular_label: 'Shipment', generated_type: 'custom' }),
		);
		expect(modules.find((module) => module.api_name === 'Home')?.api_supported).toBe(false);
	});

	it("lists a module's fields; an unknown module is INVALID_MODULE; no module is REQUIRED_PARAM_MISSING", async () => {
		const res = await call({ path: '/crm/v8/settings/fields?module=Leads', token });
		const fields = res.json.fields as Array<Record<string, unknown>>;
		expect(fields.find((field) => field.api_name === 'Last_Name')).toEqual(
			expect.objectContaining({
				field_label: 'Last Name',
				data_type: 'text',
				system_mandatory: true,
				read_only: false,
				length: 80,
				unique: {},
				json_type: 'string',
				operation_type: { web_update: true, api_create: true, web_create: true, api_update: true },
				field_read_only: false,
				pick_list_values: [],
			}),
		);
		expect(fields.find((field) => field.api_name === 'Lead_Status')?.pick_list_values).toEqual(
			expect.arrayContaining([{ display_value: 'Contacted', actual_value: 'Contacted' }]),
		);
		expect(fields.find((field) => field.api_name === 'Created_Time')?.read_only).toBe(true);
		expect((await call({ path: '/crm/v8/settings/fields?module=Nope', token })).json.code).toBe(
			'INVALID_MODULE',
		);
		expect((await call({ path: '/crm/v8/settings/fields', token })).json.code).toBe(
			'REQUIRED_PARAM_MISSING',
		);
	});

	it('wants ZohoCRM.settings.modules.READ (or settings.ALL/READ) for modules and settings.fields.READ for fields', async () => {
		const modulesOnly = await tokenFor(['ZohoCRM.settings.modules.READ']);
		expect((await call({ path: '/crm/v8/settings/modules', token: modulesOnly })).status).toBe(200);
		const fields = await call({ path: '/crm/v8/settings/fields?module=Leads', token: modulesOnly });
		expect(fields.status).toBe(401);
		expect(fields.json.code).toBe('OAUTH_SCOPE_MISMATCH');
		const fieldsOnly = await tokenFor(['ZohoCRM.settings.fields.READ']);
		expect(
			(await call({ path: '/crm/v8/settings/fields?module=Leads', token: fieldsOnly })).status,
		).toBe(200);
		const settingsRead = await tokenFor(['ZohoCRM.settings.READ']);
		expect((await call({ path: '/crm/v8/settings/modules', token: settingsRead })).status).toBe(
			200,
		);
	});

	it('defines modules and rules over the admin API too', async () => {
		const admin = (path: string, body: unknown) =>
			fetch(`${sim.url('us')}${path}`, {
				method: 'POST',
				body: JSON.stringify(body),
				headers: { 'Content-Type': 'application/json' },
			});
		expect(
			(
				await admin('/__sim/crm/modules', {
					api_name: 'Rooms',
					product: 'bigin',
					fields: [{ api_name: 'Room_No', system_mandatory: true }],
				})
			).status,
		).toBe(200);
		expect(
			(
				await admin('/__sim/crm/rules', {
					product: 'bigin',
					module: 'Rooms',
					field: 'Room_No',
					equals: '13',
				})
			).status,
		).toBe(200);
		const res = await call({
			path: '/bigin/v2/Rooms',
			token,
			method: 'POST',
			body: { data: [{ Room_No: '12' }, { Room_No: '13' }, {}] },
		});
		expect(entries(res.json).map((entry) => entry.code)).toEqual([
			'SUCCESS',
			'INVALID_DATA',
			'MANDATORY_NOT_FOUND',
		]);
		const counters = (await (await fetch(`${sim.url('us')}/__sim/counters`)).json()) as {
			credits: Record<string, number>;
			writes: unknown[];
		};
		expect(counters.credits.us).toBe(1);
		expect(counters.writes).toHaveLength(1);
	});
});
