// The simulator's deleted-records list: what API and admin deletions leave in it, its types
// (recycle bin, then permanent after 60 days on the simulator clock), paging,
// If-Modified-Since, and its refusals.
import { ZohoSimulator } from '../../simulator';
import { simCall, simToken } from '../support/simApi';

const DAY_MS = 24 * 60 * 60 * 1000;
let sim: ZohoSimulator;
let token: string;

beforeAll(async () => {
	sim = new ZohoSimulator({ dataCentres: ['us'] });
	await sim.start();
});
afterAll(() => sim.stop());
// A fresh token each test: moving the clock by days expires the last one.
beforeEach(async () => {
	token = await simToken(sim, { scopes: ['ZohoCRM.modules.ALL'] });
});

type Entry = Record<string, unknown>;
const entries = (json: Record<string, unknown>) => json.data as Entry[];

describe('deleted records', () => {
	it('lists records deleted through the API, newest first, with who deleted them and when', async () => {
		const ids = sim.seedCrm('us', { module: 'Leads', count: 3 });
		const deleted = await simCall(sim, {
			path: `/crm/v8/Leads?ids=${ids[0]},${ids[1]}`,
			method: 'DELETE',
			token,
		});
		expect(deleted.status).toBe(200);
		const before = sim.credits('us');
		const list = await simCall(sim, { path: '/crm/v8/Leads/deleted', token });
		expect(list.status).toBe(200);
		// Get IDs of deleted records costs 2 credits (secondary source, simulator/limits.ts).
		expect(sim.credits('us') - before).toBe(2);
		expect(entries(list.json).map((entry) => entry.id)).toEqual([ids[1], ids[0]]);
		const first = entries(list.json)[1] as Entry;
		expect(first).toEqual({
			deleted_by: { id: expect.any(String), name: 'Sim User' },
			id: ids[0],
			display_name: 'First1 Last1',
			type: 'recycle',
			created_by: { id: expect.any(String), name: 'Sim User' },
			deleted_time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/),
		});
		expect(list.json.info).toEqual({ per_page: 200, count: 2, page: 1, more_records: false });
		expect(sim.records('us', 'Leads').map((record) => record.id)).toEqual([ids[2]]);
	});

	it('moves a record from the recycle bin to permanent after 60 days, or at once when an admin empties the bin', async () => {
		const [binned, purged] = sim.seedCrm('us', {
			module: 'Deals',
			count: 2,
			make: (i) => ({ Deal_Name: `Deal ${i}` }),
		});
		sim.deleteCrm('us', { module: 'Deals', ids: [binned as string] });
		const admin = await fetch(`${sim.url('us')}/__sim/records/Deals/${purged}`, {
			method: 'DELETE',
			body: JSON.stringify({ permanent: true }),
		});
		expect(admin.status).toBe(200);
		const byType = async (type: string) => {
			const answer = await simCall(sim, { path: `/crm/v8/Deals/deleted?type=${type}`, token });
			return answer.status === 204
				? []
				: entries(answer.json).map((entry) => [entry.id, entry.type, entry.display_name]);
		};
		expect(await byType('recycle')).toEqual([[binned, 'recycle', 'Deal 1']]);
		// A permanently deleted entry has no name any more (issue #25).
		expect(await byType('permanent')).toEqual([[purged, 'permanent', null]]);
		expect(await byType('all')).toHaveLength(2);
		sim.advanceClock(60 * DAY_MS);
		token = await simToken(sim, { scopes: ['ZohoCRM.modules.ALL'] });
		expect(await byType('recycle')).toEqual([]);
		expect(await byType('permanent')).toEqual([
			[purged, 'permanent', null],
			[binned, 'permanent', null],
		]);
	});

	it('answers only deletions after If-Modified-Since (whole seconds), and 204 (never 304) when there are none', async () => {
		const ids = sim.seedCrm('us', {
			module: 'Accounts',
			count: 2,
			make: (i) => ({ Account_Name: `Acme ${i}` }),
		});
		const early = sim.now();
		sim.deleteCrm('us', { module: 'Accounts', ids: [ids[0] as string], at: early });
		sim.deleteCrm('us', { module: 'Accounts', ids: [ids[1] as string], at: early + 5000 });
		const since = new Date(Math.floor(early / 1000) * 1000).toISOString().replace('Z', '+00:00');
		const after = await simCall(sim, {
			path: '/crm/v8/Accounts/deleted',
			token,
			headers: { 'If-Modified-Since': since },
		});
		expect(entries(after.json).map((entry) => entry.id)).toEqual([ids[1]]);
		const later = new Date(early + 10_000).toISOString();
		const none = await simCall(sim, {
			path: '/crm/v8/Accounts/deleted',
			token,
			headers: { 'If-Modified-Since': later },
		});
		expect(none.status).toBe(204);
	});

	it('pages with page and per_page', async () => {
		const ids = sim.seedCrm('us', {
			module: 'Tasks',
			count: 3,
			make: (i) => ({ Subject: `Call ${i}` }),
		});
		sim.deleteCrm('us', { module: 'Tasks', ids });
		const second = await simCall(sim, { path: '/crm/v8/Tasks/deleted?per_page=2&page=2', token });
		expect(entries(second.json).map((entry) => entry.id)).toEqual([ids[0]]);
		expect(second.json.info).toEqual({ per_page: 2, count: 1, page: 2, more_records: false });
		const first = await simCall(sim, { path: '/crm/v8/Tasks/deleted?per_page=2', token });
		expect((first.json.info as Entry).more_records).toBe(true);
		const empty = await simCall(sim, { path: '/crm/v8/Tasks/deleted?page=3&per_page=2', token });
		expect(empty.status).toBe(204);
	});

	it('refuses an unknown type, a per_page over 200, an unknown module and a token without the module', async () => {
		const [type, perPage, module] = await sim.deliberately(
			'refusals of the deleted list, on purpose',
			async () => [
				await simCall(sim, { path: '/crm/v8/Leads/deleted?type=trash', token }),
				await simCall(sim, { path: '/crm/v8/Leads/deleted?per_page=201', token }),
				await simCall(sim, { path: '/crm/v8/Leeds/deleted', token }),
			],
		);
		expect(type?.status).toBe(400);
		expect(type?.json).toEqual({
			data: [
				{
					code: 'PATTERN_NOT_MATCHED',
					details: { param_name: 'type' },
					message: 'Please check whether the input values are correct',
					status: 'error',
				},
			],
		});
		expect(perPage?.status).toBe(400);
		expect(perPage?.json).toMatchObject({
			code: 'INVALID_DATA',
			details: { param_name: 'per_page' },
		});
		expect([module?.status, module?.json]).toEqual([
			400,
			{
				code: 'INVALID_MODULE',
				details: { resource_path_index: 0 },
				message: 'the module name given seems to be invalid',
				status: 'error',
			},
		]);
		const contactsOnly = await simToken(sim, { scopes: ['ZohoCRM.modules.Contacts.READ'] });
		const scope = await simCall(sim, { path: '/crm/v8/Leads/deleted', token: contactsOnly });
		expect(scope.status).toBe(401);
		expect(scope.json.code).toBe('OAUTH_SCOPE_MISMATCH');
	});
});
