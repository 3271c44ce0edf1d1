// The `fields` a record list sends when the user names none: the module's first 50 from
// settings/fields (the caller's own first), kept per credential and module for a while,
// and a user's list refused before any call when it passes Zoho's 50.
import { ZohoSimulator } from '../../../../simulator';
import { ZohoApi } from '../../../../zoho/api/apiClient';
import { parseCredentials, type ZohoCredentials } from '../../../../zoho/credentials';
import {
	checkListFields,
	chooseListFields,
	ListFieldsCache,
	listNeedsFields,
	MAX_LIST_FIELDS,
} from '../../../../zoho/crm/metadata/listFields';
import { ZohoInputError } from '../../../../zoho/errors';
import type { ZohoRuntime } from '../../../../zoho/runtime';
import {
	closeOpened,
	NO_RETRY,
	openRuntime,
	selfClient,
	SimClock,
	zohoRejection,
} from '../../fixtures';

const names = (count: number, prefix = 'F') =>
	Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);

describe('chooseListFields and checkListFields', () => {
	it("takes the caller's fields first, then the module's in Zoho's order, 50 in all, and names the rest", () => {
		const readable = ['Owner', 'Modified_Time', ...names(60)];
		const choice = chooseListFields(readable, { required: ['Modified_Time', 'Created_Time'] });
		expect(choice.fields).toHaveLength(MAX_LIST_FIELDS);
		expect(choice.fields.slice(0, 4)).toEqual(['Modified_Time', 'Created_Time', 'Owner', 'F1']);
		expect(choice.fields.at(-1)).toBe('F47');
		expect(choice.leftOut).toEqual(names(60).slice(47));
		expect(chooseListFields(['A', 'B'], { required: ['A'] })).toEqual({
			fields: ['A', 'B'],
			leftOut: [],
		});
	});

	it('keeps a list of 48 with the two time fields (50), refuses 49 naming the parameter and the fix', () => {
		const required = ['Modified_Time', 'Created_Time'];
		expect(checkListFields(names(48), { required, label: 'Fields' })).toHaveLength(50);
		// A time field the user already names is not counted twice.
		expect(
			checkListFields([...names(48), 'Modified_Time'], { required, label: 'Fields' }),
		).toHaveLength(50);
		const refuse = () => checkListFields(names(49), { required, label: 'Fields' });
		expect(refuse).toThrow(ZohoInputError);
		expect(refuse).toThrow(
			'Fields names 49 fields and Modified_Time and Created_Time are added: 51 in all, but Zoho lists at most 50 fields per call.',
		);
		try {
			refuse();
		} catch (error) {
			expect((error as ZohoInputError).field).toBe('Fields');
			expect((error as ZohoInputError).hint).toBe(
				"Remove 1 field from Fields, or leave it empty to get the module's first 50 fields.",
			);
		}
	});

	it('knows where Zoho lists only with fields: CRM v3 and later, and Bigin', () => {
		expect(listNeedsFields({ product: 'crm', crmVersion: 'v2', module: 'Leads' })).toBe(false);
		expect(listNeedsFields({ product: 'crm', crmVersion: 'v3', module: 'Leads' })).toBe(true);
		expect(listNeedsFields({ product: 'crm', crmVersion: 'v8', module: 'Leads' })).toBe(true);
		expect(listNeedsFields({ product: 'bigin', crmVersion: 'v2', module: 'Contacts' })).toBe(true);
	});
});

