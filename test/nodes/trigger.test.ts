// Zoho OAuth Trigger across polls, over the wire to the simulator: exactly once at the
// watermark second, failed polls, page tokens past 2,000, 304/204, manual runs, "created".
import { readFileSync } from 'node:fs';
import path from 'node:path';

import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
} from 'n8n-workflow';

import { ZohoSelfClientApi } from '../../credentials/ZohoSelfClientApi.credentials';
import { ZohoOAuthRequest } from '../../nodes/ZohoOAuthRequest/ZohoOAuthRequest.node';
import { ZohoOAuthTrigger } from '../../nodes/ZohoOAuthTrigger/ZohoOAuthTrigger.node';
import type { FaultSpec } from '../../simulator';
import { ZohoApi } from '../../zoho/api/apiClient';
import { createZohoRuntime, setSharedZohoRuntime, type ZohoRuntime } from '../../zoho/runtime';
import { createPollRunner, runWorkflow, type PollRunner, type WorkflowJson } from '../../harness';
import { TRIGGER_TYPE, zohoTriggerWorkflow } from '../../harness/zohoWorkflow';
import { callCount, CREDENTIAL_ID, NODE_TYPE, startKit, type NodeKit } from './kit';

const BASE = Date.parse('2026-11-30T09:00:00Z');
const at = (second: number) => `${new Date(BASE + second * 1000).toISOString().slice(0, 19)}+00:00`;

let kit: NodeKit;
let runtime: ZohoRuntime;

beforeAll(async () => {
	kit = await startKit({
		scopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.settings.ALL', 'ZohoBigin.modules.ALL'],
	});
	// The trigger's "now" is the simulator's clock, so "from now on" is exact in these tests.
	runtime = createZohoRuntime({
		clock: { now: () => kit.sim.now() },
		apiRetry: { retries: 3, baseDelayMs: 5, maxDelayMs: 50 },
		tokenRetry: { retries: 2, baseDelayMs: 5, maxDelayMs: 50 },
	});
	setSharedZohoRuntime(runtime);
});

afterAll(async () => {
	await runtime.close();
	await kit.close();
});

beforeEach(() => kit.sim.resetCounters());

function trigger(parameters: IDataObject): PollRunner {
	return createPollRunner({
		workflow: zohoTriggerWorkflow(parameters),
		node: 'Trigger',
		nodeTypes: { [TRIGGER_TYPE]: new ZohoOAuthTrigger() },
		credentialTypes: { zohoSelfClientApi: new ZohoSelfClientApi() },
		credentials: kit.credentials,
	});
}

/** Each module's name field (the trigger reads the fields a module has, as Zoho does). */
const NAME_FIELD: Record<string, string> = {
	Accounts: 'Account_Name',
	Vendors: 'Vendor_Name',
	Campaigns: 'Campaign_Name',
	Solutions: 'Solution_Title',
	Products: 'Product_Name',
	Tasks: 'Subject',
};
const nameField = (module: string) => NAME_FIELD[module] ?? 'Last_Name';

/** Adds records to a module with chosen Modified_Time (and Created_Time), in seconds after BASE. */
function seed(
	module: string,
	records: Array<{ name: string; modified: number; created?: number }>,
	product: 'crm' | 'bigin' = 'crm',
): string[] {
	return kit.sim.seedCrm('us', {
		module,
		product,
		count: records.length,
		make: (i) => {
			const record = records[i - 1] ?? { name: '?', modified: 0 };
			return {
				[nameField(module)]: record.name,
				Modified_Time: at(record.modified),
				Created_Time: at(record.created ?? record.modified),
			};
		},
	});
}

/** The name of each record emitted, from whichever name field its module has. */
function names(output: INodeExecutionData[][] | null): unknown[] {
	if (output === null) return [];
	const fields = ['Last_Name', ...Object.values(NAME_FIELD)];
	return (output[0] ?? []).map((item) =>
		fields.map((field) => item.json[field]).find((value) => value !== undefined),
	);
}

/** The Module parameter "By API Name", as the editor stores it. */
const byName = (value: string) => ({ __rl: true, mode: 'name', value });

const listCalls = (path: string, status: number) => callCount(kit.sim, `GET ${path} ${status}`);

