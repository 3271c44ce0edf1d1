// The simulator's COQL endpoint: the grammar a client sends (select, where with and/or and
// brackets, the documented operators, order by, limit/offset), lookups through a dot, the
// documented limits and errors with their bodies, credits by LIMIT, scopes, and keyset
// paging on id past the 100,000 rows LIMIT/OFFSET can reach.
import { ZohoSimulator } from '../../simulator';
import { simCall, simToken } from '../support/simApi';

let sim: ZohoSimulator;
let token: string;
let accountId: string;
let contactIds: string[];

beforeAll(async () => {
	sim = new ZohoSimulator({ dataCentres: ['us'] });
	await sim.start();
	token = await simToken(sim, { scopes: ['ZohoCRM.coql.READ', 'ZohoCRM.modules.ALL'] });
	[accountId = ''] = sim.seedCrm('us', {
		module: 'Accounts',
		count: 1,
		make: () => ({ Account_Name: 'Acme Corp' }),
	});
	const people = [
		['Smith', 'a@example.com', 5, true],
		['Smythe', null, 50, false],
		['Jones', 'c@example.com', 500, true],
		['Smithers', 'd@example.com', 5000, false],
	] as const;
	contactIds = sim.seedCrm('us', {
		module: 'Leads',
		count: people.length,
		make: (i) => {
			const [name, email, employees, optOut] = people[i - 1] ?? people[0];
			return {
				Last_Name: name,
				Email: email,
				No_of_Employees: employees,
				Email_Opt_Out: optOut,
			};
		},
	});
	sim.seedCrm('us', {
		module: 'Contacts',
		count: 2,
		make: (i) => ({
			Last_Name: `Contact ${i}`,
			Account_Name: i === 1 ? { id: accountId, name: 'Acme Corp' } : null,
		}),
	});
});
afterAll(() => sim.stop());

async function coql(query: string, options: { version?: number; with?: string } = {}) {
	return simCall(sim, {
		path: `/crm/v${options.version ?? 8}/coql`,
		method: 'POST',
		token: options.with ?? token,
		body: { select_query: query },
	});
}

const rows = (json: Record<string, unknown>) => json.data as Array<Record<string, unknown>>;
const names = (json: Record<string, unknown>) => rows(json).map((row) => row.Last_Name);

