/**
 * This package inside a real n8n, for each major: installed from its `npm pack`
 * tarball the way n8n's community installer lays it out, every example of
 * examples/ executed headless against the Zoho simulator, and a webhook
 * workflow called 20 times through one `n8n start`.
 *
 *   bash n8n-host/install.sh all
 *   npm run test:e2e                      (N8N_E2E_MAJORS=2 or 1 for one major)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	activateWorkflow,
	CREDENTIAL_TYPE,
	EXAMPLE_IDS,
	type ExecuteResult,
	executeWorkflow,
	importCredentials,
	importWorkflows,
	LEADS_NODE,
	loadErrors,
	login,
	type N8nMajor,
	type N8nRun,
	n8nVersion,
	NODE_TYPE,
	nodeOutput,
	packPackage,
	prepareInstance,
	type RunningN8n,
	setupOwner,
	simulatorCredential,
	startN8n,
	summarizeSync,
	UPSERT_NODE,
	type UserFolder,
	type Workflow,
} from '../n8n-driver';
import { type DemoSimulator, startDemoSimulator } from '../simulator/demo';

const majors: N8nMajor[] = (process.env.N8N_E2E_MAJORS ?? '1,2')
	.split(',')
	.map((major) => Number(major.trim()) as N8nMajor);

const WEBHOOK_CALLS = 20;
const TRIGGER_TYPE = 'n8n-nodes-zoho-oauth.zohoOAuthTrigger';
const WEBHOOK_PATH = 'zoho-e2e-leads';
const WEBHOOK_WORKFLOW_ID = 'zohoE2eWebhook';
const WEBHOOK_CREDENTIAL_ID = 'zohoE2eWebhookCred';
/** The webhook workflow's own refresh token, so its mints are counted apart from the examples'. */
const WEBHOOK_REFRESH_TOKEN = '1000.e2e.webhook.refreshtoken';

/** Webhook → Zoho OAuth Request (one Lead) → the webhook's answer. */
function webhookWorkflow(): Workflow {
	const credentials = {
		zohoSelfClientApi: { id: WEBHOOK_CREDENTIAL_ID, name: 'Zoho (webhook e2e)' },
	};
	return {
		id: WEBHOOK_WORKFLOW_ID,
		name: 'e2e: webhook reads one Lead',
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		nodes: [
			{
				id: '7d1e0a52-0000-4000-8000-000000000e01',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '7d1e0a52-0000-4000-8000-0000000000ff',
				parameters: {
					path: WEBHOOK_PATH,
					httpMethod: 'GET',
					responseMode: 'lastNode',
					options: {},
				},
			},
			{
				id: '7d1e0a52-0000-4000-8000-000000000e02',
				name: 'One Lead',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					operation: 'apiRequest',
					method: 'GET',
					service: 'crm',
					path: '/Leads',
					sendQuery: true,
					queryParameters: {
						parameters: [
							{ name: 'fields', value: 'Last_Name,Email' },
							{ name: 'per_page', value: '1' },
						],
					},
					options: {},
				},
				credentials,
			},
		],
		connections: { Webhook: { main: [[{ node: 'One Lead', type: 'main', index: 0 }]] } },
	};
}

function logExecution(major: N8nMajor, what: string, result: ExecuteResult): void {
	const crash = result.crashedAtExit
		? ` (then crashed with ${String(result.signal)} while exiting)`
		: '';
	console.log(
		`n8n ${major}.x: ${what} took ${result.durationMs} ms, exit ${String(result.code)}${crash}`,
	);
	if (!result.succeeded) console.log(result.stdout.slice(-4000), result.stderr.slice(-4000));
}

function runError(run: N8nRun | undefined): unknown {
	return run?.data?.resultData?.error;
}

let tarball: string;

beforeAll(async () => {
	tarball = await packPackage();
}, 300_000);

