// readChanges against the strict simulator: the fields it sends (the module's when none
// are named, none on CRM v2), Bigin's pipeline, and the page-token window (a walk past a
// crowded second stops at it and a new window from the watermark goes on).
import { ZohoSimulator } from '../../../../simulator';
import { parseCredentials, type ZohoCredentials } from '../../../../zoho/credentials';
import {
	readChanges,
	type ChangeReader,
	type ChangeSource,
} from '../../../../zoho/crm/records/changes';
import { ListFieldsCache } from '../../../../zoho/crm/metadata/listFields';
import { ZohoApiError, ZohoInputError } from '../../../../zoho/errors';
import type { ZohoRuntime } from '../../../../zoho/runtime';
import { closeOpened, openRuntime, rejectionOf, selfClient, SimClock } from '../../fixtures';
import { ZohoApi } from '../../../../zoho/api/apiClient';

const sim = new ZohoSimulator({ dataCentres: ['us'] });
const BASE = Date.parse('2026-11-30T09:00:00Z');
const at = (second: number) => `${new Date(BASE + second * 1000).toISOString().slice(0, 19)}+00:00`;
const start = { second: BASE / 1000, ids: [] };
let credentials: ZohoCredentials;
let runtime: ZohoRuntime;

beforeAll(async () => {
	await sim.start();
	const scopes = ['ZohoCRM.modules.ALL', 'ZohoCRM.settings.ALL'];
	credentials = parseCredentials(
		selfClient(sim, 'us', [...scopes, 'ZohoBigin.modules.ALL', 'ZohoBigin.settings.ALL']).data,
	);
});
afterAll(async () => {
	await closeOpened();
	await sim.stop();
});
beforeEach(() => {
	sim.resetCounters();
	sent = [];
	runtime = openRuntime({ clock: new SimClock(sim) });
});
afterEach(() => sim.configure({ pageTokenRecordLimit: 100_000 }));

/** A custom module of `count` records, record i changed at second `second(i)` after BASE. */
function crowdedModule(module: string, count: number, second: (i: number) => number): string[] {
	sim.configure({ pageTokenRecordLimit: 2_400 });
	sim.defineCrmModule('us', { api_name: module, fields: [{ api_name: 'Name' }] });
	return sim.seedCrm('us', {
		module,
		count,
		make: (i) => ({ Name: `${module}${i}`, Modified_Time: at(second(i)) }),
	});
}

/** Every URL the reader called, query included. */
let sent: URL[] = [];

function reader(): ChangeReader {
	const api = new ZohoApi(runtime.api, { credentials, timeoutMs: 10_000 });
	// read and fetch go through send: every answer's URL is seen here.
	const send = api.send.bind(api);
	api.send = async (request) => {
		const res = await send(request);
		sent.push(new URL(res.url));
		return res;
	};
	return {
		api,
		fieldLists: new ListFieldsCache({ clock: runtime.clock }),
	};
}

const source = (extra: Partial<ChangeSource> & { module: string }): ChangeSource => ({
	product: 'crm',
	crmVersion: 'v8',
	event: 'createdOrUpdated',
	fields: [],
	...extra,
});

/** The `fields` of each list call to `path`. */
const sentFields = (path: string) =>
	sent.filter((url) => url.pathname === path).map((url) => url.searchParams.get('fields'));

