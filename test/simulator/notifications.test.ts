// The simulator's Notification API (`/crm/{v}/actions/watch`) over the wire, with a real
// local HTTP receiver for the callbacks: enable, update, disable, list, expiry rules on the
// virtual clock, the callback body, batching, field conditions, related records, failed
// deliveries (never retried) and the counters.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ZohoSimulator } from '../../simulator';
import { simCall, type SimAnswer } from '../support/simApi';
import { mintAccessToken, simulatorClient } from '../support/simulatorTokens';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const SCOPES = ['ZohoCRM.modules.ALL', 'ZohoCRM.settings.ALL', 'ZohoCRM.notifications.ALL'];

interface Callback {
	path: string;
	contentType: string;
	body: Record<string, unknown>;
}

/** A notify URL: records every POST and answers with `status`. */
class Receiver {
	readonly received: Callback[] = [];
	status = 200;
	private readonly server: Server = createServer((req, res) => {
		void readJson(req).then((body) => {
			this.received.push({
				path: req.url ?? '',
				contentType: req.headers['content-type'] ?? '',
				body,
			});
			res.writeHead(this.status).end();
		});
	});

	async start(): Promise<void> {
		this.server.listen(0, '127.0.0.1');
		await once(this.server, 'listening');
	}

	url(path = '/zoho'): string {
		return `http://127.0.0.1:${String((this.server.address() as AddressInfo).port)}${path}`;
	}

	take(): Callback[] {
		return this.received.splice(0, this.received.length);
	}

	async stop(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise((resolve) => this.server.close(resolve));
	}
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () =>
			resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>),
		);
		req.on('error', reject);
	});
}

let sim: ZohoSimulator;
let receiver: Receiver;
let token: string;
let nextChannel = 1000000068000;

beforeAll(async () => {
	sim = new ZohoSimulator({ dataCentres: ['us'] });
	await sim.start();
	receiver = new Receiver();
	await receiver.start();
	token = await tokenFor(SCOPES);
});
afterAll(async () => {
	await sim.stop();
	await receiver.stop();
});
beforeEach(() => {
	receiver.status = 200;
	receiver.take();
	sim.resetCounters();
});
afterEach(async () => {
	// Every test leaves no channel behind, so the next one hears only its own.
	for (const channel of sim.notificationChannels('us'))
		sim.forgetNotificationChannel('us', channel.channelId);
	await sim.notificationsSettled();
});

function tokenFor(scopes: string[]): Promise<string> {
	return mintAccessToken(sim, { client: simulatorClient(sim, { scopes }) });
}

/** A call to the simulator's US DC, with the suite's token unless another is given. */
function call(options: {
	path: string;
	method?: string;
	body?: unknown;
	rawBody?: string;
	accessToken?: string;
}): Promise<SimAnswer> {
	const { accessToken, ...request } = options;
	return simCall(sim, { ...request, token: accessToken ?? token });
}

function watch(
	method: string,
	element: Record<string, unknown>,
	options: { version?: string; accessToken?: string } = {},
): Promise<SimAnswer> {
	return call({
		path: `/crm/${options.version ?? 'v8'}/actions/watch`,
		method,
		body: { watch: [element] },
		...(options.accessToken ? { accessToken: options.accessToken } : {}),
	});
}

function newChannel(): string {
	nextChannel += 1;
	return String(nextChannel);
}

/** Enables a channel on Leads (all events unless given) to the receiver; returns its id. */
async function enable(extra: Record<string, unknown> = {}): Promise<string> {
	const channelId = newChannel();
	const answer = await watch('POST', {
		channel_id: channelId,
		events: ['Leads.all'],
		notify_url: receiver.url(),
		token: `verify-${channelId}`,
		...extra,
	});
	expect(answer.status).toBe(201);
	return channelId;
}

function entriesOf(answer: SimAnswer): Array<Record<string, unknown>> {
	return answer.json.watch as Array<Record<string, unknown>>;
}

async function insertLeads(records: Array<Record<string, unknown>>): Promise<string[]> {
	const answer = await call({ path: '/crm/v8/Leads', method: 'POST', body: { data: records } });
	expect(answer.status).toBe(201);
	return (answer.json.data as Array<{ details: { id: string } }>).map((entry) => entry.details.id);
}