afterAll(() => {
	if (tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
});

describe.each(majors)('n8n-nodes-zoho-oauth in n8n %i.x', (major) => {
	let demo: DemoSimulator;
	let userFolder: UserFolder;
	/** Everything every n8n command printed, searched for load errors. */
	let cliOutput = '';
	/**
	 * Set once n8n has saved an access token into the examples' credential (by our
	 * preAuthentication, in example (c)). From then on every new n8n process
	 * reuses that token: no example mints again while it is valid.
	 */
	let tokenSavedInCredential = false;
	const expectedMints = (): number => (tokenSavedInCredential ? 0 : 1);

	const execute = async (id: string): Promise<ExecuteResult> => {
		demo.sim.resetCounters();
		const result = await executeWorkflow({ major, userFolder, id, timeoutMs: 240_000 });
		cliOutput += result.stdout + result.stderr;
		logExecution(major, `execute ${id}`, result);
		return result;
	};

	beforeAll(async () => {
		console.log(`n8n ${major}.x is ${n8nVersion(major)}`);
		demo = await startDemoSimulator({ port: 0 });
		const started = Date.now();
		const prepared = await prepareInstance({ major, tarball, demo });
		userFolder = prepared.userFolder;
		// The webhook workflow has its own credential and refresh token (see WEBHOOK_REFRESH_TOKEN).
		demo.sim.createRefreshToken(demo.dc, {
			clientId: demo.clientId,
			scopes: demo.scopes,
			token: WEBHOOK_REFRESH_TOKEN,
		});
		await importCredentials({
			major,
			userFolder,
			credentials: [
				simulatorCredential(demo, {
					id: WEBHOOK_CREDENTIAL_ID,
					name: 'Zoho (webhook e2e)',
					refreshToken: WEBHOOK_REFRESH_TOKEN,
				}),
			],
		});
		await importWorkflows({ major, userFolder, workflows: [webhookWorkflow()] });
		await activateWorkflow({ major, userFolder, id: WEBHOOK_WORKFLOW_ID });
		console.log(
			`n8n ${major}.x: package installed, credentials and ${prepared.examples.length + 1} workflows imported in ${Date.now() - started} ms`,
		);
	}, 600_000);

	afterAll(async () => {
		userFolder?.cleanup();
		await demo?.sim.stop();
	});

	test('the example files are importable workflows that start with a Manual Trigger', () => {
		const ids = Object.values(EXAMPLE_IDS) as string[];
		const examples = fs
			.readdirSync(path.join(__dirname, '..', 'examples'))
			.filter((file) => file.endsWith('.json'));
		expect(examples).toHaveLength(ids.length);
		for (const file of examples) {
			const workflow = JSON.parse(
				fs.readFileSync(path.join(__dirname, '..', 'examples', file), 'utf8'),
			) as Workflow;
			expect(ids).toContain(workflow.id);
			expect(workflow.id.length).toBeLessThanOrEqual(21);
			expect(workflow.nodes?.[0]?.type).toBe('n8n-nodes-base.manualTrigger');
		}
	});

	test('(a) Get Access Token → Leads since If-Modified-Since, all pages, split → upserts, 100 per call', async () => {
		const contactsBefore = demo.sim.records(demo.dc, 'Contacts').length;
		const result = await execute(EXAMPLE_IDS.leadsToContacts);
		expect(runError(result.run)).toBeUndefined();
		expect(result.succeeded).toBe(true);

		const [token] = nodeOutput(result.run, 'Get Access Token');
		expect(token).toMatchObject({ token_type: 'Bearer', api_domain: demo.accountsUrl });
		expect(typeof token?.access_token).toBe('string');
		expect(Number(token?.expires_in_s)).toBeGreaterThan(3000);
		expect(Number.isNaN(Date.parse(String(token?.expires_at)))).toBe(false);

		// Seeded Leads were modified one minute apart, the last one at seeding time.
		const leads = nodeOutput(result.run, LEADS_NODE);
		expect(leads.length).toBeGreaterThanOrEqual(100);
		expect(leads.length).toBeLessThanOrEqual(120);
		const cutoff = Date.now() - 2 * 3600_000 - 300_000;
		for (const lead of leads) {
			expect(lead.Email).toMatch(/^lead\d+@example\.com$/);
			expect(Date.parse(String(lead.Modified_Time))).toBeGreaterThan(cutoff);
		}

		// One output item per Lead, 100 Leads per upsert call.
		expect(nodeOutput(result.run, UPSERT_NODE)).toHaveLength(leads.length);
		const summary = summarizeSync(result.run);
		expect(summary).toEqual({
			recordsRead: leads.length,
			recordsWritten: leads.length,
			inserted: leads.length,
			updated: 0,
			failed: 0,
		});
		const contacts = demo.sim.records(demo.dc, 'Contacts');
		expect(contacts).toHaveLength(contactsBefore + leads.length);
		const emails = new Set(contacts.map((contact) => contact.Email));
		for (const lead of leads) expect(emails.has(lead.Email)).toBe(true);

		const counters = demo.sim.counters();
		expect(counters.mintsTotal).toBe(expectedMints());
		expect(counters.callsByPathStatus).toEqual({
			...(expectedMints() ? { 'POST /oauth/v2/token 200': 1 } : {}),
			'GET /crm/v8/Leads 200': 1,
			'POST /crm/v8/Contacts/upsert 200': Math.ceil(leads.length / 100),
		});
		// The list costs 1; writes 1 per 10 records (100-record batches: ceil(n / 10) in all).
		expect(counters.credits[demo.dc]).toBe(1 + Math.ceil(leads.length / 10));
		// Every API call carried the token Get Access Token returned.
		const apiHeaders = counters.authorizationHeaders.filter((record) =>
			record.path.startsWith('/crm/'),
		);
		expect(new Set(apiHeaders.map((record) => record.value))).toEqual(
			new Set([`Zoho-oauthtoken ${String(token?.access_token)}`]),
		);
	});

	test('(a) again: the same Leads are now updates, not duplicates', async () => {
		const contactsBefore = demo.sim.records(demo.dc, 'Contacts').length;
		const result = await execute(EXAMPLE_IDS.leadsToContacts);
		expect(result.succeeded).toBe(true);
		const summary = summarizeSync(result.run);
		expect(summary.recordsRead).toBeGreaterThanOrEqual(100);
		// A Lead modified exactly at the window's edge may drop out between runs; none is new.
		expect(summary).toMatchObject({ recordsWritten: summary.recordsRead, inserted: 0, failed: 0 });
		expect(demo.sim.records(demo.dc, 'Contacts')).toHaveLength(contactsBefore);
		expect(demo.sim.counters().mintsTotal).toBe(expectedMints());
	});

	test("(b) Get Access Token → n8n's HTTP Request node with a Zoho-oauthtoken header", async () => {
		const result = await execute(EXAMPLE_IDS.tokenToHttpRequest);
		expect(runError(result.run)).toBeUndefined();
		expect(result.succeeded).toBe(true);
		const [token] = nodeOutput(result.run, 'Get Access Token');
		const [response] = nodeOutput(result.run, 'HTTP Request');
		const data = response?.data as Array<Record<string, unknown>> | undefined;
		expect(data).toHaveLength(10);
		expect(data?.[0]?.Email).toMatch(/^lead\d+@example\.com$/);
		expect(response?.info).toMatchObject({ per_page: 10, more_records: true });

		const counters = demo.sim.counters();
		expect(counters.mintsTotal).toBe(expectedMints());
		expect(
			counters.authorizationHeaders.filter((record) => record.path === '/crm/v8/Leads'),
		).toEqual([
			expect.objectContaining({ value: `Zoho-oauthtoken ${String(token?.access_token)}` }),
		]);
	});

	test("(c) n8n's HTTP Request node with our credential as a predefined credential type", async () => {
		const contacts = demo.sim.records(demo.dc, 'Contacts').length;
		const first = await execute(EXAMPLE_IDS.httpRequestCredential);
		expect(runError(first.run)).toBeUndefined();
		expect(first.succeeded).toBe(true);
		const [response] = nodeOutput(first.run, 'HTTP Request');
		expect(response?.data).toHaveLength(Math.min(contacts, 200));
		let counters = demo.sim.counters();
		// n8n ran preAuthentication (the saved access token was empty) and sent our header.
		expect(counters.mintsTotal).toBe(1);
		const sent = counters.authorizationHeaders.filter(
			(record) => record.path === '/crm/v8/Contacts',
		);
		expect(sent).toHaveLength(1);
		expect(sent[0]?.value).toMatch(/^Zoho-oauthtoken \S+$/);
		tokenSavedInCredential = true;

		// n8n saved the token into the credential: a new process reuses it without minting.
		const second = await execute(EXAMPLE_IDS.httpRequestCredential);
		expect(second.succeeded).toBe(true);
		counters = demo.sim.counters();
		expect(counters.mintsTotal).toBe(0);
		expect(
			counters.authorizationHeaders
				.filter((record) => record.path === '/crm/v8/Contacts')
				.map((record) => record.value),
		).toEqual([sent[0]?.value]);
	});

	test('(d) Books: every invoice of the organisation, one item each', async () => {
		const result = await execute(EXAMPLE_IDS.booksInvoices);
		expect(runError(result.run)).toBeUndefined();
		expect(result.succeeded).toBe(true);
		const invoices = nodeOutput(result.run, 'List Invoices');
		const expected = demo.sim.booksRecords(demo.dc, {
			organizationId: demo.organizationId,
			collection: 'invoices',
		});
		expect(invoices).toHaveLength(450);
		expect(new Set(invoices.map((invoice) => invoice.invoice_id))).toEqual(
			new Set(expected.map((invoice) => invoice.invoice_id)),
		);
		const counters = demo.sim.counters();
		expect(counters.mintsTotal).toBe(expectedMints());
		// 450 invoices at Books' 200 per page.
		expect(counters.callsByPathStatus['GET /books/v3/invoices 200']).toBe(3);
	});

	describe('n8n start', () => {
		let n8n: RunningN8n | undefined;

		beforeAll(async () => {
			demo.sim.resetCounters();
			n8n = await startN8n({ major, userFolder, readyTimeoutMs: 120_000 });
			console.log(`n8n ${major}.x: start ready after ${n8n.readyMs} ms`);
		}, 180_000);

		afterAll(async () => {
			await n8n?.stop();
		});

		test('lists our node and credential types and logs no load error', async () => {
			if (!n8n) throw new Error('n8n did not start');
			const session = await setupOwner(n8n.baseUrl);
			const nodes = (await session.get('/types/nodes.json')) as Array<{
				name: string;
				version: number | number[];
			}>;
			const credentials = (await session.get('/types/credentials.json')) as Array<{
				name: string;
				displayName: string;
			}>;
			expect(nodes.filter((node) => node.name === NODE_TYPE)).toEqual([
				expect.objectContaining({ name: NODE_TYPE, version: 1 }),
			]);
			expect(credentials.filter((credential) => credential.name === CREDENTIAL_TYPE)).toEqual([
				expect.objectContaining({ displayName: 'Zoho Self Client API' }),
			]);
			expect(loadErrors(n8n.output())).toEqual([]);
			expect(loadErrors(cliOutput)).toEqual([]);
		});

		test(`a webhook workflow called ${WEBHOOK_CALLS} times runs ${WEBHOOK_CALLS} executions on 1 token`, async () => {
			if (!n8n) throw new Error('n8n did not start');
			const answers: Array<{ status: number; body: unknown }> = [];
			for (let call = 0; call < WEBHOOK_CALLS; call++) {
				const response = await fetch(`${n8n.baseUrl}/webhook/${WEBHOOK_PATH}`, {
					signal: AbortSignal.timeout(30_000),
				});
				answers.push({ status: response.status, body: (await response.json()) as unknown });
			}
			expect(answers.map((answer) => answer.status)).toEqual(Array(WEBHOOK_CALLS).fill(200));
			for (const answer of answers) {
				const body = answer.body as { data?: Array<Record<string, unknown>> };
				expect(body.data).toHaveLength(1);
				expect(body.data?.[0]?.Email).toMatch(/^lead\d+@example\.com$/);
			}

			const counters = demo.sim.counters();
			expect(counters.callsByPathStatus['GET /crm/v8/Leads 200']).toBe(WEBHOOK_CALLS);
			expect(counters.mints).toEqual({ [WEBHOOK_REFRESH_TOKEN]: 1 });
			expect(counters.mintsTotal).toBe(1);

			// n8n saved every execution; saving may trail the webhook's answer a little.
			const session = await setupOwnerOrLogin(n8n.baseUrl);
			const deadline = Date.now() + 30_000;
			let finished: Array<{ status?: string; finished?: boolean }> = [];
			while (Date.now() < deadline) {
				finished = (await listExecutions(session.get, WEBHOOK_WORKFLOW_ID)).filter(
					(execution) => execution.status === 'success' || execution.finished === true,
				);
				if (finished.length >= WEBHOOK_CALLS) break;
				await new Promise((resolve) => setTimeout(resolve, 500));
			}
			expect(finished).toHaveLength(WEBHOOK_CALLS);
		});
	});

	describe('n8n start with the Zoho OAuth Trigger active', () => {
		let n8n: RunningN8n | undefined;
		/** Leads the trigger must emit: changed since its Start From, one hour back. */
		let expected: string[] = [];
		let startedSecond = 0;

		beforeAll(async () => {
			const example = JSON.parse(
				fs.readFileSync(
					path.join(__dirname, '..', 'examples', 'triggers', 'crm-new-or-changed-leads.json'),
					'utf8',
				),
			) as Workflow;
			const startFrom = demo.sim.now() - 3_600_000;
			const firstSecond = Math.floor(startFrom / 1000) * 1000;
			expected = demo.sim
				.records(demo.dc, 'Leads')
				.filter((lead) => Date.parse(String(lead.Modified_Time)) >= firstSecond)
				.map((lead) => lead.id);
			// The trigger with its default Fields (empty): it reads the module's fields itself.
			const nodes = (example.nodes ?? []).map((node) => {
				if (node.type !== TRIGGER_TYPE) return node;
				const parameters = { ...(node.parameters as Record<string, unknown>) };
				delete parameters.fields;
				return {
					...node,
					parameters: { ...parameters, options: { startFrom: new Date(startFrom).toISOString() } },
				};
			});
			await importWorkflows({ major, userFolder, workflows: [{ ...example, nodes }] });
			await activateWorkflow({ major, userFolder, id: example.id });
			demo.sim.resetCounters();
			startedSecond = Math.floor(demo.sim.now() / 1000) * 1000;
			// Activation runs the first poll at once: from Start From, so it has Leads to emit.
			n8n = await startN8n({ major, userFolder, readyTimeoutMs: 120_000 });
		}, 240_000);

		afterAll(async () => {
			await n8n?.stop();
		});

		/** Contacts records sent to upsert since the counters were reset (whatever the batch size). */
		const upsertedContacts = (): number =>
			demo.sim
				.counters()
				.writes.filter((write) => write.path === '/crm/v8/Contacts/upsert')
				.reduce((sum, write) => sum + write.records, 0);

		test('lists the trigger, and its activation poll emits each Lead changed since Start From once → upserted, 100 per call', async () => {
			if (!n8n) throw new Error('n8n did not start');
			const session = await setupOwnerOrLogin(n8n.baseUrl);
			const nodes = (await session.get('/types/nodes.json')) as Array<{
				name: string;
				polling?: boolean;
			}>;
			expect(nodes.filter((node) => node.name === TRIGGER_TYPE)).toEqual([
				expect.objectContaining({ name: TRIGGER_TYPE, polling: true }),
			]);
			expect(expected.length).toBeGreaterThan(50);

			const deadline = Date.now() + 120_000;
			while (Date.now() < deadline && upsertedContacts() < expected.length)
				await new Promise((resolve) => setTimeout(resolve, 500));
			expect(upsertedContacts()).toBe(expected.length);
			const counters = demo.sim.counters();
			expect(counters.callsByPathStatus['POST /crm/v8/Contacts/upsert 200']).toBe(
				Math.ceil(expected.length / 100),
			);
			// One list call per poll; the activation poll, and at most one scheduled tick since.
			expect(counters.callsByPathStatus['GET /crm/v8/Leads 200']).toBeGreaterThanOrEqual(1);
			expect(counters.callsByPathStatus['GET /crm/v8/Leads 200']).toBeLessThanOrEqual(3);
			expect(counters.mintsTotal).toBeLessThanOrEqual(1);
			// Fields empty: Leads' fields read once from settings/fields, kept for the next polls.
			expect(counters.callsByPathStatus['GET /crm/v8/settings/fields 200']).toBe(1);
			// Written by this n8n run (example (a) upserted the same Leads earlier, with the same Description).
			const synced = new Set(
				demo.sim
					.records(demo.dc, 'Contacts')
					.filter((contact) => Date.parse(String(contact.Modified_Time)) >= startedSecond)
					.map((contact) => String(contact.Description ?? '')),
			);
			for (const id of expected) expect(synced).toContain(`Synced from lead ${id}`);
			expect(loadErrors(n8n.output())).toEqual([]);
		});

		test('its scheduled ticks emit what changed since, once: a changed and a new Lead → two records upserted, none on the tick after', async () => {
			if (!n8n) throw new Error('n8n did not start');
			const upserts = upsertedContacts;
			const lists = (): number =>
				demo.sim.counters().callsByPathStatus['GET /crm/v8/Leads 200'] ?? 0;
			const waitFor = async (done: () => boolean, ms: number): Promise<void> => {
				const deadline = Date.now() + ms;
				while (Date.now() < deadline && !done())
					await new Promise((resolve) => setTimeout(resolve, 500));
			};
			const before = upserts();
			expect(before).toBe(expected.length);
			demo.sim.touchCrm(demo.dc, {
				module: 'Leads',
				id: expected[0] ?? '',
				fields: { Company: 'Changed while active' },
			});
			demo.sim.seedCrm(demo.dc, {
				module: 'Leads',
				count: 1,
				make: () => ({ Last_Name: 'Trigger', Email: 'trigger.e2e@example.com' }),
			});
			// The poll runs every minute.
			await waitFor(() => upserts() >= before + 2, 150_000);
			expect(upserts()).toBe(before + 2);
			const listsAfterEmit = lists();
			await waitFor(() => lists() > listsAfterEmit, 90_000);
			expect(lists()).toBeGreaterThan(listsAfterEmit);
			expect(upserts()).toBe(before + 2);
			expect(
				demo.sim
					.records(demo.dc, 'Contacts')
					.filter((contact) => contact.Email === 'trigger.e2e@example.com'),
			).toHaveLength(1);
			expect(demo.sim.counters().callsByPathStatus['GET /crm/v8/settings/fields 200']).toBe(1);
		}, 300_000);
	});
});

/** The owner may already be set up by an earlier test of the same server. */
async function setupOwnerOrLogin(
	baseUrl: string,
): Promise<{ get(pathname: string): Promise<unknown> }> {
	try {
		return await login(baseUrl);
	} catch {
		return await setupOwner(baseUrl);
	}
}

async function listExecutions(
	get: (pathname: string) => Promise<unknown>,
	workflowId: string,
): Promise<Array<{ status?: string; finished?: boolean }>> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const body = (await get(`/rest/executions?filter=${filter}&limit=100`)) as {
		data?: { results?: Array<{ status?: string; finished?: boolean }> };
	};
	return body.data?.results ?? [];
}