describe('Zoho OAuth Trigger', () => {
	it('on first activation starts from now without a call, then emits what changes after it, once', async () => {
		const [old] = seed('Accounts', [{ name: 'before activation', modified: -3600 }]);
		const poller = trigger({ module: byName('Accounts') });
		expect(await poller.poll()).toBeNull();
		expect(kit.sim.counters().calls).toHaveLength(0);
		expect(poller.staticData()).toEqual({
			source: 'crm:Accounts:createdOrUpdated',
			watermark: { second: Math.floor(kit.sim.now() / 1000), ids: [] },
		});

		kit.sim.advanceClock(2_000);
		kit.sim.touchCrm('us', {
			module: 'Accounts',
			id: old ?? '',
			fields: { Account_Name: 'changed after activation' },
		});
		const changed = await poller.poll();
		expect(names(changed)).toEqual(['changed after activation']);
		// Fields empty: the module's fields, read once from its field settings (Zoho lists only with fields).
		expect(Object.keys(changed?.[0]?.[0]?.json ?? {}).sort()).toEqual(
			[
				'Account_Name',
				'Created_By',
				'Created_Time',
				'Employees',
				'Modified_By',
				'Modified_Time',
				'Owner',
				'Website',
				'id',
			].sort(),
		);
		// The watermark second is read again (records can still arrive in it): one call, nothing new.
		expect(await poller.poll()).toBeNull();
		expect(listCalls('/crm/v8/Accounts', 200)).toBe(2);
		expect(listCalls('/crm/v8/settings/fields', 200)).toBe(1);
		// One token for every poll (the shared token cache), and nothing else sent.
		expect(kit.sim.counters().mintsTotal).toBe(1);
		expect(kit.sim.counters().calls).toHaveLength(4);
	});

	it('emits records sharing the watermark second once: newcomers of that second in the next poll, a later change again', async () => {
		const [a] = seed('Leads', [
			{ name: 'older than Start From', modified: -5 },
			{ name: 'A', modified: 5 },
			{ name: 'B', modified: 5 },
		]).slice(1);
		const poller = trigger({
			module: byName('Leads'),
			fields: 'Last_Name',
			options: { startFrom: at(0) },
		});
		expect(names(await poller.poll())).toEqual(['A', 'B']);
		expect(poller.staticData().watermark).toEqual({
			second: (BASE + 5_000) / 1000,
			ids: expect.any(Array) as unknown,
		});

		// Created in the same second, after poll 1 had read it.
		seed('Leads', [{ name: 'C', modified: 5 }]);
		expect(names(await poller.poll())).toEqual(['C']);
		expect(await poller.poll()).toBeNull();

		kit.sim.touchCrm('us', {
			module: 'Leads',
			id: a ?? '',
			fields: { Last_Name: 'A again' },
			at: BASE + 9_000,
		});
		const again = await poller.poll();
		expect(names(again)).toEqual(['A again']);
		// Fields asked for, plus the times the watermark needs.
		expect(Object.keys(again?.[0]?.[0]?.json ?? {}).sort()).toEqual([
			'Created_Time',
			'Last_Name',
			'Modified_Time',
			'id',
		]);
		expect(await poller.poll()).toBeNull();
		// Exactly one list call per poll, no token minted again.
		expect(listCalls('/crm/v8/Leads', 200)).toBe(5);
		expect(kit.sim.counters().calls).toHaveLength(5);
	});

	it('answers "nothing changed" (304, or 204 when Zoho says so) with null after exactly one call', async () => {
		seed('Vendors', [{ name: 'V', modified: -60 }]);
		const poller = trigger({ module: byName('Vendors') });
		expect(await poller.poll()).toBeNull();
		kit.sim.advanceClock(1_000);
		expect(await poller.poll()).toBeNull();
		expect(kit.sim.counters().callsByPathStatus).toEqual({
			'GET /crm/v8/settings/fields 200': 1,
			'GET /crm/v8/Vendors 304': 1,
		});
		kit.sim.configure({ notModifiedStatus: 204 });
		try {
			kit.sim.resetCounters();
			expect(await poller.poll()).toBeNull();
			expect(kit.sim.counters().callsByPathStatus).toEqual({ 'GET /crm/v8/Vendors 204': 1 });
		} finally {
			kit.sim.configure({ notModifiedStatus: 304 });
		}
	});

	it.each<[string, Omit<FaultSpec, 'path'>, string]>([
		['HTTP 500', { kind: 'status', status: 500 }, 'Zoho failed with HTTP 500'],
		['throttling (429)', { kind: 'status', status: 429 }, "Zoho's rate limit was hit"],
		['a dropped connection', { kind: 'drop' }, 'Network error talking to'],
	])(
		'after a poll failed with %s, moves nothing: the next poll emits every change once',
		async (_label, fault, message) => {
			const module = `Deals${fault.kind}${fault.status ?? ''}`;
			// A custom module of the org: Zoho has only the modules an org defines.
			kit.sim.defineCrmModule('us', { api_name: module, fields: [{ api_name: 'Last_Name' }] });
			seed(module, [{ name: 'D1', modified: 1 }]);
			const poller = trigger({ module: byName(module), options: { startFrom: at(0) } });
			expect(names(await poller.poll())).toEqual(['D1']);
			seed(module, [
				{ name: 'D2', modified: 1 },
				{ name: 'D3', modified: 2 },
			]);
			const before = poller.staticData();
			kit.sim.resetCounters();
			// The first call and its three retries all fail.
			kit.sim.injectFault({ ...fault, path: `/crm/v8/${module}`, times: 4 });
			const failed = poller.poll();
			await expect(failed).rejects.toThrow(NodeApiError);
			await expect(failed).rejects.toThrow(message);
			expect(kit.sim.counters().calls).toHaveLength(4);
			expect(poller.staticData()).toEqual(before);

			expect(names(await poller.poll())).toEqual(['D2', 'D3']);
			expect(await poller.poll()).toBeNull();
		},
	);

	it('lets a poll that starts while the previous one still reads yield to it (no record twice)', async () => {
		seed('Campaigns', [{ name: 'K1', modified: 1 }]);
		const poller = trigger({ module: byName('Campaigns'), options: { startFrom: at(0) } });
		const [first, second] = await Promise.all([poller.poll(), poller.poll()]);
		expect(names(first)).toEqual(['K1']);
		expect(second).toBeNull();
		expect(listCalls('/crm/v8/Campaigns', 200)).toBe(1);
		// Once it is done, the next poll runs as usual.
		seed('Campaigns', [{ name: 'K2', modified: 2 }]);
		expect(names(await poller.poll())).toEqual(['K2']);
	});

	it('loses nothing when a record it already read changes while it reads the next pages', async () => {
		const ids = seed(
			'Solutions',
			Array.from({ length: 450 }, (_, i) => ({ name: `S${i + 1}`, modified: 100 + i })),
		);
		// After the first list call, S1 changes: it moves to the end of the list Zoho pages through.
		let listCalls = 0;
		// Every API call of the poll (read and fetch too) goes through ZohoApi.send.
		const send = ZohoApi.prototype.send;
		const spy = jest.spyOn(ZohoApi.prototype, 'send').mockImplementation(async function (
			this: ZohoApi,
			request,
		) {
			const res = await send.call(this, request);
			if (!res.url.includes('/settings/')) listCalls += 1;
			if (listCalls === 1)
				kit.sim.touchCrm('us', {
					module: 'Solutions',
					id: ids[0] ?? '',
					fields: { Solution_Title: 'S1 changed' },
					at: BASE + 1_000_000,
				});
			return res;
		});
		try {
			const emitted = names(
				await trigger({ module: byName('Solutions'), options: { startFrom: at(0) } }).poll(),
			);
			expect(emitted).toHaveLength(451);
			expect(new Set(emitted)).toEqual(
				new Set([...Array.from({ length: 450 }, (_, i) => `S${i + 1}`), 'S1 changed']),
			);
			expect(emitted.at(-1)).toBe('S1 changed');
		} finally {
			spy.mockRestore();
		}
	});

	it('reads more than 2,000 changes in one poll with page tokens, each record once', async () => {
		const ids = kit.sim.seedCrm('us', {
			module: 'Contacts',
			count: 2_345,
			make: (i) => ({ Last_Name: `C${i}`, Modified_Time: at(10 + (i % 4)) }),
		});
		const poller = trigger({ module: byName('Contacts'), options: { startFrom: at(0) } });
		const output = await poller.poll();
		const emitted = (output?.[0] ?? []).map((item) => String(item.json.id));
		expect(emitted).toHaveLength(2_345);
		expect(new Set(emitted)).toEqual(new Set(ids));
		const seconds = (output?.[0] ?? []).map((item) => Date.parse(String(item.json.Modified_Time)));
		expect(seconds).toEqual([...seconds].sort((x, y) => x - y));
		// A window of 200 (all of the first second), the same 200 again (the second holds 586), then
		// past them: 10 numbered pages and 2 with page_token.
		expect(listCalls('/crm/v8/Contacts', 200)).toBe(14);
		expect(await poller.poll()).toBeNull();
		// The last second's 586 records, all emitted: one window, then 3 pages past them.
		expect(listCalls('/crm/v8/Contacts', 200)).toBe(18);
	});

	it('reads more than 2,000 Bigin changes in one poll without page tokens, from the watermark again', async () => {
		const ids = kit.sim.seedCrm('us', {
			module: 'Pipelines',
			product: 'bigin',
			count: 2_100,
			make: (i) => ({ Last_Name: `P${i}`, Modified_Time: at(10 + Math.floor(i / 300)) }),
		});
		const poller = trigger({
			product: 'bigin',
			module: byName('Pipelines'),
			pipelineId: '2034020000000645063',
			options: { startFrom: at(0) },
		});
		const emitted = ((await poller.poll())?.[0] ?? []).map((item) => String(item.json.id));
		expect(emitted).toHaveLength(2_100);
		expect(new Set(emitted)).toEqual(new Set(ids));
		// Windows: 200 (second 10), the same 200, 2,000 past them (10 pages), 200 of second 16
		// (handled), then its rest and second 17 (2 pages).
		expect(listCalls('/bigin/v2/Pipelines', 200)).toBe(15);
		expect(await poller.poll()).toBeNull();
	});

	it('emits the first 2,000 Bigin records of one second, then says why it cannot read past them, moving nothing', async () => {
		kit.sim.defineCrmModule(
			'us',
			{ api_name: 'Deals', fields: [{ api_name: 'Last_Name' }] },
			'bigin',
		);
		kit.sim.seedCrm('us', {
			module: 'Deals',
			product: 'bigin',
			count: 2_001,
			make: (i) => ({ Last_Name: `B${i}`, Modified_Time: at(30) }),
		});
		const poller = trigger({
			product: 'bigin',
			module: byName('Deals'),
			options: { startFrom: at(0) },
		});
		expect(names(await poller.poll())).toHaveLength(2_000);
		const before = poller.staticData();
		const stuck = poller.poll();
		await expect(stuck).rejects.toThrow(NodeApiError);
		await expect(stuck).rejects.toThrow('More than 2000 records of Deals share one second');
		expect(poller.staticData()).toEqual(before);
		// Poll 1: 200, the same 200, 2,000 (10 pages), 200, 2,000 again (nothing new): 23 calls.
		// Poll 2: 200 and 2,000, nothing new: 11 calls.
		expect(listCalls('/bigin/v2/Deals', 200)).toBe(34);
	});

	it('in a manual test run returns a few recent records and leaves the watermark alone', async () => {
		seed(
			'Products',
			Array.from({ length: 8 }, (_, i) => ({ name: `P${i + 1}`, modified: i + 1 })),
		);
		const fresh = trigger({ module: byName('Products') });
		expect(names(await fresh.poll({ mode: 'manual' }))).toEqual(['P8', 'P7', 'P6', 'P5', 'P4']);
		expect(fresh.staticData()).toEqual({});

		const active = trigger({ module: byName('Products'), options: { startFrom: at(0) } });
		expect(names(await active.poll())).toHaveLength(8);
		const before = active.staticData();
		seed('Products', [{ name: 'P9', modified: 20 }]);
		expect(names(await active.poll({ mode: 'manual' }))).toEqual(['P9', 'P8', 'P7', 'P6', 'P5']);
		expect(active.staticData()).toEqual(before);
		expect(names(await active.poll())).toEqual(['P9']);
	});

	it('with the event "created" emits new records once, not old records that changed, nor new ones changing again', async () => {
		const [old, fresh] = seed('Tasks', [
			{ name: 'old, changed', modified: 3, created: -86_400 },
			{ name: 'new 1', modified: 4 },
		]);
		const poller = trigger({
			module: byName('Tasks'),
			event: 'created',
			options: { startFrom: at(0) },
		});
		expect(names(await poller.poll())).toEqual(['new 1']);
		kit.sim.touchCrm('us', { module: 'Tasks', id: fresh ?? '', at: BASE + 6_000 });
		seed('Tasks', [
			// Created in the second of "new 1", after poll 1, and changed before poll 2 saw it.
			{ name: 'new 2, changed since', modified: 8, created: 4 },
			{ name: 'new 3', modified: 7 },
		]);
		expect(names(await poller.poll())).toEqual(['new 3', 'new 2, changed since']);
		expect(await poller.poll()).toBeNull();
		// Changes to old records move the watermark too, so later polls do not list them again.
		kit.sim.touchCrm('us', { module: 'Tasks', id: old ?? '', at: BASE + 20_000 });
		expect(await poller.poll()).toBeNull();
		expect(poller.staticData().watermark).toEqual({ second: BASE / 1000 + 20, ids: [old] });
	});

	it('refuses a Fields list Zoho would refuse (past 50 with the two time fields) in a test run, before any call', async () => {
		const fields = Array.from({ length: 49 }, (_, i) => `Field_${i + 1}`).join(',');
		const poller = trigger({ module: byName('Leads'), fields });
		const failed = poller.poll({ mode: 'manual' });
		await expect(failed).rejects.toThrow(NodeOperationError);
		await expect(failed).rejects.toThrow(
			'Fields names 49 fields and Modified_Time and Created_Time are added: 51 in all, but Zoho lists at most 50 fields per call.',
		);
		expect(kit.sim.counters().calls).toHaveLength(0);
	});

	it('refuses a module name that is not an API name before any call, naming the field', async () => {
		const poller = trigger({ module: byName('Leads?x=1'), options: { startFrom: at(0) } });
		const failed = poller.poll();
		await expect(failed).rejects.toThrow(NodeOperationError);
		await expect(failed).rejects.toThrow('Module "Leads?x=1" is not a Zoho module API name.');
		expect(kit.sim.counters().calls).toHaveLength(0);
	});
});