describe('COQL queries', () => {
	it('selects fields in id order with id always returned, and reports more_records', async () => {
		const answer = await coql(
			"select Last_Name, Email from Leads where Last_Name like 'Smi%' limit 2",
		);
		expect(answer.status).toBe(200);
		expect(rows(answer.json)).toEqual([
			{ Last_Name: 'Smith', Email: 'a@example.com', id: contactIds[0] },
			{ Last_Name: 'Smithers', Email: 'd@example.com', id: contactIds[3] },
		]);
		expect(answer.json.info).toEqual({ count: 2, more_records: false });
		const more = await coql("select Last_Name from Leads where Last_Name like '%s' limit 1");
		expect(names(more.json)).toEqual(['Jones']);
		expect(more.json.info).toEqual({ count: 1, more_records: true });
	});

	it('reads a lookup as {id} and its fields through a dot', async () => {
		const answer = await coql(
			'select Last_Name, Account_Name, Account_Name.Account_Name from Contacts where Account_Name is not null',
		);
		expect(rows(answer.json)).toEqual([
			{
				Last_Name: 'Contact 1',
				Account_Name: { id: accountId },
				'Account_Name.Account_Name': 'Acme Corp',
				id: expect.any(String),
			},
		]);
		const byLookup = await coql(
			`select Last_Name from Contacts where Account_Name = '${accountId}'`,
		);
		expect(names(byLookup.json)).toEqual(['Contact 1']);
	});

	it('applies and/or with brackets and the documented operators', async () => {
		const cases: Array<[string, string[]]> = [
			["(Last_Name like 'Smi%' and No_of_Employees > 10) or Email is null", ['Smythe', 'Smithers']],
			[
				"Last_Name like 'Smi%' and (No_of_Employees <= 5 or No_of_Employees >= 5000)",
				['Smith', 'Smithers'],
			],
			['No_of_Employees between 10 and 500', ['Smythe', 'Jones']],
			['No_of_Employees not between 10 and 500', ['Smith', 'Smithers']],
			["Last_Name in ('Jones', 'smith')", ['Smith', 'Jones']],
			["Last_Name not in ('Jones', 'Smith')", ['Smythe', 'Smithers']],
			["Last_Name != 'Jones' and Email_Opt_Out = true", ['Smith']],
			["Last_Name not like '%th%'", ['Jones']],
			['Email is null', ['Smythe']],
		];
		for (const [where, expected] of cases) {
			const answer = await coql(`select Last_Name from Leads where ${where}`);
			expect([where, names(answer.json)]).toEqual([where, expected]);
		}
	});

	it('orders by fields and pages with LIMIT offset, count and LIMIT count OFFSET offset', async () => {
		const ordered = await coql(
			'select Last_Name from Leads where Last_Name is not null order by No_of_Employees desc limit 1, 2',
		);
		expect(names(ordered.json)).toEqual(['Jones', 'Smythe']);
		const offset = await coql(
			'select Last_Name from Leads where Last_Name is not null order by Last_Name asc limit 2 offset 1',
		);
		expect(names(offset.json)).toEqual(['Smith', 'Smithers']);
	});

	it('answers 204 when nothing matches', async () => {
		const answer = await coql("select Last_Name from Leads where Last_Name = 'Nobody'");
		expect(answer.status).toBe(204);
	});

	it('charges credits by LIMIT: 1 up to 200, 2 up to 1000, 3 up to 2000', async () => {
		const spent: number[] = [];
		for (const limit of [200, 1000, 2000]) {
			const before = sim.credits('us');
			await coql(`select Last_Name from Leads where Last_Name is not null limit ${limit}`);
			spent.push(sim.credits('us') - before);
		}
		expect(spent).toEqual([1, 2, 3]);
	});

	it('needs ZohoCRM.coql.READ and read access to the module', async () => {
		const withoutCoql = await simToken(sim, { scopes: ['ZohoCRM.modules.ALL'] });
		const noCoql = await coql("select Last_Name from Leads where Last_Name = 'x'", {
			with: withoutCoql,
		});
		expect([noCoql.status, noCoql.json.code]).toEqual([401, 'OAUTH_SCOPE_MISMATCH']);
		const contactsOnly = await simToken(sim, {
			scopes: ['ZohoCRM.coql.READ', 'ZohoCRM.modules.Contacts.READ'],
		});
		const otherModule = await coql("select Last_Name from Leads where Last_Name = 'x'", {
			with: contactsOnly,
		});
		expect(otherModule.status).toBe(401);
	});
});

