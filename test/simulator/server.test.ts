// The Zoho simulator's own contract: every other test of the project leans on it.
import { ZohoSimulator } from '../../simulator';

const TOKEN_SHAPE = /^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/;
const CRM_SCOPES = ['ZohoCRM.modules.ALL', 'ZohoCRM.org.READ'];

interface Answer {
	status: number;
	headers: Headers;
	text: string;
	json: Record<string, unknown>;
}

async function answer(response: Response): Promise<Answer> {
	const text = await response.text();
	const isJson = (response.headers.get('content-type') ?? '').includes('json') && text !== '';
	return {
		status: response.status,
		headers: response.headers,
		text,
		json: isJson ? (JSON.parse(text) as Record<string, unknown>) : {},
	};
}

/** POST to the token endpoint with a urlencoded body. */
async function tokenCall(
	sim: ZohoSimulator,
	options: { dc?: string; params: Record<string, string> },
): Promise<Answer> {
	const response = await fetch(`${sim.url(options.dc)}/oauth/v2/token`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(options.params).toString(),
	});
	return answer(response);
}

async function refresh(
	sim: ZohoSimulator,
	options: { dc?: string; clientId: string; clientSecret: string; refreshToken: string },
): Promise<Answer> {
	return tokenCall(sim, {
		...(options.dc !== undefined ? { dc: options.dc } : {}),
		params: {
			grant_type: 'refresh_token',
			client_id: options.clientId,
			client_secret: options.clientSecret,
			refresh_token: options.refreshToken,
		},
	});
}

async function api(
	sim: ZohoSimulator,
	options: {
		dc?: string;
		path: string;
		token?: string;
		method?: string;
		body?: unknown;
		headers?: Record<string, string>;
	},
): Promise<Answer> {
	const headers: Record<string, string> = { ...(options.headers ?? {}) };
	if (options.token !== undefined) headers.Authorization = `Zoho-oauthtoken ${options.token}`;
	const init: RequestInit = { method: options.method ?? 'GET', headers };
	if (options.body !== undefined) {
		headers['Content-Type'] = 'application/json';
		init.body = JSON.stringify(options.body);
	}
	return answer(await fetch(`${sim.url(options.dc)}${options.path}`, init));
}

/** A client, a refresh token with the given scopes, and one access token for it. */
async function setup(sim: ZohoSimulator, options: { dc?: string; scopes?: string[] } = {}) {
	const dc = options.dc ?? 'us';
	const client = sim.registerClient(dc);
	const refreshToken = sim.createRefreshToken(dc, {
		clientId: client.clientId,
		scopes: options.scopes ?? CRM_SCOPES,
	});
	const minted = await refresh(sim, { dc, ...client, refreshToken });
	const accessToken = minted.json.access_token;
	if (typeof accessToken !== 'string') throw new Error(`no access token: ${minted.text}`);
	return { ...client, refreshToken, accessToken };
}

function dataOf(result: Answer): Array<Record<string, unknown>> {
	return result.json.data as Array<Record<string, unknown>>;
}