describe('readChanges', () => {
	it("stays inside Zoho's page-token window: past a crowded second it walks to the window's end, then a new window goes on", async () => {
		// 250 records in second 10, 2,300 in second 11, 300 in second 12: the walk past
		// second 10 reaches 2,400 records (the window here), the next starts from second 11.
		const ids = crowdedModule('Window_X', 2_850, (i) => (i <= 250 ? 10 : i <= 2_550 ? 11 : 12));
		const { records, next } = await readChanges(reader(), {
			source: source({ module: 'Window_X' }),
			watermark: start,
			pageTokenRecordLimit: 2_400,
		});
		expect(records).toHaveLength(2_850);
		expect(new Set(records.map((record) => record.id))).toEqual(new Set(ids));
		expect(next.second).toBe(BASE / 1000 + 12);
		expect(next.ids).toHaveLength(300);
		// No call went past the window: the simulator refused none.
		const refused = Object.keys(sim.counters().callsByPathStatus).filter((key) =>
			key.endsWith(' 400'),
		);
		expect(refused).toEqual([]);
	});

	it('without the window it would have asked past it: Zoho refuses that, the error says how many were read', async () => {
		crowdedModule('Crowd_X', 2_700, (i) => (i <= 250 ? 10 : 11));
		const error = await sim.deliberately(
			"the package's window (100,000) is larger than the simulator's (2,400) here",
			() =>
				rejectionOf(
					readChanges(reader(), { source: source({ module: 'Crowd_X' }), watermark: start }),
				),
		);
		expect(error).toBeInstanceOf(ZohoApiError);
		expect((error as ZohoApiError).message).toContain('2400 were read');
	});

	it('more records in one second than the window reaches: says so, naming the limit', async () => {
		crowdedModule('Burst_X', 2_500, () => 10);
		const options = {
			source: source({ module: 'Burst_X' }),
			watermark: start,
			pageTokenRecordLimit: 2_400,
		};
		const first = await readChanges(reader(), options);
		expect(first.records).toHaveLength(2_400);
		const error = await rejectionOf(readChanges(reader(), { ...options, watermark: first.next }));
		expect(error).toBeInstanceOf(ZohoApiError);
		expect((error as ZohoApiError).zohoCode).toBe('PAGINATION_LIMIT_EXCEEDED');
		expect((error as ZohoApiError).message).toBe(
			"More than 2400 records of Burst_X share one second, or come before the new ones, and Zoho's page tokens reach at most 2400 records from one point.",
		);
	});

	it("sends the module's fields when none are named (v8), the user's with the time fields, and none on v2", async () => {
		sim.seedCrm('us', { module: 'Leads', count: 3 });
		await readChanges(reader(), { source: source({ module: 'Leads' }), watermark: start });
		const [sent] = sentFields('/crm/v8/Leads');
		expect(sent?.split(',').slice(0, 3)).toEqual(['Modified_Time', 'Created_Time', 'Owner']);
		expect(sent?.split(',')).toContain('Last_Name');

		await readChanges(reader(), {
			source: source({ module: 'Leads', fields: ['Email'] }),
			watermark: start,
		});
		await readChanges(reader(), {
			source: source({ module: 'Leads', crmVersion: 'v2' }),
			watermark: start,
		});
		expect(sentFields('/crm/v8/Leads')[1]).toBe('Email,Modified_Time,Created_Time');
		expect(sentFields('/crm/v2/Leads')).toEqual([null]);
	});

	it('reads Bigin Pipelines of the Pipeline ID given, and refuses none before any call', async () => {
		sim.seedCrm('us', { module: 'Pipelines', product: 'bigin', count: 2 });
		const pipelines = source({ product: 'bigin', crmVersion: 'v2', module: 'Pipelines' });
		const refused = await rejectionOf(
			readChanges(reader(), { source: pipelines, watermark: start }),
		);
		expect(refused).toBeInstanceOf(ZohoInputError);
		expect((refused as ZohoInputError).field).toBe('Pipeline ID');
		expect((refused as ZohoInputError).message).toBe(
			'Bigin lists Pipelines records one Team Pipeline at a time, and Pipeline ID is empty.',
		);
		expect(sim.counters().calls).toHaveLength(0);

		const { records } = await readChanges(reader(), {
			source: { ...pipelines, pipelineId: '2034020000000645063' },
			watermark: { second: 0, ids: [] },
		});
		expect(records).toHaveLength(2);
		const lists = sent.filter((url) => url.pathname === '/bigin/v2/Pipelines');
		expect(lists.map((url) => url.searchParams.get('pipeline_id'))).toEqual([
			'2034020000000645063',
		]);
	});
});