/** The module and field references a notification_condition names, as settings/* list them. */
async function leadsRefs(name = 'Leads'): Promise<{
	module: { api_name: string; id: string };
	field: (name: string) => { field: { api_name: string; id: string } };
}> {
	const modules = await call({ path: '/crm/v8/settings/modules' });
	const leads = (modules.json.modules as Array<{ api_name: string; id: string }>).find(
		(module) => module.api_name === name,
	);
	const fields = await call({ path: `/crm/v8/settings/fields?module=${name}` });
	const byName = new Map(
		(fields.json.fields as Array<{ api_name: string; id: string }>).map((field) => [
			field.api_name,
			field.id,
		]),
	);
	if (!leads) throw new Error(`no ${name} module`);
	return {
		module: { api_name: name, id: leads.id },
		field: (name) => ({ field: { api_name: name, id: byName.get(name) ?? '1' } }),
	};
}

/** The callbacks that arrived once every delivery due has finished. */
async function delivered(): Promise<Callback[]> {
	await sim.notificationsSettled();
	return receiver.take();
}

describe('enabling a channel', () => {
	it('answers 201 with the channel per module, its expiry and resource', async () => {
		const now = sim.now();
		const answer = await watch('POST', {
			channel_id: 1000000068001,
			events: ['Leads.create', 'Contacts.all'],
			notify_url: receiver.url(),
			token: 'TOKEN_FOR_VERIFICATION',
			channel_expiry: new Date(now + 2 * DAY).toISOString(),
		});
		expect(answer.status).toBe(201);
		const [entry] = entriesOf(answer);
		expect(entry).toMatchObject({
			code: 'SUCCESS',
			status: 'success',
			message: 'Successfully subscribed for actions-watch of the given module',
		});
		const events = (entry?.details as { events: Array<Record<string, unknown>> }).events;
		expect(events.map((event) => event.resource_name)).toEqual(['Leads', 'Contacts']);
		expect(events[0]).toMatchObject({
			channel_id: '1000000068001',
			resource_uri: `${sim.url('us')}/crm/v8/Leads`,
		});
		expect(events[0]?.resource_id).toMatch(/^\d+$/);
		expect(Date.parse(String(events[0]?.channel_expiry))).toBe(
			Math.floor((now + 2 * DAY) / 1000) * 1000,
		);
		expect(sim.counters().notifications.activeChannels).toBe(1);
		expect(sim.credits('us')).toBeGreaterThanOrEqual(1);
	});

	it('refuses a module the Notification API does not watch, as one bare 400; custom modules are watched', async () => {
		for (const module of ['Notes', 'DealHistory', 'Subform_1']) {
			const answer = await watch('POST', {
				channel_id: newChannel(),
				events: ['Leads.create', `${module}.create`],
				notify_url: receiver.url(),
			});
			expect(answer.status).toBe(400);
			expect(answer.json).toEqual({
				code: 'INVALID_DATA',
				message: 'invalid data',
				details: { api_name: 'events' },
				status: 'error',
			});
		}
		sim.defineCrmModule('us', { api_name: 'Projects_X', fields: [] });
		const custom = await watch('POST', {
			channel_id: newChannel(),
			events: ['Projects_X.all'],
			notify_url: receiver.url(),
		});
		expect(custom.status).toBe(201);
		expect(sim.counters().notifications.activeChannels).toBe(1);
	});

	it('gives one hour when the expiry is omitted or past the maximum: a week from v4, a day before', async () => {
		const cases: Array<{ version: string; askedMs?: number; expectedMs: number }> = [
			{ version: 'v8', expectedMs: HOUR },
			{ version: 'v8', askedMs: 7 * DAY - 60_000, expectedMs: 7 * DAY - 60_000 },
			{ version: 'v8', askedMs: 8 * DAY, expectedMs: HOUR },
			{ version: 'v4', askedMs: 6 * DAY, expectedMs: 6 * DAY },
			{ version: 'v3', askedMs: 2 * DAY, expectedMs: HOUR },
			{ version: 'v3', askedMs: 23 * HOUR, expectedMs: 23 * HOUR },
			{ version: 'v2.1', askedMs: 2 * DAY, expectedMs: HOUR },
		];
		for (const { version, askedMs, expectedMs } of cases) {
			const now = sim.now();
			const answer = await watch(
				'POST',
				{
					channel_id: newChannel(),
					events: ['Leads.create'],
					notify_url: receiver.url(),
					...(askedMs === undefined
						? {}
						: { channel_expiry: new Date(now + askedMs).toISOString() }),
				},
				{ version },
			);
			expect(answer.status).toBe(201);
			const event = (entriesOf(answer)[0]?.details as { events: Array<Record<string, unknown>> })
				.events[0];
			const expiry = Date.parse(String(event?.channel_expiry));
			// Zoho writes whole seconds; the simulator's clock ran on a little meanwhile.
			expect(Math.abs(expiry - (now + expectedMs))).toBeLessThan(2_000);
			expect(event?.resource_uri).toBe(`${sim.url('us')}/crm/${version}/Leads`);
		}
	});

	it('refuses bad input element by element, naming the field', async () => {
		const base = { channel_id: newChannel(), events: ['Leads.all'], notify_url: receiver.url() };
		const cases: Array<[Record<string, unknown>, string, string]> = [
			[{ ...base, notify_url: undefined }, 'MANDATORY_NOT_FOUND', 'notify_url'],
			[{ ...base, channel_id: undefined }, 'MANDATORY_NOT_FOUND', 'channel_id'],
			[{ ...base, events: undefined }, 'MANDATORY_NOT_FOUND', 'events'],
			[{ ...base, channel_id: 'abc' }, 'INVALID_DATA', 'channel_id'],
			[{ ...base, token: 'x'.repeat(51) }, 'INVALID_DATA', 'token'],
			[{ ...base, events: ['Leads.update'] }, 'INVALID_DATA', 'events'],
			[{ ...base, events: ['No_Such_Module.all'] }, 'INVALID_DATA', 'events'],
			[{ ...base, notify_url: 'ftp://example.com/x' }, 'INVALID_DATA', 'notify_url'],
			[{ ...base, channel_expiry: 'tomorrow' }, 'INVALID_DATA', 'channel_expiry'],
			[
				{ ...base, channel_expiry: new Date(sim.now() - HOUR).toISOString() },
				'INVALID_DATA',
				'channel_expiry',
			],
			[
				{ ...base, return_affected_field_values: 'yes' },
				'INVALID_DATA',
				'return_affected_field_values',
			],
		];
		for (const [element, code, field] of cases) {
			const answer = await sim.deliberately('a bad channel element', () => watch('POST', element));
			expect(answer.status).toBe(400);
			expect(entriesOf(answer)[0]).toMatchObject({
				code,
				status: 'error',
				details: { api_name: field, json_path: `$.watch[0].${field}` },
			});
		}
		const notJson = await sim.deliberately('a body that is not JSON', () =>
			call({ path: '/crm/v8/actions/watch', method: 'POST', rawBody: '{' }),
		);
		expect(notJson.status).toBe(400);
		expect(notJson.json.code).toBe('INVALID_DATA');
		const noWatch = await sim.deliberately('a body without watch', () =>
			call({ path: '/crm/v8/actions/watch', method: 'POST', body: {} }),
		);
		expect(noWatch.status).toBe(400);
		expect(noWatch.json).toMatchObject({
			code: 'MANDATORY_NOT_FOUND',
			details: { api_name: 'watch' },
		});
		expect(sim.counters().notifications.activeChannels).toBe(0);
	});

	it('answers 207 when some elements of one call succeed and others fail', async () => {
		const answer = await sim.deliberately('the second element has no notify_url', () =>
			call({
				path: '/crm/v8/actions/watch',
				method: 'POST',
				body: {
					watch: [
						{ channel_id: newChannel(), events: ['Leads.all'], notify_url: receiver.url() },
						{ channel_id: newChannel(), events: ['Leads.all'] },
					],
				},
			}),
		);
		expect(answer.status).toBe(207);
		expect(entriesOf(answer).map((entry) => entry.status)).toEqual(['success', 'error']);
	});

	it('needs a ZohoCRM.notifications scope for the method', async () => {
		const noScope = await tokenFor(['ZohoCRM.modules.ALL']);
		const readOnly = await tokenFor(['ZohoCRM.notifications.READ']);
		const element = { channel_id: newChannel(), events: ['Leads.all'], notify_url: receiver.url() };
		const refused = await watch('POST', element, { accessToken: noScope });
		expect(refused.status).toBe(401);
		expect(refused.json.code).toBe('OAUTH_SCOPE_MISMATCH');
		expect((await watch('POST', element, { accessToken: readOnly })).status).toBe(401);
		const list = await call({ path: '/crm/v8/actions/watch', accessToken: readOnly });
		expect(list.status).toBe(204);
		const creator = await tokenFor(['ZohoCRM.notifications.CREATE']);
		expect((await watch('POST', element, { accessToken: creator })).status).toBe(201);
	});

	it('takes notification_condition from v6 on only, naming the module and fields with their ids', async () => {
		const refs = await leadsRefs();
		const condition = (field: string, module: Record<string, unknown> = refs.module) => [
			{
				type: 'field_selection',
				module,
				field_selection: { group_operator: 'or', group: [refs.field(field)] },
			},
		];
		const element = (field: string) => ({
			channel_id: newChannel(),
			events: ['Leads.edit'],
			notify_url: receiver.url(),
			notification_condition: condition(field),
		});
		expect((await watch('POST', element('Email'), { version: 'v6' })).status).toBe(201);
		const old = await watch('POST', element('Email'), { version: 'v5' });
		expect(old.status).toBe(400);
		expect(entriesOf(old)[0]).toMatchObject({
			code: 'INVALID_DATA',
			details: { api_name: 'notification_condition' },
		});
		const unknown = await watch('POST', element('No_Such_Field'));
		expect(unknown.status).toBe(400);
		expect(entriesOf(unknown)[0]?.code).toBe('INVALID_DATA');
		const noType = await sim.deliberately('a condition Zoho refuses', () =>
			watch('POST', {
				...element('Email'),
				notification_condition: [{ module: refs.module, field_selection: {} }],
			}),
		);
		expect(entriesOf(noType)[0]).toMatchObject({
			code: 'MANDATORY_NOT_FOUND',
			details: { api_name: 'type', json_path: '$.watch[0].notification_condition[0].type' },
		});
		const otherType = await sim.deliberately('a condition Zoho refuses', () =>
			watch('POST', {
				...element('Email'),
				notification_condition: [{ ...condition('Email')[0], type: 'fields' }],
			}),
		);
		expect(entriesOf(otherType)[0]).toMatchObject({
			code: 'INVALID_DATA',
			details: { api_name: 'type', supported_values: ['field_selection'] },
		});
		const typeOnly = await sim.deliberately('a condition Zoho refuses', () =>
			watch('POST', {
				...element('Email'),
				notification_condition: [{ type: 'field_selection', module: refs.module }],
			}),
		);
		expect(entriesOf(typeOnly)[0]).toMatchObject({
			code: 'DEPENDENT_FIELD_MISSING',
			details: {
				api_name: 'field_selection',
				json_path: '$.watch[0].notification_condition[0].field_selection',
				dependee: { api_name: 'type', json_path: '$.watch[0].notification_condition[0].type' },
			},
		});
		// The module by API name or by id will do; neither will not.
		for (const module of [{ api_name: 'Leads' }, { id: refs.module.id }])
			expect(
				(
					await watch('POST', {
						...element('Email'),
						notification_condition: condition('Email', module),
					})
				).status,
			).toBe(201);
		const noModule = await sim.deliberately('a condition Zoho refuses', () =>
			watch('POST', {
				...element('Email'),
				notification_condition: condition('Email', {}),
			}),
		);
		expect(entriesOf(noModule)[0]).toMatchObject({
			code: 'EXPECTED_FIELD_MISSING',
			message: 'Specify atleast one field',
		});
		const contacts = (await leadsRefs('Contacts')).module;
		const wrongModuleId = await watch('POST', {
			...element('Email'),
			notification_condition: condition('Email', { api_name: 'Leads', id: contacts.id }),
		});
		expect(entriesOf(wrongModuleId)[0]?.code).toBe('AMBIGUITY_DURING_PROCESSING');
		const unwatched = await watch('POST', {
			...element('Email'),
			notification_condition: condition('Email', contacts),
		});
		expect(entriesOf(unwatched)[0]).toMatchObject({
			code: 'INVALID_DATA',
			details: { api_name: 'module' },
		});
		const eleven = [
			'Email',
			'First_Name',
			'Last_Name',
			'Company',
			'Phone',
			'Mobile',
			'Lead_Status',
			'Website',
			'Annual_Revenue',
			'No_of_Employees',
			'Description',
		];
		const tooMany = await sim.deliberately('a condition Zoho refuses', () =>
			watch('POST', {
				...element('Email'),
				notification_condition: [
					{
						type: 'field_selection',
						module: refs.module,
						field_selection: {
							group_operator: 'or',
							group: eleven.map((name) => refs.field(name)),
						},
					},
				],
			}),
		);
		expect(entriesOf(tooMany)[0]).toMatchObject({
			code: 'INVALID_DATA',
			details: {
				api_name: 'field_selection',
				json_path: '$.watch[0].notification_condition.field_selection',
				maximum_length: 10,
			},
		});
		const fieldWithoutId = await watch('POST', {
			...element('Email'),
			notification_condition: [
				{
					type: 'field_selection',
					module: refs.module,
					field_selection: { group_operator: 'or', group: [{ field: { api_name: 'Email' } }] },
				},
			],
		});
		expect(entriesOf(fieldWithoutId)[0]?.code).toBe('INVALID_DATA');
	});
});