describe('token endpoint', () => {
	const sim = new ZohoSimulator({ journal: false });
	beforeAll(() => sim.start());
	afterAll(() => sim.stop());

	it('answers every error with HTTP 200 and the Zoho error code', async () => {
		const client = sim.registerClient('us');
		const refreshToken = sim.createRefreshToken('us', {
			clientId: client.clientId,
			scopes: CRM_SCOPES,
		});
		const base = { grant_type: 'refresh_token', refresh_token: refreshToken };
		const cases: Array<[Record<string, string>, string]> = [
			[{ ...base, client_id: '1000.NOPE', client_secret: client.clientSecret }, 'invalid_client'],
			[{ ...base, client_secret: client.clientSecret }, 'invalid_client'],
			[{ ...base, client_id: client.clientId, client_secret: 'wrong' }, 'invalid_client_secret'],
			[
				{
					...base,
					client_id: client.clientId,
					client_secret: client.clientSecret,
					refresh_token: '1000.x.y',
				},
				'invalid_code',
			],
			[
				{ client_id: client.clientId, client_secret: client.clientSecret },
				'unsupported_grant_type',
			],
			[
				{ grant_type: 'password', client_id: client.clientId, client_secret: client.clientSecret },
				'unsupported_grant_type',
			],
			[
				{
					grant_type: 'client_credentials',
					client_id: client.clientId,
					client_secret: client.clientSecret,
				},
				'missing_org_info',
			],
		];
		for (const [params, error] of cases) {
			const result = await tokenCall(sim, { params });
			expect(result.status).toBe(200);
			expect(result.json).toEqual({ error });
		}
	});

	it('exchanges a grant code once, with Zoho-shaped tokens', async () => {
		const client = sim.registerClient('us');
		const code = sim.createGrantCode('us', { clientId: client.clientId, scopes: CRM_SCOPES });
		const params = {
			grant_type: 'authorization_code',
			client_id: client.clientId,
			client_secret: client.clientSecret,
			code,
		};
		const first = await tokenCall(sim, { params });
		expect(first.status).toBe(200);
		expect(Object.keys(first.json).sort()).toEqual([
			'access_token',
			'api_domain',
			'expires_in',
			'refresh_token',
			'scope',
			'token_type',
		]);
		expect(first.json.access_token).toMatch(TOKEN_SHAPE);
		expect(first.json.refresh_token).toMatch(TOKEN_SHAPE);
		expect(first.json.api_domain).toBe(sim.url('us'));
		expect(first.json.token_type).toBe('Bearer');
		expect(first.json.expires_in).toBe(3600);
		expect(first.json.scope).toBe('ZohoCRM.modules.ALL ZohoCRM.org.READ');
		const second = await tokenCall(sim, { params });
		expect(second.json).toEqual({ error: 'invalid_code' });
	});

	it('expires grant codes after their TTL on the simulator clock', async () => {
		const client = sim.registerClient('us');
		const code = sim.createGrantCode('us', {
			clientId: client.clientId,
			scopes: CRM_SCOPES,
			ttlMs: 60_000,
		});
		sim.advanceClock(60_001);
		const result = await tokenCall(sim, {
			params: {
				grant_type: 'authorization_code',
				client_id: client.clientId,
				client_secret: client.clientSecret,
				code,
			},
		});
		expect(result.json).toEqual({ error: 'invalid_code' });
	});

	it("refuses another client's grant code without using it up", async () => {
		const owner = sim.registerClient('us');
		const other = sim.registerClient('us');
		const code = sim.createGrantCode('us', { clientId: owner.clientId, scopes: CRM_SCOPES });
		const stolen = await tokenCall(sim, {
			params: {
				grant_type: 'authorization_code',
				client_id: other.clientId,
				client_secret: other.clientSecret,
				code,
			},
		});
		expect(stolen.json).toEqual({ error: 'invalid_code' });
		const own = await tokenCall(sim, {
			params: {
				grant_type: 'authorization_code',
				client_id: owner.clientId,
				client_secret: owner.clientSecret,
				code,
			},
		});
		expect(own.json.refresh_token).toMatch(TOKEN_SHAPE);
	});

	it('takes parameters from the query string and from multipart bodies', async () => {
		const client = sim.registerClient('us');
		const refreshToken = sim.createRefreshToken('us', {
			clientId: client.clientId,
			scopes: CRM_SCOPES,
		});
		const query = new URLSearchParams({
			grant_type: 'refresh_token',
			client_id: client.clientId,
			client_secret: client.clientSecret,
			refresh_token: refreshToken,
		});
		const viaQuery = await answer(
			await fetch(`${sim.url()}/oauth/v2/token?${query.toString()}`, { method: 'POST' }),
		);
		expect(viaQuery.json.access_token).toMatch(TOKEN_SHAPE);
		const form = new FormData();
		for (const [key, value] of query) form.append(key, value);
		const viaMultipart = await answer(
			await fetch(`${sim.url()}/oauth/v2/token`, { method: 'POST', body: form }),
		);
		expect(viaMultipart.json.access_token).toMatch(TOKEN_SHAPE);
		expect(sim.mintsFor(refreshToken)).toBe(2);
	});

	it('throttles the 11th mint in 10 minutes and recovers after the window', async () => {
		const client = sim.registerClient('us');
		const refreshToken = sim.createRefreshToken('us', {
			clientId: client.clientId,
			scopes: CRM_SCOPES,
		});
		sim.resetCounters();
		for (let i = 0; i < 10; i += 1) {
			const ok = await refresh(sim, { ...client, refreshToken });
			expect(ok.json.access_token).toMatch(TOKEN_SHAPE);
		}
		const refused = await refresh(sim, { ...client, refreshToken });
		expect(refused.status).toBe(200);
		expect(refused.json).toEqual({
			error: 'Access Denied',
			error_description:
				'You have made too many requests continuously. Please try again after some time.',
		});
		expect(sim.mintsFor(refreshToken)).toBe(10);
		sim.advanceClock(600_001);
		const again = await refresh(sim, { ...client, refreshToken });
		expect(again.json.access_token).toMatch(TOKEN_SHAPE);
		const counters = sim.counters();
		expect(counters.mints[refreshToken]).toBe(11);
		expect(counters.mintsTotal).toBe(11);
		expect(counters.tokenRequests).toBe(12);
		expect(counters.tokenRequestsByOutcome).toEqual({ 'refresh_token:success': 11, throttled: 1 });
	});

	it('answers in the legacy expires_in_sec shape when switched on', async () => {
		const client = sim.registerClient('us');
		const refreshToken = sim.createRefreshToken('us', {
			clientId: client.clientId,
			scopes: CRM_SCOPES,
		});
		sim.configure({ legacyExpiresShape: true, tokenLifetimeSec: 1800 });
		try {
			const result = await refresh(sim, { ...client, refreshToken });
			expect(Object.keys(result.json).sort()).toEqual([
				'access_token',
				'api_domain',
				'expires_in',
				'expires_in_sec',
				'token_type',
			]);
			expect(result.json.expires_in_sec).toBe(1800);
			expect(result.json.expires_in).toBe(1_800_000);
		} finally {
			sim.configure({ legacyExpiresShape: false, tokenLifetimeSec: 3600 });
		}
	});

	it('revokes a refresh token together with its access tokens', async () => {
		const { accessToken, refreshToken, clientId, clientSecret } = await setup(sim);
		expect((await api(sim, { path: '/crm/v2/org', token: accessToken })).status).toBe(200);
		const revoked = await answer(
			await fetch(`${sim.url()}/oauth/v2/token/revoke?token=${refreshToken}`, { method: 'POST' }),
		);
		expect(revoked.status).toBe(200);
		expect(revoked.json).toEqual({ status: 'success' });
		const after = await api(sim, { path: '/crm/v2/org', token: accessToken });
		expect(after.status).toBe(401);
		expect(after.json).toEqual({
			code: 'INVALID_TOKEN',
			details: {},
			message: 'invalid oauth token',
			status: 'error',
		});
		expect((await refresh(sim, { clientId, clientSecret, refreshToken })).json).toEqual({
			error: 'invalid_code',
		});
		const unknown = await answer(
			await fetch(`${sim.url()}/oauth/v2/token/revoke?token=${refreshToken}`, { method: 'POST' }),
		);
		expect(unknown.status).toBe(400);
		expect(unknown.json).toEqual({ error: 'invalid_token' });
	});

	it('evicts the oldest live access token beyond the cap, and expires tokens', async () => {
		sim.configure({ liveTokenCap: 3 });
		try {
			const client = sim.registerClient('us');
			const refreshToken = sim.createRefreshToken('us', {
				clientId: client.clientId,
				scopes: CRM_SCOPES,
			});
			const tokens: string[] = [];
			for (let i = 0; i < 4; i += 1)
				tokens.push(String((await refresh(sim, { ...client, refreshToken })).json.access_token));
			const statuses = [];
			for (const token of tokens)
				statuses.push((await api(sim, { path: '/crm/v2/org', token })).status);
			expect(statuses).toEqual([401, 200, 200, 200]);
			sim.advanceClock(3_600_000);
			expect((await api(sim, { path: '/crm/v2/org', token: tokens[3] })).status).toBe(401);
		} finally {
			sim.configure({ liveTokenCap: 15 });
		}
	});

	it('evicts the oldest refresh token of a client beyond the cap', async () => {
		sim.configure({ refreshTokenCap: 2 });
		try {
			const client = sim.registerClient('us');
			const tokens = [1, 2, 3].map(() =>
				sim.createRefreshToken('us', { clientId: client.clientId, scopes: CRM_SCOPES }),
			);
			expect((await refresh(sim, { ...client, refreshToken: tokens[0] ?? '' })).json).toEqual({
				error: 'invalid_code',
			});
			expect(
				(await refresh(sim, { ...client, refreshToken: tokens[1] ?? '' })).json.access_token,
			).toMatch(TOKEN_SHAPE);
			expect(
				(await refresh(sim, { ...client, refreshToken: tokens[2] ?? '' })).json.access_token,
			).toMatch(TOKEN_SHAPE);
		} finally {
			sim.configure({ refreshTokenCap: 20 });
		}
	});
});

