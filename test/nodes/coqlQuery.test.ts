// Query (COQL) run as workflows against the simulator: every row of a query past Zoho's
// 100,000-row LIMIT/OFFSET ceiling by id, offset paging where the order is not by id, and
// Zoho's refusals naming the code and the clause.
import { callCount, items, jsonOf, startKit, zohoWorkflow, type NodeKit } from './kit';

const TOTAL = 105_000;
let kit: NodeKit;

beforeAll(async () => {
	kit = await startKit({
		scopes: ['ZohoCRM.coql.READ', 'ZohoCRM.modules.ALL'],
		sim: { dataCentres: ['us'] },
	});
	kit.sim.seedCrm('us', {
		module: 'Contacts',
		count: TOTAL,
		make: (i) => ({ Last_Name: `Last${String(i).padStart(6, '0')}`, Email: `c${i}@example.com` }),
	});
}, 60_000);
afterAll(() => kit.close());
beforeEach(() => kit.sim.resetCounters());

function queryWorkflow(query: string, extra: Record<string, unknown> = {}, continueOnFail = false) {
	return zohoWorkflow({ operation: 'coqlQuery', query, ...extra }, { continueOnFail });
}
const coqlCalls = (version = 'v8') => callCount(kit.sim, `POST /crm/${version}/coql 200`);