describe('Zoho OAuth Trigger module picker', () => {
	it("lists the org's modules whose records can be read, from settings/modules, custom ones included", async () => {
		kit.sim.defineCrmModule('us', { api_name: 'Shipments_X', plural_label: 'Shipments' });
		kit.sim.seedCrm('us', { module: 'Shipments_X', count: 1 });
		const { results } = await trigger({ module: byName('Leads') }).listSearch('searchModules');
		expect(results).toContainEqual({ name: 'Leads', value: 'Leads' });
		expect(results.map((result) => result.value)).toContain('Shipments_X');
		expect(listCalls('/crm/v8/settings/modules', 200)).toBe(1);
	});
});

describe('example: every new or changed Lead → upsert into Contacts', () => {
	it("polls Leads once activated and upserts the changed Leads in one batch, run as n8n runs a poll trigger's items", async () => {
		const example = JSON.parse(
			readFileSync(
				path.join(__dirname, '../../examples/triggers/crm-new-or-changed-leads.json'),
				'utf8',
			),
		) as WorkflowJson;
		// The example names the credential the examples share; here it is the kit's.
		kit.credentials.zohoSimCredential = kit.credentials[CREDENTIAL_ID] ?? {
			type: 'zohoSelfClientApi',
			data: {},
		};
		const nodeTypes = {
			[TRIGGER_TYPE]: new ZohoOAuthTrigger(),
			[NODE_TYPE]: new ZohoOAuthRequest(),
		};
		const credentialTypes = { zohoSelfClientApi: new ZohoSelfClientApi() };
		const poller = createPollRunner({
			workflow: example,
			node: 'New or Changed Lead',
			nodeTypes,
			credentialTypes,
			credentials: kit.credentials,
		});
		expect(await poller.poll()).toBeNull();

		kit.sim.advanceClock(1_000);
		const now = `${new Date(kit.sim.now()).toISOString().slice(0, 19)}+00:00`;
		kit.sim.seedCrm('us', {
			module: 'Leads',
			count: 3,
			make: (i) => ({
				First_Name: 'New',
				Last_Name: `Lead${i}`,
				Email: `new.lead${i}@example.com`,
				Modified_Time: now,
			}),
		});
		const items = (await poller.poll())?.[0] ?? [];
		expect(items.map((item) => item.json.Email)).toEqual([
			'new.lead1@example.com',
			'new.lead2@example.com',
			'new.lead3@example.com',
		]);

		const result = await runWorkflow({
			workflow: example,
			startNode: 'New or Changed Lead',
			inputItems: items,
			mode: 'trigger',
			nodeTypes,
			credentialTypes,
			credentials: kit.credentials,
		});
		expect(result.error).toBeUndefined();
		expect(result.outputs['Upsert Contact']?.[0]).toHaveLength(3);
		// The three Leads of the poll go to Zoho in one upsert call.
		expect(listCalls('/crm/v8/Leads', 200)).toBe(1);
		expect(callCount(kit.sim, 'POST /crm/v8/Contacts/upsert 200')).toBe(1);
		const contacts = kit.sim
			.records('us', 'Contacts')
			.filter((record) => String(record.Email).startsWith('new.lead'));
		expect(contacts.map((record) => [record.Last_Name, record.Description])).toEqual(
			items.map((item) => [item.json.Last_Name, `Synced from lead ${String(item.json.id)}`]),
		);
		expect(await poller.poll()).toBeNull();
	});
});