describe('data centres', () => {
	const sim = new ZohoSimulator({ journal: false, dataCentres: ['us', 'eu', 'in'] });
	beforeAll(() => sim.start());
	afterAll(() => sim.stop());

	it('gives each DC its own origin and keeps their state apart', async () => {
		const origins = ['us', 'eu', 'in'].map((dc) => sim.url(dc));
		expect(new Set(origins).size).toBe(3);
		const us = await setup(sim, { dc: 'us' });
		const onEu = await refresh(sim, {
			dc: 'eu',
			clientId: us.clientId,
			clientSecret: us.clientSecret,
			refreshToken: us.refreshToken,
		});
		expect(onEu.json).toEqual({ error: 'invalid_client' });
		expect((await api(sim, { dc: 'eu', path: '/crm/v2/org', token: us.accessToken })).status).toBe(
			401,
		);
		sim.registerClient('eu', { clientId: us.clientId, clientSecret: us.clientSecret });
		const sameIdOnEu = await refresh(sim, {
			dc: 'eu',
			clientId: us.clientId,
			clientSecret: us.clientSecret,
			refreshToken: us.refreshToken,
		});
		expect(sameIdOnEu.json).toEqual({ error: 'invalid_code' });
		const eu = await setup(sim, { dc: 'eu' });
		const euLogin = await refresh(sim, {
			dc: 'eu',
			clientId: eu.clientId,
			clientSecret: eu.clientSecret,
			refreshToken: eu.refreshToken,
		});
		expect(euLogin.json.api_domain).toBe(sim.url('eu'));
	});

	it('refuses a DC it does not serve', () => {
		expect(() => sim.url('au')).toThrow("data centre 'au' has no listener");
		expect(() => new ZohoSimulator({ journal: false, dataCentres: ['mars'] })).toThrow(
			"unknown data centre 'mars'",
		);
	});
});