describe('COQL refusals', () => {
	// Every query here is wrong on purpose: the request contract reports them apart.
	beforeEach(() => sim.markDeliberate('a COQL query Zoho refuses, for its error'));
	afterEach(() => sim.markDeliberate(undefined));

	it('names the clause or the place of a syntax error', async () => {
		const noWhere = await coql('select Last_Name from Leads limit 10');
		expect([noWhere.status, noWhere.json]).toEqual([
			400,
			{
				code: 'SYNTAX_ERROR',
				details: { clause: 'where' },
				message: 'missing clause',
				status: 'error',
			},
		]);
		const near = await coql("select Last_Name Leads where Last_Name = 'x'");
		expect(near.json).toMatchObject({
			code: 'SYNTAX_ERROR',
			details: { line: 1, column: 18, near: 'Leads' },
		});
		const threeAtOnce = await coql(
			"select Last_Name from Leads where Last_Name = 'a' and Email = 'b' and Email = 'c'",
		);
		expect(threeAtOnce.json).toMatchObject({ code: 'SYNTAX_ERROR', details: { clause: 'where' } });
		const missing = await simCall(sim, { path: '/crm/v8/coql', method: 'POST', token, body: {} });
		expect(missing.json).toMatchObject({
			code: 'MANDATORY_NOT_FOUND',
			details: { api_name: 'select_query' },
		});
	});

	it('refuses unknown modules and columns, and values of the wrong type', async () => {
		const module = await coql("select Last_Name from Leeds where Last_Name = 'x'");
		expect(module.json).toMatchObject({ code: 'INVALID_QUERY', details: { module: 'Leeds' } });
		const column = await coql("select Last_Nam from Leads where Last_Name = 'x'");
		expect(column.json).toEqual({
			code: 'INVALID_QUERY',
			details: { column_name: 'Last_Nam', clause: 'select' },
			message: 'column given seems to be invalid',
			status: 'error',
		});
		const value = await coql("select Last_Name from Leads where No_of_Employees > 'many'");
		expect(value.json).toMatchObject({
			code: 'INVALID_QUERY',
			message: 'value given seems to be invalid for the column',
			details: { column_name: 'No_of_Employees', expected_data_type: 'integer' },
		});
		const notLookup = await coql("select Last_Name.Email from Leads where Last_Name = 'x'");
		expect(notLookup.json).toMatchObject({
			code: 'INVALID_QUERY',
			details: { column_name: 'Last_Name.Email' },
		});
	});

	it('enforces the documented limits', async () => {
		const fields = Array.from({ length: 51 }, () => 'Last_Name').join(', ');
		const criteria = Array.from({ length: 26 }, (_, i) => `Last_Name = '${i}'`).reduce(
			(inner, condition) => `(${condition} or ${inner})`,
		);
		const inValues = Array.from({ length: 51 }, (_, i) => `'${i}'`).join(', ');
		const cases: Array<[string, number, Record<string, unknown>]> = [
			[
				"select Last_Name from Leads where Last_Name = 'x' limit 2001",
				8,
				{ clause: 'limit', limit: 2000 },
			],
			[
				"select Last_Name from Leads where Last_Name = 'x' limit 98001, 2000",
				8,
				{ clause: 'offset', limit: 100_000 },
			],
			[
				"select Last_Name from Leads where Last_Name = 'x' limit 201",
				2,
				{ clause: 'limit', limit: 200 },
			],
			[
				"select Last_Name from Leads where Last_Name = 'x' limit 9801, 200",
				2,
				{ clause: 'offset', limit: 10_000 },
			],
			[
				"select Last_Name from Leads where Last_Name = 'x' limit 201",
				3,
				{ clause: 'limit', limit: 200 },
			],
			[
				"select Last_Name from Leads where Last_Name = 'x' limit 8001, 2000",
				6,
				{ clause: 'offset', limit: 10_000 },
			],
			[
				'select Last_Name, COUNT(id), SUM(No_of_Employees), MAX(No_of_Employees), MIN(No_of_Employees), AVG(No_of_Employees), COUNT(Email) from Leads where id is not null',
				8,
				{ clause: 'select', aggregate: true, limit: 5 },
			],
			[
				'select COUNT(id) from Leads where id is not null group by Last_Name, Email, No_of_Employees, Email_Opt_Out, Lead_Source',
				8,
				{ clause: 'group by', limit: 4 },
			],
			[`select ${fields} from Leads where Last_Name = 'x'`, 8, { clause: 'select', limit: 50 }],
			[`select Last_Name from Leads where ${criteria}`, 8, { clause: 'where', limit: 25 }],
			[
				`select Last_Name from Leads where Last_Name in (${inValues})`,
				8,
				{ clause: 'where', operator: 'in', limit: 50 },
			],
		];
		for (const [query, version, details] of cases) {
			const answer = await coql(query, { version });
			expect([answer.status, answer.json.code, answer.json.details]).toEqual([
				400,
				'LIMIT_EXCEEDED',
				details,
			]);
		}
		const allowed = await coql(
			"select Last_Name from Leads where Last_Name = 'x' limit 98000, 2000",
		);
		expect(allowed.status).toBe(204);
		expect(
			(await coql("select Last_Name from Leads where Last_Name = 'x' limit 2000", { version: 4 }))
				.status,
		).toBe(204);
		const twice = await coql(
			'select Last_Name from Leads where Last_Name is not null order by Last_Name, Last_Name',
		);
		expect(twice.json).toMatchObject({ code: 'DUPLICATE_DATA', details: { clause: 'order by' } });
	});
});