describe('callbacks', () => {
	it('POSTs one JSON callback per call with the ids, operation, channel and token', async () => {
		const channelId = await enable({ notify_url: receiver.url('/zoho?key1=val1&key2=val2') });
		const before = sim.now();
		const ids = await insertLeads([{ Last_Name: 'A' }, { Last_Name: 'B' }]);
		const [callback, ...more] = await delivered();
		expect(more).toEqual([]);
		expect(callback?.path).toBe('/zoho?key1=val1&key2=val2');
		expect(callback?.contentType).toMatch(/^application\/json/);
		expect(callback?.body).toEqual({
			server_time: expect.any(Number) as number,
			query_params: { key1: 'val1', key2: 'val2' },
			module: 'Leads',
			resource_uri: `${sim.url('us')}/crm/v8/Leads`,
			ids,
			affected_fields: [],
			operation: 'insert',
			channel_id: channelId,
			token: `verify-${channelId}`,
		});
		expect(callback?.body.server_time as number).toBeGreaterThanOrEqual(before);
		expect(sim.counters().notifications).toMatchObject({ delivered: 1, failed: 0 });
	});

	it('lists the changed fields of an update, and their values when asked', async () => {
		const [id] = await insertLeads([{ Last_Name: 'A', Email: 'a@example.com' }]);
		await enable({ return_affected_field_values: true });
		await call({
			path: `/crm/v8/Leads/${String(id)}`,
			method: 'PUT',
			body: { data: [{ Email: 'new@example.com', Last_Name: 'A' }] },
		});
		const [callback] = await delivered();
		expect(callback?.body).toMatchObject({
			operation: 'update',
			ids: [id],
			// Last_Name was sent unchanged: not an affected field.
			affected_fields: [{ [String(id)]: ['Email'] }],
			affected_values: [{ record_id: id, values: { Email: 'new@example.com' } }],
		});
		expect(Object.keys(callback?.body ?? {})[0]).toBe('server_time');
	});

	it('leaves affected_values out unless return_affected_field_values was true', async () => {
		const [id] = await insertLeads([{ Last_Name: 'A' }]);
		await enable();
		await call({
			path: `/crm/v8/Leads/${String(id)}`,
			method: 'PUT',
			body: { data: [{ Email: 'x@y.z' }] },
		});
		const [callback] = await delivered();
		expect(callback?.body.affected_fields).toEqual([{ [String(id)]: ['Email'] }]);
		expect(callback?.body).not.toHaveProperty('affected_values');
	});

	it('sends deletes, and an upsert as one insert and one update callback', async () => {
		const [kept, gone] = await insertLeads([
			{ Last_Name: 'Kept', Email: 'kept@example.com' },
			{ Last_Name: 'Gone' },
		]);
		await enable();
		await call({ path: `/crm/v8/Leads?ids=${String(gone)}`, method: 'DELETE' });
		expect((await delivered()).map((callback) => callback.body)).toMatchObject([
			{ operation: 'delete', ids: [gone], affected_fields: [] },
		]);
		const upsert = await call({
			path: '/crm/v8/Leads/upsert',
			method: 'POST',
			body: {
				data: [
					{ Last_Name: 'Kept', Email: 'kept@example.com', Phone: '1' },
					{ Last_Name: 'New', Email: 'upserted@example.com' },
				],
			},
		});
		expect(upsert.status).toBe(200);
		const bodies = (await delivered()).map((callback) => callback.body);
		expect(bodies.map((body) => [body.operation, (body.ids as string[]).length])).toEqual([
			['update', 1],
			['insert', 1],
		]);
		expect(bodies[0]?.ids).toEqual([kept]);
	});

	it('sends only the subscribed operations, and nothing for other modules', async () => {
		await enable({ events: ['Leads.create'] });
		const [id] = await insertLeads([{ Last_Name: 'A' }]);
		await call({
			path: `/crm/v8/Leads/${String(id)}`,
			method: 'PUT',
			body: { data: [{ Email: 'e@x.y' }] },
		});
		await call({ path: '/crm/v8/Contacts', method: 'POST', body: { data: [{ Last_Name: 'C' }] } });
		const callbacks = await delivered();
		expect(callbacks.map((callback) => callback.body.operation)).toEqual(['insert']);
	});

	it("hears of a user's create, edit and delete through the admin API, at no credit", async () => {
		const channelId = await enable();
		const credits = sim.credits('us');
		const admin = (path: string, method: string, body?: unknown) =>
			fetch(`${sim.url('us')}/__sim${path}`, {
				method,
				...(body === undefined ? {} : { body: JSON.stringify(body) }),
			}).then(async (res) => ({
				status: res.status,
				json: (await res.json()) as Record<string, unknown>,
			}));
		const created = await admin('/records/Leads', 'POST', { fields: { Last_Name: 'UI' } });
		expect(created.status).toBe(200);
		const id = String(created.json.id);
		expect((await admin(`/records/Leads/${id}`, 'PATCH', { fields: { Phone: '42' } })).status).toBe(
			200,
		);
		expect((await admin(`/records/Leads/${id}`, 'DELETE')).status).toBe(200);
		const bodies = (await delivered()).map((callback) => callback.body);
		expect(bodies.map((body) => [body.operation, body.ids])).toEqual([
			['insert', [id]],
			['update', [id]],
			['delete', [id]],
		]);
		expect(bodies[1]?.affected_fields).toEqual([{ [id]: ['Phone'] }]);
		expect(new Set(bodies.map((body) => body.channel_id))).toEqual(new Set([channelId]));
		expect(sim.credits('us')).toBe(credits);
	});

	it('honours a field selection on updates: only changes of the chosen fields are sent', async () => {
		const [id] = await insertLeads([{ Last_Name: 'A' }]);
		const refs = await leadsRefs();
		await enable({
			events: ['Leads.edit'],
			notification_condition: [
				{
					type: 'field_selection',
					module: refs.module,
					field_selection: {
						group_operator: 'or',
						group: [
							refs.field('Email'),
							{ group_operator: 'and', group: [refs.field('Phone'), refs.field('Company')] },
						],
					},
				},
			],
		});
		const update = (fields: Record<string, unknown>) =>
			call({ path: `/crm/v8/Leads/${String(id)}`, method: 'PUT', body: { data: [fields] } });
		await update({ First_Name: 'Not watched' });
		await update({ Phone: '1' });
		expect(await delivered()).toEqual([]);
		await update({ Phone: '2', Company: 'Acme' });
		await update({ Email: 'watched@example.com' });
		const callbacks = await delivered();
		expect(callbacks.map((callback) => callback.body.affected_fields)).toEqual([
			[{ [String(id)]: ['Phone', 'Company'] }],
			[{ [String(id)]: ['Email'] }],
		]);
	});

	it('tells the channels of a related record, unless notify_on_related_action is false', async () => {
		const account = await call({
			path: '/crm/v8/Accounts',
			method: 'POST',
			body: { data: [{ Account_Name: 'Acme' }] },
		});
		const accountId = (account.json.data as Array<{ details: { id: string } }>)[0]?.details.id;
		const related = await enable({ events: ['Accounts.edit'] });
		const unrelated = await enable({ events: ['Accounts.edit'], notify_on_related_action: false });
		await call({
			path: '/crm/v8/Contacts',
			method: 'POST',
			body: { data: [{ Last_Name: 'C', Account_Name: { id: accountId, name: 'Acme' } }] },
		});
		const callbacks = await delivered();
		expect(callbacks.map((callback) => [callback.body.channel_id, callback.body.ids])).toEqual([
			[related, [accountId]],
		]);
		expect(callbacks[0]?.body).toMatchObject({
			module: 'Accounts',
			operation: 'update',
			affected_fields: [],
		});
		expect(unrelated).not.toBe(related);
	});

	it('waits notifyDelayMs before a callback, as a slower Zoho would', async () => {
		await enable();
		sim.configure({ notifyDelayMs: 300 });
		try {
			await insertLeads([{ Last_Name: 'A' }]);
			// The write is answered; its callback is still held back.
			expect(receiver.received).toEqual([]);
			expect(await delivered()).toHaveLength(1);
		} finally {
			sim.configure({ notifyDelayMs: 0 });
		}
	});

	it('delivers the callbacks of a channel in the order of the changes', async () => {
		await enable();
		const ids: string[] = [];
		for (let i = 0; i < 5; i += 1)
			ids.push(...(await insertLeads([{ Last_Name: `L${String(i)}` }])));
		const callbacks = await delivered();
		expect(callbacks.map((callback) => (callback.body.ids as string[])[0])).toEqual(ids);
	});

	it('counts a refused or failing notify URL as a failed delivery and never retries it', async () => {
		await enable();
		receiver.status = 500;
		await insertLeads([{ Last_Name: 'A' }]);
		expect(await delivered()).toHaveLength(1);
		const closed = createServer();
		closed.listen(0, '127.0.0.1');
		await once(closed, 'listening');
		const deadUrl = `http://127.0.0.1:${String((closed.address() as AddressInfo).port)}/gone`;
		await new Promise((resolve) => closed.close(resolve));
		await enable({ notify_url: deadUrl });
		receiver.status = 200;
		await insertLeads([{ Last_Name: 'B' }]);
		expect(await delivered()).toHaveLength(1);
		const { notifications } = sim.counters();
		expect(notifications.delivered).toBe(1);
		expect(notifications.failed).toBe(2);
		expect(notifications.deliveries.map((delivery) => delivery.status).sort()).toEqual([
			0, 200, 500,
		]);
		// Nothing is sent again later.
		await sim.notificationsSettled();
		expect(receiver.take()).toEqual([]);
	});

	it('gives up on a notify URL that does not answer within notifyTimeoutMs', async () => {
		const silent = createServer(() => {
			// Never answers.
		});
		silent.listen(0, '127.0.0.1');
		await once(silent, 'listening');
		sim.configure({ notifyTimeoutMs: 200 });
		try {
			await enable({
				notify_url: `http://127.0.0.1:${String((silent.address() as AddressInfo).port)}/slow`,
			});
			await insertLeads([{ Last_Name: 'A' }]);
			await sim.notificationsSettled();
			expect(sim.counters().notifications).toMatchObject({ delivered: 0, failed: 1 });
		} finally {
			sim.configure({ notifyTimeoutMs: 10_000 });
			silent.closeAllConnections();
			await new Promise((resolve) => silent.close(resolve));
		}
	});
});