describe('CRM records', () => {
	const sim = new ZohoSimulator({ journal: false });
	let token = '';
	beforeAll(async () => {
		await sim.start();
		sim.seedCrm('us', { module: 'Leads', count: 2500 });
		token = (await setup(sim)).accessToken;
	});
	afterAll(() => sim.stop());

	it('lists page by page in v2 without page tokens', async () => {
		const result = await api(sim, { path: '/crm/v2/Leads?page=2&per_page=100', token });
		expect(result.status).toBe(200);
		expect(result.json.info).toEqual({
			per_page: 100,
			count: 100,
			page: 2,
			sort_by: 'id',
			sort_order: 'desc',
			more_records: true,
		});
		const newest = sim.records('us', 'Leads').reverse();
		expect(dataOf(result).map((record) => record.id)).toEqual(
			newest.slice(100, 200).map((record) => record.id),
		);
	});

	it('stops discrete pages at 2000 records from v3 on and continues with page_token', async () => {
		const limit = await api(sim, {
			path: '/crm/v3/Leads?fields=Last_Name&page=11&per_page=200',
			token,
		});
		expect(limit.status).toBe(400);
		expect(limit.json).toEqual({
			code: 'DISCRETE_PAGINATION_LIMIT_EXCEEDED',
			details: { limit: 2000 },
			message: 'You can only get the first 2000 records without using page_token param',
			status: 'error',
		});
		const tenth = await api(sim, {
			path: '/crm/v3/Leads?fields=Last_Name&page=10&per_page=200',
			token,
		});
		const info = tenth.json.info as Record<string, unknown>;
		expect(info.page).toBe(10);
		expect(info.more_records).toBe(true);
		expect(info.previous_page_token).toBeNull();
		expect(typeof info.next_page_token).toBe('string');
		expect(Date.parse(String(info.page_token_expiry)) - sim.now()).toBeGreaterThan(
			23 * 3600 * 1000,
		);
		const both = await api(sim, {
			path: `/crm/v3/Leads?fields=Last_Name&page=11&page_token=${String(info.next_page_token)}`,
			token,
		});
		expect(both.status).toBe(400);
		expect(both.json).toEqual({
			code: 'AMBIGUITY_DURING_PROCESSING',
			details: { ambiguity_due_to: [{ param_name: 'page' }, { param_name: 'page_token' }] },
			message: 'ambiguity during processing',
			status: 'error',
		});

		const newest = sim.records('us', 'Leads').reverse();
		let next = info.next_page_token;
		const seen: unknown[] = [];
		for (let guard = 0; typeof next === 'string' && guard < 10; guard += 1) {
			const page = await api(sim, {
				path: `/crm/v3/Leads?fields=Last_Name&per_page=200&page_token=${next}`,
				token,
			});
			expect(page.status).toBe(200);
			seen.push(...dataOf(page).map((record) => record.id));
			const pageInfo = page.json.info as Record<string, unknown>;
			next = pageInfo.next_page_token;
			if (next === null) expect(pageInfo.more_records).toBe(false);
		}
		expect(seen).toEqual(newest.slice(2000).map((record) => record.id));
		expect(seen).toHaveLength(500);
	});

	it('refuses per_page over 200 and answers an empty list with 204 and no body', async () => {
		const tooMany = await api(sim, { path: '/crm/v2/Leads?per_page=201', token });
		expect(tooMany.status).toBe(400);
		expect(tooMany.json.code).toBe('INVALID_DATA');
		const empty = await api(sim, { path: '/crm/v2/Deals', token });
		expect(empty.status).toBe(204);
		expect(empty.text).toBe('');
		expect((await api(sim, { path: '/crm/v2/Leads/123', token })).status).toBe(204);
	});

	it('filters with If-Modified-Since', async () => {
		// Seeded records were modified a minute apart: five are later than the sixth newest.
		const records = sim.records('us', 'Leads');
		const sixthNewest = String(records[records.length - 6]?.Modified_Time);
		const since = new Date(Date.parse(sixthNewest)).toUTCString();
		const result = await api(sim, {
			path: '/crm/v2/Leads',
			token,
			headers: { 'If-Modified-Since': since },
		});
		expect(dataOf(result).map((record) => record.id)).toEqual(
			records
				.slice(-5)
				.reverse()
				.map((record) => record.id),
		);
	});

	it('inserts, updates, upserts, searches and deletes', async () => {
		const inserted = await api(sim, {
			path: '/crm/v2/Contacts',
			method: 'POST',
			token,
			body: {
				data: [
					{ Last_Name: 'Burns', Email: 'burns@example.com' },
					{ Last_Name: 'Smith', Email: 'smith@example.com' },
				],
			},
		});
		expect(inserted.status).toBe(201);
		const results = dataOf(inserted);
		expect(results.map((entry) => [entry.code, entry.message, entry.status])).toEqual([
			['SUCCESS', 'record added', 'success'],
			['SUCCESS', 'record added', 'success'],
		]);
		const ids = results.map((entry) => String((entry.details as Record<string, unknown>).id));
		expect(ids[0]).toMatch(/^\d{19}$/);

		const updated = await api(sim, {
			path: '/crm/v2/Contacts',
			method: 'PUT',
			token,
			body: {
				data: [
					{ id: ids[0], Phone: '555' },
					{ id: '999', Phone: '1' },
				],
			},
		});
		expect(updated.status).toBe(207);
		expect(dataOf(updated)[1]).toEqual({
			code: 'INVALID_DATA',
			details: { api_name: 'id', json_path: '$.data[1].id' },
			message: 'the id given seems to be invalid',
			status: 'error',
		});

		const upserted = await api(sim, {
			path: '/crm/v2/Contacts/upsert',
			method: 'POST',
			token,
			body: {
				data: [
					{ Last_Name: 'Burns2', Email: 'BURNS@example.com' },
					{ Last_Name: 'New', Email: 'new@example.com' },
				],
			},
		});
		expect(dataOf(upserted).map((entry) => entry.action)).toEqual(['update', 'insert']);
		expect((dataOf(upserted)[0]?.details as Record<string, unknown>).id).toBe(ids[0]);

		const found = await api(sim, {
			path: '/crm/v2/Contacts/search?criteria=((Last_Name:equals:burns2)and(Phone:equals:555))',
			token,
		});
		expect(dataOf(found).map((record) => record.id)).toEqual([ids[0]]);
		expect(
			(await api(sim, { path: '/crm/v2/Contacts/search?email=nobody@example.com', token })).status,
		).toBe(204);

		const deleted = await api(sim, {
			path: `/crm/v2/Contacts?ids=${ids.join(',')}`,
			method: 'DELETE',
			token,
		});
		expect(dataOf(deleted).map((entry) => entry.message)).toEqual([
			'record deleted',
			'record deleted',
		]);
		expect(sim.records('us', 'Contacts').map((record) => record.Last_Name)).toEqual(['New']);
	});

	it('refuses more than 100 records in one insert', async () => {
		const data = Array.from({ length: 101 }, (_, i) => ({ Last_Name: `N${i}` }));
		const result = await api(sim, { path: '/crm/v2/Leads', method: 'POST', token, body: { data } });
		expect(result.status).toBe(400);
		expect(result.json.code).toBe('LIMIT_EXCEEDED');
	});

	it('round-trips an attachment byte for byte', async () => {
		const leadId = sim.records('us', 'Leads')[0]?.id ?? '';
		const bytes = Buffer.alloc(70_000);
		for (let i = 0; i < bytes.length; i += 1) bytes[i] = (i * 7 + 13) % 256;
		const form = new FormData();
		form.append('file', new Blob([bytes], { type: 'image/png' }), 'scan one.png');
		const uploaded = await answer(
			await fetch(`${sim.url()}/crm/v2/Leads/${leadId}/Attachments`, {
				method: 'POST',
				headers: { Authorization: `Zoho-oauthtoken ${token}` },
				body: form,
			}),
		);
		expect(uploaded.status).toBe(200);
		const entry = dataOf(uploaded)[0] ?? {};
		expect([entry.code, entry.message]).toEqual(['SUCCESS', 'attachment uploaded successfully']);
		const attachmentId = String((entry.details as Record<string, unknown>).id);

		const listed = await api(sim, { path: `/crm/v2/Leads/${leadId}/Attachments`, token });
		expect(dataOf(listed).map((item) => [item.id, item.File_Name, item.Size])).toEqual([
			[attachmentId, 'scan one.png', '70000'],
		]);

		const download = await fetch(
			`${sim.url()}/crm/v2/Leads/${leadId}/Attachments/${attachmentId}`,
			{
				headers: { Authorization: `Bearer ${token}` },
			},
		);
		expect(download.status).toBe(200);
		expect(download.headers.get('content-type')).toBe('image/png');
		expect(download.headers.get('content-disposition')).toBe('attachment; filename="scan one.png"');
		expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
	});
});