describe("Zoho's documented COQL errors", () => {
	beforeEach(() => sim.markDeliberate('a COQL query Zoho refuses, for its error'));
	afterEach(() => sim.markDeliberate(undefined));

	it('answers each with its code, details and message', async () => {
		const missing = await simCall(sim, {
			path: '/crm/v8/coql',
			method: 'POST',
			token,
			body: { query: 'select id' },
		});
		const cases: Array<[string, Record<string, unknown>]> = [
			[
				"select Last_Name, Last_Name from Leads where Last_Name = 'x'",
				{
					code: 'DUPLICATE_DATA',
					details: { column_name: 'Last_Name' },
					message: 'duplicate select column',
				},
			],
			[
				'select MAX(No_of_Employees), MAX(No_of_Employees) from Leads where id is not null',
				{
					code: 'DUPLICATE_DATA',
					details: { column_name: 'No_of_Employees', aggregate: 'MAX' },
					message: 'duplicate aggregate function',
				},
			],
			[
				"select Last_Name from Leads where Last_Name = 'x' limit 0",
				{ code: 'INVALID_DATA', details: {}, message: 'limit should be greater than 0' },
			],
			[
				'select Last_Name from Leads group by Last_Name',
				{ code: 'SYNTAX_ERROR', details: { clause: 'where' }, message: 'missing clause' },
			],
			[
				"select Last_Name from Leads where Last_Name > 'S'",
				{
					code: 'INVALID_QUERY',
					details: { reason: 'invalid operator found', column_name: 'Last_Name', operator: '>' },
					message: 'Invalid query formed',
				},
			],
		];
		expect([missing.status, missing.json.message]).toEqual([400, 'mandatory key not found']);
		for (const [query, body] of cases) {
			const answer = await coql(query);
			expect([query, answer.status, answer.json]).toEqual([
				query,
				400,
				{ ...body, status: 'error' },
			]);
		}
		const old = await coql('select COUNT(id) from Leads where id is not null', { version: 6 });
		expect([old.status, old.json.code]).toEqual([400, 'SYNTAX_ERROR']);
	});
});

describe('COQL aggregates and GROUP BY (v7 and later)', () => {
	it('answers one row per group without id, keyed by alias or aggregate, ordered and paged', async () => {
		const grouped = await coql(
			'select Email_Opt_Out, COUNT(id) as total, SUM(No_of_Employees), MAX(Last_Name) as last from Leads where id is not null group by Email_Opt_Out order by total desc, last desc limit 0, 1',
		);
		expect([grouped.status, rows(grouped.json), grouped.json.info]).toEqual([
			200,
			[
				{
					Email_Opt_Out: false,
					total: 2,
					'SUM(No_of_Employees)': 5050,
					last: 'Smythe',
				},
			],
			{ count: 1, more_records: true },
		]);
		const all = await coql(
			"select COUNT(Email), AVG(No_of_Employees) as mean from Leads where Last_Name like 'Smi%'",
		);
		expect(rows(all.json)).toEqual([{ 'COUNT(Email)': 2, mean: 2502.5 }]);
		const aliased = await coql("select Last_Name as name from Leads where Last_Name = 'Jones'");
		expect(rows(aliased.json)).toEqual([{ name: 'Jones', id: contactIds[2] }]);
	});
});

describe('COQL past 100,000 rows', () => {
	it('reads every record of a large module by keyset paging on id, where LIMIT/OFFSET stops at 100,000', async () => {
		const total = 100_500;
		sim.defineCrmModule('us', { api_name: 'Big_Items', fields: [{ api_name: 'Name' }] });
		sim.seedCrm('us', { module: 'Big_Items', count: total, make: (i) => ({ Name: `Item ${i}` }) });
		const beyond = await sim.deliberately('past the OFFSET ceiling, for its error', () =>
			coql('select Name from Big_Items where Name is not null limit 100000, 2000'),
		);
		expect(beyond.json.code).toBe('LIMIT_EXCEEDED');
		const seen = new Set<string>();
		let lastId = '0';
		let calls = 0;
		for (;;) {
			const answer = await coql(
				`select Name from Big_Items where id > ${lastId} order by id limit 2000`,
			);
			calls += 1;
			if (answer.status === 204) break;
			const page = rows(answer.json);
			for (const row of page) seen.add(String(row.id));
			lastId = String(page[page.length - 1]?.id);
			if (answer.json.info && !(answer.json.info as { more_records: boolean }).more_records) break;
		}
		expect(seen.size).toBe(total);
		expect(calls).toBe(Math.ceil(total / 2000));
	});
});
