// The simulator's API limits (simulator/limits.ts): the sub-concurrency of 10 beside the
// edition's limit, credits priced by Zoho's table, counted over a rolling 24 hours, and a
// spent budget's 429 marked with X-API-CREDITS-REMAINING: 0.
import { ZohoSimulator } from '../../simulator';
import { simCall, simToken } from '../support/simApi';

const HOUR_MS = 60 * 60 * 1000;
let sim: ZohoSimulator;
let token: string;

beforeAll(async () => {
	sim = new ZohoSimulator({ journal: false, dataCentres: ['us'] });
	await sim.start();
});
afterAll(() => sim.stop());
beforeEach(async () => {
	sim.resetCounters();
	token = await simToken(sim, { scopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.org.READ'] });
});
afterEach(() =>
	sim.configure({
		concurrencyLimit: Infinity,
		subConcurrencyLimit: Infinity,
		creditBudget: Infinity,
		apiLatencyMs: 0,
	}),
);

const leads = (count: number) => ({
	data: Array.from({ length: count }, (_, index) => ({ Last_Name: `Limit ${index}` })),
});
const insert = (count: number) =>
	simCall(sim, { path: '/crm/v8/Leads', method: 'POST', token, body: leads(count) });
const org = () => simCall(sim, { path: '/crm/v8/org', token });

describe('sub-concurrency', () => {
	it('refuses the 11th write of more than 10 records in flight with 429 TOO_MANY_REQUESTS, while other calls go on', async () => {
		// Each answer takes 300 ms, so the calls below are all in flight together.
		sim.configure({ concurrencyLimit: 25, subConcurrencyLimit: 10, apiLatencyMs: 300 });
		const answers = await Promise.all([
			...Array.from({ length: 12 }, () => insert(11)),
			...Array.from({ length: 5 }, () => org()),
		]);
		const writes = answers.slice(0, 12).map((answer) => answer.status);
		expect(writes.filter((status) => status === 201)).toHaveLength(10);
		const refused = answers.filter((answer) => answer.status === 429);
		expect(refused).toHaveLength(2);
		expect(refused[0]?.json.code).toBe('TOO_MANY_REQUESTS');
		expect(answers.slice(12).map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
	});

	it('does not count writes of 10 records or fewer', async () => {
		sim.configure({ concurrencyLimit: 25, subConcurrencyLimit: 10, apiLatencyMs: 300 });
		const answers = await Promise.all(Array.from({ length: 12 }, () => insert(10)));
		expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(201));
	});
});

describe('credits', () => {
	it('charges writes 1 credit per 10 records, the rest 1 a call', async () => {
		const spent: number[] = [];
		for (const call of [() => insert(100), () => insert(11), () => insert(1), () => org()]) {
			const before = sim.credits('us');
			expect((await call()).status).toBeLessThan(300);
			spent.push(sim.credits('us') - before);
		}
		expect(spent).toEqual([10, 2, 1, 1]);
	});

	it('sends X-API-CREDITS-REMAINING once half the budget is used', async () => {
		sim.configure({ creditBudget: 4 });
		const first = await org();
		const second = await org();
		expect(first.headers.get('x-api-credits-remaining')).toBeNull();
		expect(second.headers.get('x-api-credits-remaining')).toBe('2');
	});

	it('refuses every call once the rolling 24 hours hold the budget, with X-API-CREDITS-REMAINING: 0, until the oldest ages out', async () => {
		sim.configure({ creditBudget: 3 });
		expect((await org()).status).toBe(200);
		sim.advanceClock(12 * HOUR_MS);
		token = await simToken(sim, { scopes: ['ZohoCRM.org.READ'] });
		expect((await org()).status).toBe(200);
		expect((await org()).status).toBe(200);
		const spent = await org();
		expect([spent.status, spent.json.code]).toEqual([429, 'TOO_MANY_REQUESTS']);
		expect(spent.headers.get('x-api-credits-remaining')).toBe('0');
		// The first call's credit ages out; the two of 12 hours ago still count.
		sim.advanceClock(12 * HOUR_MS + 1);
		token = await simToken(sim, { scopes: ['ZohoCRM.org.READ'] });
		expect((await org()).status).toBe(200);
		expect((await org()).status).toBe(429);
	});

	it('marks a concurrency 429 without X-API-CREDITS-REMAINING: 0', async () => {
		sim.configure({ concurrencyLimit: 1, apiLatencyMs: 300 });
		const answers = await Promise.all([org(), org()]);
		const refused = answers.find((answer) => answer.status === 429);
		expect(refused?.headers.get('x-api-credits-remaining')).toBeNull();
	});
});