describe('scopes and routing', () => {
	const sim = new ZohoSimulator({ journal: false });
	beforeAll(() => sim.start());
	afterAll(() => sim.stop());

	it('checks module and operation scopes, then product prefixes', async () => {
		const { accessToken } = await setup(sim, { scopes: ['ZohoCRM.modules.leads.READ'] });
		const mismatch = {
			code: 'OAUTH_SCOPE_MISMATCH',
			details: {},
			message: 'invalid oauth scope to access this URL',
			status: 'error',
		};
		expect((await api(sim, { path: '/crm/v2/Leads', token: accessToken })).status).toBe(204);
		const write = await api(sim, {
			path: '/crm/v2/Leads',
			method: 'POST',
			token: accessToken,
			body: { data: [{ Last_Name: 'X' }] },
		});
		expect([write.status, write.json]).toEqual([401, mismatch]);
		expect((await api(sim, { path: '/crm/v2/Contacts', token: accessToken })).status).toBe(401);
		expect((await api(sim, { path: '/crm/v2/org', token: accessToken })).json).toEqual(mismatch);
		expect(
			(await api(sim, { path: '/books/v3/invoices?organization_id=1', token: accessToken })).json,
		).toEqual(mismatch);
	});

	it('wants a token, accepts Bearer, and rejects unknown paths', async () => {
		const { accessToken } = await setup(sim);
		const missing = await api(sim, { path: '/crm/v2/org' });
		expect([missing.status, missing.json.code]).toEqual([401, 'INVALID_TOKEN']);
		const bearer = await api(sim, {
			path: '/crm/v2/org',
			headers: { Authorization: `Bearer ${accessToken}` },
		});
		expect((bearer.json.org as Array<Record<string, unknown>>)[0]?.company_name).toBe(
			'Simulated Org',
		);
		const unknown = await api(sim, { path: '/crm/v9/Leads', token: accessToken });
		expect([unknown.status, unknown.json]).toEqual([
			404,
			{
				code: 'INVALID_URL_PATTERN',
				details: {},
				message: 'Please check if the URL trying to access is a correct one',
				status: 'error',
			},
		]);
	});

	it('asks Desk for the orgId header', async () => {
		const { accessToken } = await setup(sim, { scopes: ['Desk.tickets.READ'] });
		const without = await api(sim, { path: '/api/v1/tickets', token: accessToken });
		expect(without.status).toBe(400);
		expect(without.text).toContain('orgId');
		const withOrg = await api(sim, {
			path: '/api/v1/tickets',
			token: accessToken,
			headers: { orgId: '1' },
		});
		expect(dataOf(withOrg)).toHaveLength(3);
	});
});

describe('Books', () => {
	const sim = new ZohoSimulator({ journal: false });
	let token = '';
	beforeAll(async () => {
		await sim.start();
		sim.seedBooks('us', { organizationId: '10234695', collection: 'invoices', count: 450 });
		token = (await setup(sim, { scopes: ['ZohoBooks.fullaccess.all'] })).accessToken;
	});
	afterAll(() => sim.stop());

	it('pages with page_context', async () => {
		const first = await api(sim, {
			path: '/books/v3/invoices?organization_id=10234695&page=1&per_page=200',
			token,
		});
		expect(first.status).toBe(200);
		expect(first.json.code).toBe(0);
		expect(first.json.message).toBe('success');
		expect(first.json.invoices).toHaveLength(200);
		expect(first.json.page_context).toEqual({
			page: 1,
			per_page: 200,
			has_more_page: true,
			report_name: 'Invoices',
			applied_filter: 'Status.All',
			sort_column: 'created_time',
			sort_order: 'D',
		});
		const last = await api(sim, {
			path: '/books/v3/invoices?organization_id=10234695&page=3&per_page=200',
			token,
		});
		expect(last.json.invoices).toHaveLength(50);
		expect((last.json.page_context as Record<string, unknown>).has_more_page).toBe(false);
	});

	it('insists on a known organization_id', async () => {
		const missing = await api(sim, { path: '/books/v3/invoices', token });
		expect([missing.status, missing.json.code]).toEqual([400, 6041]);
		const unknown = await api(sim, { path: '/books/v3/invoices?organization_id=42', token });
		expect([unknown.status, unknown.json.code]).toEqual([400, 6024]);
		const tooMany = await api(sim, {
			path: '/books/v3/invoices?organization_id=10234695&per_page=201',
			token,
		});
		expect(tooMany.status).toBe(400);
	});

	it('creates an invoice', async () => {
		const created = await api(sim, {
			path: '/books/v3/invoices?organization_id=10234695',
			method: 'POST',
			token,
			body: { customer_id: '1', line_items: [] },
		});
		expect(created.status).toBe(201);
		expect(created.json.code).toBe(0);
		expect(created.json.message).toBe('The invoice has been created.');
		expect((created.json.invoice as Record<string, unknown>).customer_id).toBe('1');
		expect(
			sim.booksRecords('us', { organizationId: '10234695', collection: 'invoices' }),
		).toHaveLength(451);
	});
});