describe('expiry on the virtual clock', () => {
	// Moving the clock by days expires access tokens too.
	afterEach(async () => {
		token = await tokenFor(SCOPES);
	});

	it('delivers nothing once the channel expired, and forgets it', async () => {
		await enable({ channel_expiry: new Date(sim.now() + 6 * DAY).toISOString() });
		sim.advanceClock(5 * DAY);
		token = await tokenFor(SCOPES);
		await insertLeads([{ Last_Name: 'Still' }]);
		expect(await delivered()).toHaveLength(1);
		expect(sim.counters().notifications.activeChannels).toBe(1);
		sim.advanceClock(2 * DAY);
		token = await tokenFor(SCOPES);
		await insertLeads([{ Last_Name: 'Lost' }]);
		expect(await delivered()).toEqual([]);
		expect(sim.counters().notifications.activeChannels).toBe(0);
		expect((await call({ path: '/crm/v8/actions/watch' })).status).toBe(204);
	});

	it("sends Zoho's time in the Date header, so a client can see how long its channel has left", async () => {
		sim.advanceClock(8 * DAY);
		const answer = await call({ path: '/crm/v8/actions/watch' });
		const date = Date.parse(answer.headers.get('date') ?? '');
		expect(Math.abs(date - sim.now())).toBeLessThan(2_000);
		expect(date - Date.now()).toBeGreaterThan(7 * DAY);
	});
});

