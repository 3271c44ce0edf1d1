// API Request, run as real workflows against the simulator over HTTP.
import type { IBinaryData } from 'n8n-workflow';

import attachmentRoundtrip from './fixtures/attachment-roundtrip.workflow.json';
import booksInvoices from './fixtures/books-invoices.workflow.json';
import tokenThenLeads from './fixtures/token-then-leads.workflow.json';
import { ALL_SCOPES, callCount, jsonOf, startKit, zohoWorkflow, type NodeKit } from './kit';

const ORG = '10234695';
let kit: NodeKit;

beforeAll(async () => {
	kit = await startKit({ scopes: [...ALL_SCOPES, 'ZohoBigin.modules.ALL'] });
	kit.sim.seedCrm('us', { module: 'Leads', count: 10_000 });
	kit.sim.seedCrm('us', { module: 'Contacts', count: 3 });
	kit.sim.seedBooks('us', { organizationId: ORG, collection: 'invoices', count: 450 });
});
afterAll(() => kit.close());
beforeEach(() => {
	kit.sim.clearFaults();
	kit.sim.resetCounters();
});

const get = (path: string, extra: Record<string, unknown> = {}) =>
	zohoWorkflow({ operation: 'apiRequest', method: 'GET', path, ...extra });
/** CRM lists from v3 on need `fields` (Zoho: REQUIRED_PARAM_MISSING without it). */
const FIELDS = { name: 'fields', value: 'Last_Name,Email' };
const withFields = { sendQuery: true, queryParameters: { parameters: [FIELDS] } };