describe('faults and limits', () => {
	const sim = new ZohoSimulator({ journal: false });
	let creds: Awaited<ReturnType<typeof setup>>;
	beforeAll(async () => {
		await sim.start();
		creds = await setup(sim);
	});
	afterEach(() => {
		sim.clearFaults();
		sim.configure({
			apiLatencyMs: 0,
			concurrencyLimit: Infinity,
			creditBudget: Infinity,
			retryAfterSec: undefined,
		});
	});
	afterAll(() => sim.stop());

	const org = (): Promise<Answer> => api(sim, { path: '/crm/v2/org', token: creds.accessToken });

	it("'status' answers as told, the given number of times", async () => {
		sim.injectFault({
			path: '/oauth/v2/token',
			kind: 'status',
			status: 502,
			body: 'Bad Gateway',
			times: 2,
		});
		sim.injectFault({
			path: '/crm/v2/org',
			kind: 'status',
			status: 429,
			headers: { 'Retry-After': '7' },
		});
		expect((await refresh(sim, creds)).status).toBe(502);
		const second = await refresh(sim, creds);
		expect([second.status, second.text]).toEqual([502, 'Bad Gateway']);
		expect((await refresh(sim, creds)).json.access_token).toMatch(TOKEN_SHAPE);
		const limited = await org();
		expect([limited.status, limited.headers.get('retry-after'), limited.json.code]).toEqual([
			429,
			'7',
			'TOO_MANY_REQUESTS',
		]);
		expect((await org()).status).toBe(200);
	});

	it("'delay' waits, then answers normally", async () => {
		sim.injectFault({ path: '/crm/v2/org', kind: 'delay', delayMs: 300 });
		const started = Date.now();
		const result = await org();
		expect(Date.now() - started).toBeGreaterThanOrEqual(280);
		expect(result.status).toBe(200);
	});

	it('afterHandling: the request takes effect, then the fault replaces the answer (or, for a delay, it comes late)', async () => {
		sim.resetCounters();
		sim.injectFault({ path: '/oauth/v2/token', kind: 'status', status: 500, afterHandling: true });
		expect((await refresh(sim, creds)).status).toBe(500);
		expect(sim.mintsFor(creds.refreshToken)).toBe(1);
		sim.injectFault({ path: '/oauth/v2/token', kind: 'drop', afterHandling: true });
		await expect(refresh(sim, creds)).rejects.toThrow();
		expect(sim.mintsFor(creds.refreshToken)).toBe(2);
		sim.injectFault({ path: '/oauth/v2/token', kind: 'delay', delayMs: 100, afterHandling: true });
		expect((await refresh(sim, creds)).json.access_token).toMatch(TOKEN_SHAPE);
		expect(sim.mintsFor(creds.refreshToken)).toBe(3);
		expect(sim.counters().tokenRequests).toBe(3);
		expect(() =>
			sim.injectFault({
				path: '/oauth/v2/token',
				kind: 'drop',
				afterHandling: 'yes' as unknown as boolean,
			}),
		).toThrow('afterHandling must be a boolean');
	});

	it("'nonJson' sends an HTML page", async () => {
		sim.injectFault({ path: '/oauth/v2/token', kind: 'nonJson' });
		const result = await refresh(sim, creds);
		expect(result.status).toBe(200);
		expect(result.headers.get('content-type')).toContain('text/html');
		expect(result.text.startsWith('<html>')).toBe(true);
	});

	it("'truncated', 'reset' and 'drop' break the connection", async () => {
		sim.resetCounters();
		for (const kind of ['truncated', 'reset', 'drop'] as const) {
			sim.injectFault({ path: '/crm/v2/org', kind });
			await expect(org()).rejects.toThrow();
		}
		expect((await org()).status).toBe(200);
		expect(sim.counters().calls.map((call) => call.status)).toEqual([200, 200, 0, 200]);
	});

	it('matches faults by DC and method', async () => {
		sim.injectFault({ path: '/crm/', kind: 'status', status: 503, dc: 'eu' });
		sim.injectFault({ path: '/crm/', kind: 'status', status: 503, method: 'DELETE' });
		expect((await org()).status).toBe(200);
	});

	it('answers 429 beyond the concurrency limit, with Retry-After', async () => {
		sim.configure({ concurrencyLimit: 2, apiLatencyMs: 200, retryAfterSec: 3 });
		sim.resetCounters();
		const results = await Promise.all(Array.from({ length: 6 }, () => org()));
		const statuses = results.map((result) => result.status).sort();
		expect(statuses).toEqual([200, 200, 429, 429, 429, 429]);
		expect(results.find((result) => result.status === 429)?.headers.get('retry-after')).toBe('3');
		expect(sim.counters().maxInFlight).toBe(2);
	});

	it('answers 429 beyond the credit budget until the day is over', async () => {
		sim.configure({ creditBudget: 2 });
		expect((await org()).status).toBe(200);
		expect((await org()).status).toBe(200);
		expect((await org()).status).toBe(429);
		sim.advanceClock(24 * 3600 * 1000);
		creds = await setup(sim);
		expect((await org()).status).toBe(200);
	});
});

