// Get Deleted Records run as workflows against the simulator: the recycle bin, the
// permanently deleted, or both; since a time; Return All and Limit.
import { callCount, jsonOf, startKit, zohoWorkflow, type NodeKit } from './kit';

let kit: NodeKit;
/** Deletion times, whole seconds, hours ago (the bin keeps records 60 days). */
let T1: number;
let T2: number;
let T3: number;

beforeAll(async () => {
	kit = await startKit({ scopes: ['ZohoCRM.modules.ALL'], sim: { dataCentres: ['us'] } });
	T3 = Math.floor(kit.sim.now() / 1000) * 1000 - 3_600_000;
	T2 = T3 - 3_600_000;
	T1 = T2 - 3_600_000;
	const ids = kit.sim.seedCrm('us', {
		module: 'Leads',
		count: 300,
		make: (i) => ({ Last_Name: `Gone${i}` }),
	});
	// 100 to the bin at T1, 50 deleted for good at T2, 100 more to the bin at T3.
	kit.sim.deleteCrm('us', { module: 'Leads', ids: ids.slice(0, 100), at: T1 });
	kit.sim.deleteCrm('us', { module: 'Leads', ids: ids.slice(100, 150), at: T2, permanent: true });
	kit.sim.deleteCrm('us', { module: 'Leads', ids: ids.slice(150, 250), at: T3 });
});
afterAll(() => kit.close());
beforeEach(() => kit.sim.resetCounters());

function deletedWorkflow(parameters: Record<string, unknown> = {}, continueOnFail = false) {
	return zohoWorkflow(
		{
			operation: 'deletedRecords',
			module: { __rl: true, mode: 'name', value: 'Leads' },
			returnAll: true,
			...parameters,
		},
		{ continueOnFail },
	);
}
const listCalls = () => callCount(kit.sim, 'GET /crm/v8/Leads/deleted 200');

describe('Get Deleted Records', () => {
	it('lists all 250 deleted records, newest deletion first, in 2 calls of up to 200', async () => {
		const result = await kit.run({ workflow: deletedWorkflow() });
		expect(result.error).toBeUndefined();
		const out = jsonOf(result);
		expect(out).toHaveLength(250);
		expect(new Set(out.map((entry) => entry.id)).size).toBe(250);
		expect(out[0]).toEqual(
			expect.objectContaining({
				id: expect.any(String),
				display_name: 'Gone250',
				type: 'recycle',
				deleted_time: `${new Date(T3).toISOString().slice(0, 19)}+00:00`,
				deleted_by: expect.objectContaining({ id: expect.any(String) }),
			}),
		);
		expect(out[249]).toEqual(expect.objectContaining({ display_name: 'Gone1', type: 'recycle' }));
		expect(listCalls()).toBe(2);
	});

	it('lists the recycle bin or the permanently deleted alone', async () => {
		const recycle = jsonOf(
			await kit.run({ workflow: deletedWorkflow({ deletedType: 'recycle' }) }),
		);
		expect(recycle).toHaveLength(200);
		expect(new Set(recycle.map((entry) => entry.type))).toEqual(new Set(['recycle']));
		const permanent = jsonOf(
			await kit.run({ workflow: deletedWorkflow({ deletedType: 'permanent' }) }),
		);
		expect(permanent.map((entry) => [entry.type, entry.display_name])).toEqual(
			Array.from({ length: 50 }, () => ['permanent', null]),
		);
	});

	it('lists only what was deleted since a time (If-Modified-Since), and nothing after the last', async () => {
		const since = await kit.run({
			workflow: deletedWorkflow({ deletedSince: new Date(T2 - 1000).toISOString() }),
		});
		expect(jsonOf(since)).toHaveLength(150);
		const none = await kit.run({
			workflow: deletedWorkflow({ deletedSince: new Date(T3 + 1000).toISOString() }),
		});
		expect(none.error).toBeUndefined();
		expect(jsonOf(none)).toEqual([]);
	});

	it('stops at Limit: 30 records, 1 call asking for 30', async () => {
		const result = await kit.run({ workflow: deletedWorkflow({ returnAll: false, limit: 30 }) });
		expect(jsonOf(result).map((entry) => entry.display_name)).toEqual(
			Array.from({ length: 30 }, (_, k) => `Gone${250 - k}`),
		);
		expect(listCalls()).toBe(1);
	});

	it('refuses a bad time or kind by its field, before any call', async () => {
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ deletedSince: 'yesterday-ish' }, 'Deleted Since'],
			[{ deletedType: 'shredded' }, 'Deleted Records'],
			[{ module: { __rl: true, mode: 'name', value: 'Leads; drop' } }, 'Module'],
		];
		for (const [parameters, field] of cases) {
			const result = await kit.run({ workflow: deletedWorkflow(parameters, true) });
			expect([field, jsonOf(result)[0]?.field]).toEqual([field, field]);
		}
		expect(kit.sim.counters().calls).toEqual([]);
	});
});