describe('updating and disabling', () => {
	it('PATCH renews the expiry and changes only what it names; what it leaves out is kept', async () => {
		const channelId = await enable({ return_affected_field_values: true });
		const renewTo = sim.now() + 6 * DAY;
		const renewed = await watch('PATCH', {
			channel_id: channelId,
			events: ['Leads.all'],
			notify_url: receiver.url('/other'),
			channel_expiry: new Date(renewTo).toISOString(),
		});
		expect(renewed.status).toBe(200);
		expect(entriesOf(renewed)[0]?.message).toBe('Successfully updated the subscribe details');
		const [channel] = sim.notificationChannels('us');
		expect(channel).toMatchObject({
			channelId,
			notifyUrl: receiver.url('/other'),
			token: `verify-${channelId}`,
			returnAffectedFieldValues: true,
			events: ['create', 'edit', 'delete'],
		});
		expect(channel?.expiresAt).toBe(renewTo);
	});

	it('PATCH and PUT of a channel Zoho does not have answer NOT_SUBSCRIBED', async () => {
		for (const method of ['PATCH', 'PUT']) {
			const answer = await watch(method, {
				channel_id: newChannel(),
				events: ['Leads.all'],
				notify_url: receiver.url(),
			});
			expect(answer.status).toBe(202);
			expect(entriesOf(answer)[0]).toMatchObject({ code: 'NOT_SUBSCRIBED', status: 'error' });
		}
	});

	it('PATCH with _delete_events stops those events only', async () => {
		const channelId = await enable();
		const answer = await watch('PATCH', {
			channel_id: channelId,
			events: ['Leads.edit'],
			_delete_events: true,
		});
		expect(answer.status).toBe(200);
		expect(entriesOf(answer)[0]?.message).toBe('Successfully removed the subscribe details');
		const [id] = await insertLeads([{ Last_Name: 'A' }]);
		await call({
			path: `/crm/v8/Leads/${String(id)}`,
			method: 'PUT',
			body: { data: [{ Email: 'a@b.c' }] },
		});
		expect((await delivered()).map((callback) => callback.body.operation)).toEqual(['insert']);
	});

	it('PUT replaces the whole channel with what it sends', async () => {
		const channelId = await enable({ events: ['Leads.all', 'Contacts.all'] });
		expect(sim.notificationChannels('us').map((channel) => channel.module)).toEqual([
			'Leads',
			'Contacts',
		]);
		const answer = await watch('PUT', {
			channel_id: channelId,
			events: ['Contacts.create'],
			notify_url: receiver.url(),
		});
		expect(answer.status).toBe(200);
		expect(sim.notificationChannels('us')).toMatchObject([
			{ channelId, module: 'Contacts', events: ['create'], token: null },
		]);
	});

	it('GET lists each channel per module, with filters and pages, and 204 when there is none', async () => {
		expect((await call({ path: '/crm/v8/actions/watch' })).status).toBe(204);
		const first = await enable({ events: ['Leads.all', 'Deals.create'] });
		const second = await enable({ events: ['Contacts.edit'] });
		const all = await call({ path: '/crm/v8/actions/watch' });
		expect(all.status).toBe(200);
		const rows = all.json.watch as Array<Record<string, unknown>>;
		expect(rows.map((row) => [row.channel_id, row.resource_name])).toEqual([
			[first, 'Leads'],
			[first, 'Deals'],
			[second, 'Contacts'],
		]);
		expect(rows[0]).toMatchObject({
			notify_url: receiver.url(),
			token: `verify-${first}`,
			events: ['Leads.create', 'Leads.edit', 'Leads.delete'],
			notify_on_related_action: true,
			return_affected_field_values: false,
			notification_condition: null,
			fields: null,
		});
		expect(all.json.info).toEqual({ per_page: 200, count: 3, page: 1, more_records: false });
		const byChannel = await call({ path: `/crm/v8/actions/watch?channel_id=${second}` });
		expect((byChannel.json.watch as unknown[]).length).toBe(1);
		const byModule = await call({ path: '/crm/v8/actions/watch?module=deals' });
		expect((byModule.json.watch as Array<Record<string, unknown>>)[0]?.resource_name).toBe('Deals');
		const paged = await call({ path: '/crm/v8/actions/watch?per_page=2&page=2' });
		expect(paged.json.info).toEqual({ per_page: 2, count: 1, page: 2, more_records: false });
		const tooMany = await sim.deliberately('per_page past 200', () =>
			call({ path: '/crm/v8/actions/watch?per_page=500' }),
		);
		expect(tooMany.status).toBe(400);
	});

	it('DELETE disables whole channels; unknown ones answer NOT_SUBSCRIBED', async () => {
		const channelId = await enable({ events: ['Leads.all', 'Contacts.all'] });
		const answer = await call({
			path: `/crm/v8/actions/watch?channel_ids=${channelId}`,
			method: 'DELETE',
		});
		expect(answer.status).toBe(200);
		expect(entriesOf(answer)).toMatchObject([
			{
				code: 'SUCCESS',
				message: 'Successfully un-subscribed from actions-watch',
				details: { channel_id: channelId },
			},
			{ code: 'SUCCESS', details: { channel_id: channelId } },
		]);
		await insertLeads([{ Last_Name: 'A' }]);
		expect(await delivered()).toEqual([]);
		expect(sim.counters().notifications.activeChannels).toBe(0);
		const again = await call({
			path: `/crm/v8/actions/watch?channel_ids=${channelId}`,
			method: 'DELETE',
		});
		expect(again.status).toBe(202);
		expect(entriesOf(again)[0]?.code).toBe('NOT_SUBSCRIBED');
		const missing = await sim.deliberately('DELETE without channel_ids', () =>
			call({ path: '/crm/v8/actions/watch', method: 'DELETE' }),
		);
		expect(missing.status).toBe(400);
		expect(missing.json).toMatchObject({
			code: 'REQUIRED_PARAM_MISSING',
			details: { param_name: 'channel_ids' },
		});
	});
});

describe('admin API', () => {
	it('lists, counts and forgets channels for an n8n test that cannot call in-process', async () => {
		const channelId = await enable();
		await insertLeads([{ Last_Name: 'A' }]);
		expect(await delivered()).toHaveLength(1);
		const base = `${sim.url('us')}/__sim`;
		const counters = (await (await fetch(`${base}/counters`)).json()) as {
			notifications: Record<string, unknown>;
		};
		expect(counters.notifications).toMatchObject({ delivered: 1, failed: 0, activeChannels: 1 });
		const listed = (await (await fetch(`${base}/notifications`)).json()) as {
			channels: Array<Record<string, unknown>>;
		};
		expect(listed.channels).toMatchObject([{ channelId, module: 'Leads', active: true }]);
		const forgotten = await fetch(`${base}/notifications/${channelId}`, { method: 'DELETE' });
		expect(forgotten.status).toBe(200);
		expect((await fetch(`${base}/notifications/${channelId}`, { method: 'DELETE' })).status).toBe(
			404,
		);
		await insertLeads([{ Last_Name: 'B' }]);
		expect(await delivered()).toEqual([]);
		expect(sim.counters().notifications.activeChannels).toBe(0);
	});
});