describe('Query (COQL)', () => {
	it('returns all 105,000 rows, past the 100,000-row OFFSET ceiling, by id: 53 calls of up to 2,000', async () => {
		const result = await kit.run({
			workflow: queryWorkflow('select Last_Name, Email from Contacts where Last_Name is not null', {
				returnAll: true,
			}),
			timeoutMs: 120_000,
		});
		expect(result.error).toBeUndefined();
		const rows = jsonOf(result);
		expect(rows).toHaveLength(TOTAL);
		expect(new Set(rows.map((row) => row.id)).size).toBe(TOTAL);
		expect(rows[0]).toEqual({
			id: expect.any(String),
			Last_Name: 'Last000001',
			Email: 'c1@example.com',
		});
		expect(rows[TOTAL - 1]?.Last_Name).toBe(`Last${TOTAL}`);
		expect(coqlCalls()).toBe(53);
		// Credits follow the LIMIT asked (2,000: 3 credits), the last call's too, which found 1,000.
		expect(kit.sim.credits('us')).toBe(53 * 3);
	}, 180_000);

	it('stops at Limit: 2,500 rows in 2 calls (2,000 and 500)', async () => {
		const result = await kit.run({
			workflow: queryWorkflow('select Last_Name from Contacts where Email is not null', {
				limit: 2500,
			}),
		});
		const rows = jsonOf(result);
		expect(rows).toHaveLength(2500);
		expect(rows[2499]?.Last_Name).toBe('Last002500');
		expect(coqlCalls()).toBe(2);
	});

	it('pages by OFFSET when ordered by another field, and refuses to stop short of all rows past 100,000', async () => {
		const limited = await kit.run({
			workflow: queryWorkflow(
				'select Last_Name from Contacts where Last_Name is not null order by Last_Name desc',
				{ limit: 3000 },
			),
		});
		const names = jsonOf(limited).map((row) => row.Last_Name);
		expect(names).toHaveLength(3000);
		expect(names.slice(0, 2)).toEqual([`Last${TOTAL}`, `Last${TOTAL - 1}`]);
		expect(names[2999]).toBe(`Last${TOTAL - 2999}`);
		expect(coqlCalls()).toBe(2);

		kit.sim.resetCounters();
		const all = await kit.run({
			workflow: queryWorkflow(
				'select Last_Name from Contacts where Last_Name is not null order by Last_Name desc',
				{ returnAll: true },
				true,
			),
			timeoutMs: 120_000,
		});
		expect(jsonOf(all)).toEqual([
			expect.objectContaining({
				code: 'INVALID_INPUT',
				field: 'Query',
				error:
					'The query has more than 100,000 rows, and Zoho reads a query ordered by other than id only that far (LIMIT/OFFSET).',
			}),
		]);
		expect(coqlCalls()).toBe(50);
	}, 180_000);

	it("names Zoho's code and the clause at fault", async () => {
		const [noWhere, column] = await kit.sim.deliberately(
			"the user's wrong queries, for Zoho's errors",
			async () => [
				await kit.run({
					workflow: queryWorkflow('select Last_Name from Contacts order by Last_Name', {}, true),
				}),
				await kit.run({
					workflow: queryWorkflow(
						'select Nope from Contacts where Last_Name is not null',
						{},
						true,
					),
				}),
			],
		);
		expect(jsonOf(noWhere)).toEqual([
			expect.objectContaining({
				zohoCode: 'SYNTAX_ERROR',
				field: 'Query',
				httpStatus: 400,
				error: 'Zoho refused the COQL query (SYNTAX_ERROR) in its WHERE clause: missing clause.',
			}),
		]);
		const [item] = jsonOf(column);
		expect(item).toEqual(expect.objectContaining({ zohoCode: 'INVALID_QUERY', field: 'Query' }));
		expect(item?.error).toMatch(
			/^Zoho refused the COQL query \(INVALID_QUERY\) in its SELECT clause at column Nope: /,
		);
		expect(String(item?.hint)).toContain(
			'Sent: select Nope from Contacts where (Last_Name is not null) and (id is not null) order by id asc limit 0, 50',
		);
	});

	it("counts a syntax error's line and column in the user's own query, not the one sent", async () => {
		const query = 'select Last_Name,\n  Email from Contacts\nwhere Last_Name = = 1';
		const [result] = await kit.sim.deliberately(
			"the user's wrong queries, for Zoho's errors",
			async () => [await kit.run({ workflow: queryWorkflow(query, {}, true) })],
		);
		const [item] = jsonOf(result);
		expect(item).toEqual(expect.objectContaining({ zohoCode: 'SYNTAX_ERROR', field: 'Query' }));
		expect(item?.error).toMatch(/ near '=' \(line 3, column 19 of the query\)/);
	});

	it('refuses a query with its own LIMIT, or none at all, before any call', async () => {
		for (const query of [
			'select Last_Name from Contacts where Last_Name is not null limit 10',
			'  ',
			'Contacts',
		]) {
			const result = await kit.run({ workflow: queryWorkflow(query, {}, true) });
			expect(jsonOf(result)).toEqual([
				expect.objectContaining({ code: 'INVALID_INPUT', field: 'Query' }),
			]);
		}
		expect(kit.sim.counters().calls).toEqual([]);
	});

	it('fills {{ expressions }} per input item, each item its own query and rows', async () => {
		const result = await kit.run({
			workflow: queryWorkflow(
				"select Last_Name from Contacts where Last_Name = '{{ $json.name }}'",
			),
			inputItems: items(2, (i) => ({ name: `Last00000${i + 7}` })),
		});
		expect(jsonOf(result).map((row) => row.Last_Name)).toEqual(['Last000007', 'Last000008']);
		expect((result.outputs.Zoho?.[0] ?? []).map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
		]);
	});

	it("keeps to v2's and v3's 200 rows a call", async () => {
		for (const crmVersion of ['v2', 'v3']) {
			const result = await kit.run({
				workflow: queryWorkflow('select Last_Name from Contacts where Last_Name is not null', {
					crmVersion,
					limit: 450,
				}),
			});
			expect([crmVersion, jsonOf(result).length]).toEqual([crmVersion, 450]);
			expect(coqlCalls(crmVersion)).toBe(3);
		}
	});

	it('passes GROUP BY, aggregates and aliases through: Return All pages the groups by offset, rows without id', async () => {
		const grouped = await kit.run({
			workflow: queryWorkflow(
				"select Last_Name, COUNT(id) as n from Contacts where Last_Name like 'Last00%' group by Last_Name",
				{ returnAll: true },
			),
		});
		expect(grouped.error).toBeUndefined();
		const rows = jsonOf(grouped);
		expect(rows).toHaveLength(9999);
		expect([rows[0], rows[9998]]).toEqual([
			{ Last_Name: 'Last000001', n: 1 },
			{ Last_Name: 'Last009999', n: 1 },
		]);
		expect(coqlCalls()).toBe(5);
		const counted = await kit.run({
			workflow: queryWorkflow('select COUNT(id) from Contacts where Last_Name is not null'),
		});
		expect(jsonOf(counted)).toEqual([{ 'COUNT(id)': TOTAL }]);
	});

	it("names Zoho's details when an operator does not fit the field", async () => {
		const [result] = await kit.sim.deliberately(
			"the user's wrong queries, for Zoho's errors",
			async () => [
				await kit.run({
					workflow: queryWorkflow("select Last_Name from Contacts where Last_Name > 'x'", {}, true),
				}),
			],
		);
		expect(jsonOf(result)).toEqual([
			expect.objectContaining({
				zohoCode: 'INVALID_QUERY',
				field: 'Query',
				error:
					'Zoho refused the COQL query (INVALID_QUERY) at column Last_Name (operator >) (invalid operator found): Invalid query formed.',
			}),
		]);
	});
});