describe('counters and admin over HTTP', () => {
	const sim = new ZohoSimulator({ journal: false });
	beforeAll(() => sim.start());
	afterAll(() => sim.stop());

	const admin = async (path: string, body?: unknown): Promise<Answer> =>
		answer(
			await fetch(`${sim.url()}/__sim/${path}`, {
				method: body === undefined ? 'GET' : 'POST',
				headers: { 'Content-Type': 'application/json' },
				...(body !== undefined ? { body: JSON.stringify(body) } : {}),
			}),
		);

	it('drives the simulator through /__sim and counts exactly', async () => {
		const client = (await admin('clients', { clientId: '1000.E2E', clientSecret: 's' })).json;
		expect(client).toEqual({ clientId: '1000.E2E', clientSecret: 's' });
		const { code } = (
			await admin('grant-codes', {
				clientId: '1000.E2E',
				scopes: 'ZohoCRM.modules.ALL ZohoCRM.org.READ',
			})
		).json;
		await admin('seed/crm', { module: 'Leads', count: 3 });
		await admin('reset-counters', {});

		const login = await tokenCall(sim, {
			params: {
				grant_type: 'authorization_code',
				client_id: '1000.E2E',
				client_secret: 's',
				code: String(code),
			},
		});
		const token = String(login.json.access_token);
		const refreshToken = String(login.json.refresh_token);
		await api(sim, { path: '/crm/v2/Leads', token });
		await api(sim, { path: '/crm/v2/Leads?page=2', token });
		await api(sim, { path: '/crm/v2/org', token: 'nope' });

		const counters = (await admin('counters')).json;
		expect(counters.tokenRequests).toBe(1);
		expect(counters.tokenRequestsByOutcome).toEqual({ 'authorization_code:success': 1 });
		expect(counters.mints).toEqual({ [refreshToken]: 1 });
		expect(counters.mintsTotal).toBe(1);
		expect(counters.callsByPathStatus).toEqual({
			'POST /oauth/v2/token 200': 1,
			'GET /crm/v2/Leads 200': 1,
			'GET /crm/v2/Leads 204': 1,
			'GET /crm/v2/org 401': 1,
		});
		expect(counters.calls).toEqual([
			{ dc: 'us', method: 'POST', path: '/oauth/v2/token', status: 200 },
			{
				dc: 'us',
				method: 'GET',
				path: '/crm/v2/Leads',
				status: 200,
				authorization: `Zoho-oauthtoken ${token}`,
			},
			{
				dc: 'us',
				method: 'GET',
				path: '/crm/v2/Leads',
				status: 204,
				authorization: `Zoho-oauthtoken ${token}`,
			},
			{
				dc: 'us',
				method: 'GET',
				path: '/crm/v2/org',
				status: 401,
				authorization: 'Zoho-oauthtoken nope',
			},
		]);
		expect((counters.authorizationHeaders as unknown[]).length).toBe(3);
		expect((await admin('records/Leads')).json.data).toHaveLength(3);

		const before = sim.now();
		const clock = (await admin('clock', { advanceMs: 5000 })).json;
		expect(Number(clock.now) - before).toBeGreaterThanOrEqual(5000);
		expect((await admin('config', { concurrencyLimit: null, mintLimit: 4 })).json.mintLimit).toBe(
			4,
		);
		expect((await admin('config', { nonsense: 1 })).status).toBe(400);
	});

	it('copes with 150 parallel requests and 2000 sequential ones', async () => {
		const { accessToken } = await setup(sim);
		const parallel = await Promise.all(
			Array.from({ length: 150 }, () => api(sim, { path: '/crm/v2/org', token: accessToken })),
		);
		expect(parallel.every((result) => result.status === 200)).toBe(true);
		sim.resetCounters();
		for (let i = 0; i < 2000; i += 1) {
			const response = await fetch(`${sim.url()}/crm/v2/org`, {
				headers: { Authorization: `Zoho-oauthtoken ${accessToken}` },
			});
			await response.arrayBuffer();
		}
		expect(sim.counters().callsByPathStatus).toEqual({ 'GET /crm/v2/org 200': 2000 });
	});

	it('stops cleanly and twice', async () => {
		const extra = new ZohoSimulator({ journal: false, dataCentres: ['jp'] });
		await extra.start();
		await extra.start();
		const origin = extra.url('jp');
		extra.injectFault({ path: '/', kind: 'delay', delayMs: 60_000 });
		const pending = fetch(`${origin}/crm/v2/org`).then(
			(response) => response.status,
			() => 'closed',
		);
		await new Promise((resolve) => setTimeout(resolve, 50));
		await extra.stop();
		await extra.stop();
		expect(await pending).toBe('closed');
		await expect(fetch(`${origin}/crm/v2/org`)).rejects.toThrow();
	});
});