describe('API Request', () => {
	it('Return All walks 10,000 CRM Leads, switching from page to page_token after 2,000, one item per record', async () => {
		const result = await kit.run({ workflow: tokenThenLeads });
		expect(result.error).toBeUndefined();
		const leads = jsonOf(result, 'List Leads');
		expect(leads).toHaveLength(10_000);
		expect(new Set(leads.map((lead) => lead.id)).size).toBe(10_000);
		expect(leads[0]).toEqual(
			expect.objectContaining({ Last_Name: expect.any(String), Email: expect.any(String) }),
		);
		// 50 pages of 200; Get Token and the page walk share one minted token.
		expect(callCount(kit.sim, 'GET /crm/v8/Leads 200')).toBe(50);
		expect(kit.sim.mintsFor(kit.refreshToken)).toBeLessThanOrEqual(1);
		const pairedItems = (result.outputs['List Leads']?.[0] ?? []).map((item) => item.pairedItem);
		expect(
			pairedItems.every((paired) => JSON.stringify(paired) === JSON.stringify({ item: 0 })),
		).toBe(true);
	});

	it('Limit stops the page walk at that many records', async () => {
		const result = await kit.run({
			workflow: get('/Leads', { ...withFields, options: { limit: 450, splitIntoItems: true } }),
		});
		expect(jsonOf(result)).toHaveLength(450);
		expect(callCount(kit.sim, 'GET /crm/v8/Leads 200')).toBe(3);
	});

	it('Return All without Split Into Items gives one item holding every record', async () => {
		const result = await kit.run({
			workflow: get('/Contacts', { ...withFields, options: { returnAll: true } }),
		});
		const out = jsonOf(result);
		expect(out).toHaveLength(1);
		expect((out[0]?.data as unknown[]).length).toBe(kit.sim.records('us', 'Contacts').length);
	});

	it('pages Books invoices with page_context and sends organization_id', async () => {
		const result = await kit.run({
			workflow: booksInvoices,
			inputItems: [{ json: { organizationId: ORG } }],
		});
		expect(result.error).toBeUndefined();
		const invoices = jsonOf(result, 'Invoices');
		expect(invoices).toHaveLength(450);
		expect(invoices[0]).toEqual(expect.objectContaining({ invoice_id: expect.any(String) }));
		expect(callCount(kit.sim, 'GET /books/v3/invoices 200')).toBe(3);
	});

	it('refuses a Books call without an Organization ID before sending anything', async () => {
		const workflow = zohoWorkflow({
			operation: 'apiRequest',
			service: 'books',
			organizationId: '={{ $json.org }}',
			path: '/invoices',
		});
		const result = await kit.run({ workflow, inputItems: [{ json: {} }] });
		expect(result.error?.constructor.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe(
			'Books needs an Organization ID (sent as the organization_id query parameter).',
		);
		expect(kit.sim.counters().calls).toHaveLength(0);
	});

	it('answers an empty list (HTTP 204) with one empty item, or no items when splitting', async () => {
		const plain = await kit.run({ workflow: get('/Deals', withFields) });
		expect(jsonOf(plain)).toEqual([{}]);
		const split = await kit.run({
			workflow: get('/Deals', {
				...withFields,
				options: { splitIntoItems: true, returnAll: true },
			}),
		});
		expect(jsonOf(split)).toEqual([]);
		expect(callCount(kit.sim, 'GET /crm/v8/Deals 204')).toBe(2);
	});

	it('sends query parameters and headers given as fields or as JSON', async () => {
		const fields = await kit.run({
			workflow: get('/Leads', {
				sendQuery: true,
				queryParameters: {
					parameters: [FIELDS, { name: 'per_page', value: '2' }, { name: 'page', value: '3' }],
				},
			}),
		});
		const page = jsonOf(fields)[0] as { data: unknown[]; info: { page: number; per_page: number } };
		expect([page.data.length, page.info.page, page.info.per_page]).toEqual([2, 3, 2]);

		const json = await kit.run({
			workflow: get('/Leads', {
				sendQuery: true,
				specifyQuery: 'json',
				jsonQuery: '{ "per_page": 1, "fields": "Last_Name" }',
				options: { fullResponse: true },
			}),
		});
		const full = jsonOf(json)[0] as {
			statusCode: number;
			headers: Record<string, string>;
			body: { data: unknown[] };
		};
		expect(full.statusCode).toBe(200);
		expect(full.headers['content-type']).toContain('application/json');
		expect(full.body.data).toHaveLength(1);
	});

	it('inserts with a JSON body and reads the answer as text', async () => {
		const inserted = await kit.run({
			workflow: zohoWorkflow({
				operation: 'apiRequest',
				method: 'POST',
				path: '/Contacts',
				sendBody: true,
				bodyContentType: 'json',
				jsonBody:
					'={{ JSON.stringify({ data: [{ Last_Name: $json.name, Email: $json.email }] }) }}',
			}),
			inputItems: [{ json: { name: 'Lovelace', email: 'ada@example.com' } }],
		});
		expect(inserted.error).toBeUndefined();
		const answer = jsonOf(inserted)[0] as { data: Array<{ code: string }> };
		expect(answer.data[0]?.code).toBe('SUCCESS');
		expect(
			kit.sim
				.records('us', 'Contacts')
				.some((c) => c.Last_Name === 'Lovelace' && c.Email === 'ada@example.com'),
		).toBe(true);

		const text = await kit.run({ workflow: get('/org', { responseFormat: 'text' }) });
		const data = jsonOf(text)[0]?.data;
		expect(typeof data).toBe('string');
		expect(JSON.parse(String(data))).toHaveProperty('org');
	});

	it('sends form-urlencoded and raw bodies (Books takes JSONString as a form field, or raw JSON)', async () => {
		const post = (body: Record<string, unknown>) =>
			zohoWorkflow({
				operation: 'apiRequest',
				method: 'POST',
				service: 'books',
				organizationId: ORG,
				path: '/invoices',
				sendBody: true,
				...body,
			});
		const before = kit.sim.booksRecords('us', {
			organizationId: ORG,
			collection: 'invoices',
		}).length;

		const form = await kit.run({
			workflow: post({
				bodyContentType: 'form',
				formParameters: {
					parameters: [{ name: 'JSONString', value: '{"customer_id":"form-1","line_items":[]}' }],
				},
			}),
		});
		expect(form.error).toBeUndefined();
		expect(jsonOf(form)[0]).toEqual(
			expect.objectContaining({ code: 0, message: 'The invoice has been created.' }),
		);

		const raw = await kit.run({
			workflow: post({
				bodyContentType: 'raw',
				rawBody: '{"customer_id":"raw-1","line_items":[]}',
				rawContentType: 'application/json',
			}),
		});
		expect(raw.error).toBeUndefined();
		expect((jsonOf(raw)[0]?.invoice as { customer_id?: string }).customer_id).toBe('raw-1');

		const invoices = kit.sim.booksRecords('us', { organizationId: ORG, collection: 'invoices' });
		expect(invoices).toHaveLength(before + 2);
		expect(invoices.slice(-2).map((invoice) => invoice.customer_id)).toEqual(['form-1', 'raw-1']);
		expect(callCount(kit.sim, 'POST /books/v3/invoices 201')).toBe(2);
	});

	it('accepts a full URL on the data centre, and a CRM path that already names the version', async () => {
		const contacts = kit.sim.records('us', 'Contacts').length;
		const full = await kit.run({ workflow: get(`${kit.sim.url('us')}/crm/v2/Contacts`) });
		expect((jsonOf(full)[0]?.data as unknown[]).length).toBe(contacts);
		const based = await kit.run({ workflow: get('/crm/v3/Contacts', withFields) });
		expect((jsonOf(based)[0]?.data as unknown[]).length).toBe(contacts);
		expect([
			callCount(kit.sim, 'GET /crm/v2/Contacts 200'),
			callCount(kit.sim, 'GET /crm/v3/Contacts 200'),
		]).toEqual([1, 1]);
	});

	it('uploads input binary data as multipart and downloads it back byte for byte', async () => {
		const leadId = kit.sim.records('us', 'Leads')[0]?.id;
		const bytes = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 31 + 7) % 256));
		const scan: IBinaryData = {
			data: bytes.toString('base64'),
			mimeType: 'application/pdf',
			fileName: 'contract.pdf',
			fileExtension: 'pdf',
		};
		const result = await kit.run({
			workflow: attachmentRoundtrip,
			inputItems: [{ json: { leadId }, binary: { scan } }],
		});
		expect(result.error).toBeUndefined();
		const downloaded = result.outputs.Download?.[0]?.[0]?.binary?.downloaded;
		expect(downloaded?.fileName).toBe('contract.pdf');
		expect(downloaded?.mimeType).toBe('application/pdf');
		expect(Buffer.from(downloaded?.data ?? '', 'base64').equals(bytes)).toBe(true);
	});

	it('runs items concurrently up to Max Concurrent Requests and keeps their order', async () => {
		kit.sim.configure({ apiLatencyMs: 40 });
		try {
			const workflow = get('=/Leads/{{ $json.id }}', { options: { maxConcurrency: 3 } });
			const ids = kit.sim
				.records('us', 'Leads')
				.slice(0, 12)
				.map((lead) => lead.id);
			const result = await kit.run({ workflow, inputItems: ids.map((id) => ({ json: { id } })) });
			const out = result.outputs.Zoho?.[0] ?? [];
			expect(out.map((item) => (item.json.data as Array<{ id: string }>)[0]?.id)).toEqual(ids);
			expect(out.map((item) => item.pairedItem)).toEqual(ids.map((_, i) => ({ item: i })));
			expect(kit.sim.counters().maxInFlight).toBe(3);
		} finally {
			kit.sim.configure({ apiLatencyMs: 0 });
		}
	});

	it('gives up after the Timeout with a clear error', async () => {
		kit.sim.injectFault({ path: '/crm/v8/org', kind: 'delay', delayMs: 3_000, times: 10 });
		const result = await kit.run({ workflow: get('/org', { options: { timeout: 100 } }) });
		expect(result.error?.constructor.name).toBe('NodeApiError');
		expect(result.error?.message).toMatch(
			/^Zoho did not answer within 100 ms \(http:\/\/127\.0\.0\.1:\d+\/crm\/v8\/org\)\.$/,
		);
	});

	it.each([
		[
			'a CRM list without fields',
			get('/Leads'),
			/^Zoho answered HTTP 400 REQUIRED_PARAM_MISSING for GET http:\/\/127\.0\.0\.1:\d+\/crm\/v8\/Leads: required param is missing \(fields\)\.$/,
			'turn on Send Query Parameters and add fields with the API names of up to 50 fields, comma-separated',
		],
		[
			'a CRM list with 51 fields',
			get('/Leads', {
				sendQuery: true,
				queryParameters: {
					parameters: [
						{ name: 'fields', value: Array.from({ length: 51 }, (_, i) => `F${i}`).join(',') },
					],
				},
			}),
			/LIMIT_EXCEEDED .*: limit exceeded \(fields\)\.$/,
			'Zoho takes at most 50 field API names in fields',
		],
		[
			'a Bigin Pipelines list without pipeline_id',
			get('/Pipelines', { service: 'bigin', ...withFields }),
			/REQUIRED_PARAM_MISSING .*\(pipeline_id\)\.$/,
			'add the query parameter pipeline_id',
		],
	])(
		"%s fails with Zoho's code and says which query parameter to fix and how",
		async (_label, workflow, message, hint) => {
			const result = await kit.sim.deliberately('a list Zoho refuses, for its error', () =>
				kit.run({ workflow }),
			);
			expect(result.error?.constructor.name).toBe('NodeApiError');
			expect(result.error?.message).toMatch(message);
			expect((result.error as { description?: string }).description).toContain(hint);
		},
	);

	it("Return All past Zoho's page-token window fails saying how many records were read", async () => {
		// The simulator's window is 2,400 here (Zoho's is 100,000): the package meets Zoho's refusal.
		kit.sim.configure({ pageTokenRecordLimit: 2_400 });
		try {
			const result = await kit.sim.deliberately(
				"the simulator's window is smaller than Zoho's",
				() => kit.run({ workflow: get('/Leads', { ...withFields, options: { returnAll: true } }) }),
			);
			expect(result.error?.constructor.name).toBe('NodeApiError');
			expect(result.error?.message).toBe(
				"This list has more records than Zoho's page tokens reach: 2400 were read, and Zoho lists no further (PAGINATION_LIMIT_EXCEEDED).",
			);
			expect((result.error as { description?: string }).description).toContain(
				'set Limit to 2400 or less',
			);
			expect(callCount(kit.sim, 'GET /crm/v8/Leads 400')).toBe(1);
		} finally {
			kit.sim.configure({ pageTokenRecordLimit: 100_000 });
		}
	});
});