describe('ListFieldsCache against the simulator', () => {
	const sim = new ZohoSimulator({ dataCentres: ['us'] });
	let clock: SimClock;
	let runtime: ZohoRuntime;
	let credentials: ZohoCredentials;

	beforeAll(async () => {
		await sim.start();
		credentials = parseCredentials(
			selfClient(sim, 'us', ['ZohoCRM.modules.ALL', 'ZohoCRM.settings.fields.READ']).data,
		);
		// A custom module with 60 fields of its own besides Zoho's five system fields.
		sim.defineCrmModule('us', {
			api_name: 'Wide_X',
			fields: names(60).map((api_name) => ({ api_name })),
		});
	});
	afterAll(async () => {
		await closeOpened();
		await sim.stop();
	});
	beforeEach(() => {
		sim.resetCounters();
		clock = new SimClock(sim);
		runtime = openRuntime({ clock, apiRetry: NO_RETRY });
	});
	afterEach(() => sim.clearFaults());

	const fieldCalls = (status = 200) =>
		sim.counters().callsByPathStatus[`GET /crm/v8/settings/fields ${status}`] ?? 0;

	function request(warnings: string[] = []) {
		return {
			api: new ZohoApi(runtime.api, {
				credentials,
				timeoutMs: 10_000,
				logger: { warn: (m: string) => warnings.push(m) },
			}),
			target: { product: 'crm' as const, crmVersion: 'v8', module: 'Wide_X' },
			required: ['Modified_Time', 'Created_Time'],
		};
	}

	it('reads settings/fields once per module and lifetime, says once which fields were left out', async () => {
		const cache = new ListFieldsCache({ clock, ttlMs: 60_000 });
		const warnings: string[] = [];
		const [first, second] = await Promise.all([
			cache.fieldsFor(request(warnings)),
			cache.fieldsFor(request(warnings)),
		]);
		expect(fieldCalls()).toBe(1);
		expect(second).toEqual(first);
		// Zoho's order: Owner, Created_Time, Modified_Time, Created_By, Modified_By, then F1 …
		expect(first.fields.slice(0, 6)).toEqual([
			'Modified_Time',
			'Created_Time',
			'Owner',
			'Created_By',
			'Modified_By',
			'F1',
		]);
		expect(first.fields).toHaveLength(50);
		expect(first.leftOut).toEqual(names(60).slice(45));
		expect(warnings).toEqual([
			`Wide_X has more readable fields than the 50 Zoho lists per call; left out: ${names(60).slice(45).join(', ')}. Name the fields you need to get them.`,
		]);

		clock.advance(59_000);
		await cache.fieldsFor(request(warnings));
		expect(fieldCalls()).toBe(1);
		clock.advance(2_000);
		await cache.fieldsFor(request(warnings));
		expect(fieldCalls()).toBe(2);
		expect(warnings).toHaveLength(2);
	});

	it('keeps no failure: after a refused read the next one asks Zoho again', async () => {
		const cache = new ListFieldsCache({ clock });
		sim.injectFault({ path: '/crm/v8/settings/fields', kind: 'status', status: 500, times: 1 });
		await zohoRejection(cache.fieldsFor(request()), 'SERVER_ERROR');
		const choice = await cache.fieldsFor(request());
		expect(choice.fields).toHaveLength(50);
		expect(fieldCalls(500)).toBe(1);
		expect(fieldCalls(200)).toBe(1);
	});

	it('without the settings scope says why the fields were asked for and that naming them needs no scope', async () => {
		const narrow = parseCredentials(selfClient(sim, 'us', ['ZohoCRM.modules.ALL']).data);
		const cache = new ListFieldsCache({ clock });
		const error = await zohoRejection(
			cache.fieldsFor({
				...request(),
				api: new ZohoApi(runtime.api, { credentials: narrow, timeoutMs: 10_000 }),
			}),
			'SCOPE_MISMATCH',
		);
		expect(error.hint).toMatch(
			/^No fields were named, and Zoho lists Wide_X only with fields: they are read from settings\/fields, which needs the scope ZohoCRM\.settings\.fields\.READ \(or ZohoCRM\.settings\.ALL\)\. Add it when you generate the grant code, or name the fields you need\. The token has the scopes: ZohoCRM\.modules\.ALL\./,
		);
	});

	it('keeps modules apart: another module is read on its own', async () => {
		const cache = new ListFieldsCache({ clock });
		await cache.fieldsFor(request());
		const leads = await cache.fieldsFor({
			...request(),
			target: { product: 'crm', crmVersion: 'v8', module: 'Leads' },
		});
		expect(leads.leftOut).toEqual([]);
		expect(leads.fields).toContain('Last_Name');
		expect(fieldCalls()).toBe(2);
	});
});