describe('CRM incremental reads (If-Modified-Since, sort_by, 304)', () => {
	const sim = new ZohoSimulator({ journal: false });
	let token = '';
	const base = Date.parse('2026-11-30T09:00:00Z');
	const at = (seconds: number) =>
		new Date(base + seconds * 1000).toISOString().replace('.000Z', '+00:00');
	let ids: string[] = [];
	beforeAll(async () => {
		await sim.start();
		// Modified at +0s, +5s, +5s, +5s, +9s; created a day before each.
		const seconds = [0, 5, 5, 5, 9];
		ids = sim.seedCrm('us', {
			module: 'Leads',
			count: seconds.length,
			make: (i) => ({
				Last_Name: `L${i}`,
				Modified_Time: at(seconds[i - 1] ?? 0),
				Created_Time: at((seconds[i - 1] ?? 0) - 86_400),
			}),
		});
		token = (await setup(sim, { scopes: [...CRM_SCOPES, 'ZohoBigin.modules.ALL'] })).accessToken;
	});
	afterAll(() => sim.stop());

	const since = (seconds: number) => ({ 'If-Modified-Since': at(seconds) });

	it('returns only records modified strictly after the header second, in the asked order', async () => {
		const asc = await api(sim, {
			path: '/crm/v8/Leads?fields=Last_Name,Company&sort_by=Modified_Time&sort_order=asc',
			token,
			headers: since(4),
		});
		expect(asc.status).toBe(200);
		expect(dataOf(asc).map((record) => record.id)).toEqual(ids.slice(1));
		expect(asc.json.info).toMatchObject({
			sort_by: 'Modified_Time',
			sort_order: 'asc',
			count: 4,
			more_records: false,
		});
		// The second of the header itself is not "after" it.
		const atFive = await api(sim, {
			path: '/crm/v8/Leads?fields=Last_Name,Company&sort_by=Modified_Time&sort_order=asc',
			token,
			headers: since(5),
		});
		expect(dataOf(atFive).map((record) => record.id)).toEqual([ids[4]]);
		// Fractions of a second in the header are cut, as Zoho's times have none.
		const fraction = await api(sim, {
			path: '/crm/v8/Leads?fields=Last_Name,Company&sort_by=Modified_Time&sort_order=desc',
			token,
			headers: { 'If-Modified-Since': new Date(base + 4_900).toISOString() },
		});
		expect(dataOf(fraction).map((record) => record.id)).toEqual([ids[4], ids[3], ids[2], ids[1]]);
		const byCreated = await api(sim, {
			path: '/crm/v8/Leads?fields=Last_Name,Company&sort_by=Created_Time&sort_order=desc&per_page=2',
			token,
		});
		expect(dataOf(byCreated).map((record) => record.id)).toEqual([ids[4], ids[3]]);
		const byId = await api(sim, {
			path: '/crm/v8/Leads?fields=Last_Name,Company&sort_by=id&sort_order=asc&per_page=2',
			token,
		});
		expect(dataOf(byId).map((record) => record.id)).toEqual(ids.slice(0, 2));
	});

	it('refuses an unknown sort_by or sort_order with INVALID_DATA', async () => {
		const badField = await api(sim, {
			path: '/crm/v8/Leads?fields=Last_Name,Company&sort_by=Last_Name',
			token,
		});
		expect(badField.status).toBe(400);
		expect(badField.json).toMatchObject({
			code: 'INVALID_DATA',
			details: { param_name: 'sort_by' },
		});
		const badOrder = await api(sim, {
			path: '/crm/v8/Leads?fields=Last_Name,Company&sort_by=id&sort_order=up',
			token,
		});
		expect(badOrder.status).toBe(400);
		expect(badOrder.json).toMatchObject({
			code: 'INVALID_DATA',
			details: { param_name: 'sort_order' },
		});
	});

	it('answers nothing changed with 304 (or 204 when configured), and an empty list without the header with 204', async () => {
		const notModified = await api(sim, {
			path: '/crm/v8/Leads?fields=Last_Name',
			token,
			headers: since(9),
		});
		expect(notModified.status).toBe(304);
		expect(notModified.text).toBe('');
		sim.configure({ notModifiedStatus: 204 });
		try {
			expect(
				(await api(sim, { path: '/crm/v8/Leads?fields=Last_Name', token, headers: since(9) }))
					.status,
			).toBe(204);
		} finally {
			sim.configure({ notModifiedStatus: 304 });
		}
		expect((await api(sim, { path: '/crm/v8/Deals?fields=Deal_Name', token })).status).toBe(204);
		expect(() => sim.configure({ notModifiedStatus: 200 as 304 })).toThrow(
			'notModifiedStatus must be 304 or 204',
		);
	});

	it('modifies a record at the simulator clock (in process and over HTTP) and the list sees it', async () => {
		sim.advanceClock(60_000);
		const modified = sim.touchCrm('us', {
			module: 'Leads',
			id: ids[0] ?? '',
			fields: { Last_Name: 'Changed' },
		});
		expect(modified).toBe(`${new Date(sim.now()).toISOString().slice(0, 19)}+00:00`);
		const before = sim.counters().calls.length;
		const overHttp = await fetch(`${sim.url('us')}/__sim/records/Leads/${ids[1] ?? ''}`, {
			method: 'PATCH',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ fields: { Company: 'Acme' }, at: base + 30_000 }),
		});
		expect(overHttp.status).toBe(200);
		expect(await overHttp.json()).toEqual({ id: ids[1], Modified_Time: at(30) });
		expect(sim.counters().calls.length).toBe(before);
		const list = await api(sim, {
			path: '/crm/v8/Leads?fields=Last_Name,Company&sort_by=Modified_Time&sort_order=asc',
			token,
			headers: since(9),
		});
		expect(dataOf(list).map((record) => [record.id, record.Last_Name ?? record.Company])).toEqual([
			[ids[1], 'L2'],
			[ids[0], 'Changed'],
		]);
		expect(dataOf(list)[0]?.Company).toBe('Acme');
		expect(() => sim.touchCrm('us', { module: 'Leads', id: '1' })).toThrow(
			'record 1 is not in Leads',
		);
	});

	it('keeps the filter and the order across page_token past 2,000 records (Bigin lists filter too)', async () => {
		const many = sim.seedCrm('us', {
			module: 'Contacts',
			count: 2300,
			make: (i) => ({ Last_Name: `C${i}`, Modified_Time: at(100 + (i % 7)) }),
		});
		const expected = [...many]
			.map((id, i) => ({ id, second: 100 + ((i + 1) % 7) }))
			.sort((a, b) => a.second - b.second)
			.map((entry) => entry.id);
		const seen: unknown[] = [];
		for (let page = 1; page <= 10; page += 1) {
			const result = await api(sim, {
				path: `/crm/v8/Contacts?fields=Last_Name&sort_by=Modified_Time&sort_order=asc&page=${page}`,
				token,
				headers: since(99),
			});
			seen.push(...dataOf(result).map((record) => record.id));
			if (page === 10) {
				let next = (result.json.info as Record<string, unknown>).next_page_token;
				for (let guard = 0; typeof next === 'string' && guard < 5; guard += 1) {
					const more = await api(sim, {
						path: `/crm/v8/Contacts?fields=Last_Name&sort_by=Modified_Time&sort_order=asc&page_token=${next}`,
						token,
						headers: since(99),
					});
					seen.push(...dataOf(more).map((record) => record.id));
					next = (more.json.info as Record<string, unknown>).next_page_token;
				}
			}
		}
		expect(seen).toEqual(expected);
		sim.seedCrm('us', {
			module: 'Pipelines',
			product: 'bigin',
			count: 3,
			make: (i) => ({ Deal_Name: `D${i}`, Modified_Time: at(i) }),
		});
		const bigin = await api(sim, {
			path: '/bigin/v2/Pipelines?fields=Deal_Name&pipeline_id=1&sort_by=Modified_Time&sort_order=asc',
			token,
			headers: since(1),
		});
		expect(dataOf(bigin).map((record) => record.Deal_Name)).toEqual(['D2', 'D3']);
	});
});
