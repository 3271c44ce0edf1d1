// Zoho OAuth Instant Trigger in-process (harness/webhookTrigger.ts: n8n-core's hook, webhook and
// trigger contexts, a real webhook server) against the simulator, which sends real callbacks:
// one execution per event with the right items, exactly once with the catch-up, forged callbacks
// refused, the channel renewed and repaired by Zoho's clock, the test run, Fields to Watch.
import { Redis } from 'ioredis';
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
} from 'n8n-workflow';

import { ZohoSelfClientApi } from '../../credentials/ZohoSelfClientApi.credentials';
import { ZohoOAuthInstantTrigger } from '../../nodes/ZohoOAuthInstantTrigger/ZohoOAuthInstantTrigger.node';
import { startRedis, type RedisServer } from '../../servers';
import { DAY_MS } from '../../zoho/crm/notifications/channel';
import { createZohoRuntime, setSharedZohoRuntime, type ZohoRuntime } from '../../zoho/runtime';
import { startWebhookTrigger, type WebhookTrigger } from '../../harness';
import { eventually, fleetMember } from '../support/fleet';
import { captureNodeWarnings } from '../support/nodeLogger';
import { mintAccessToken } from '../support/simulatorTokens';
import { callCount, CREDENTIAL_ID, startKit, type NodeKit } from './kit';

const TYPE = 'n8n-nodes-zoho-oauth.zohoOAuthInstantTrigger';
const SCOPES = ['ZohoCRM.modules.ALL', 'ZohoCRM.settings.ALL', 'ZohoCRM.notifications.ALL'];
const byName = (value: string) => ({ __rl: true, mode: 'name', value });

let kit: NodeKit;
let runtime: ZohoRuntime;
const running: WebhookTrigger[] = [];
let workflowNumber = 0;

/** A runtime on the simulator's clock: moving Zoho's clock moves the trigger's checks too. */
function newRuntime(): ZohoRuntime {
	return createZohoRuntime({
		clock: { now: () => kit.sim.now() },
		env: {},
		apiRetry: { retries: 2, baseDelayMs: 5, maxDelayMs: 50 },
		tokenRetry: { retries: 2, baseDelayMs: 5, maxDelayMs: 50 },
	});
}

function useRuntime(next: ZohoRuntime): void {
	runtime = next;
	setSharedZohoRuntime(next);
}

beforeAll(async () => {
	kit = await startKit({ scopes: SCOPES });
	useRuntime(newRuntime());
});

afterAll(async () => {
	await Promise.all(running.splice(0).map((trigger) => trigger.close()));
	await runtime.close();
	await kit.close();
});

afterEach(async () => {
	await Promise.all(running.splice(0).map((trigger) => trigger.close()));
	kit.sim.configure({ notifyDelayMs: 0 });
	kit.sim.clearFaults();
});

interface Made {
	trigger: WebhookTrigger;
	workflow: { id: string; nodes: object[]; connections: object };
}

async function instant(
	parameters: IDataObject,
	options: { staticData?: IDataObject; workflow?: Made['workflow']; port?: number } = {},
): Promise<Made> {
	workflowNumber++;
	const workflow = options.workflow ?? {
		id: `instantWf${workflowNumber}`,
		nodes: [
			{
				id: `node-${workflowNumber}`,
				name: 'Zoho',
				type: TYPE,
				typeVersion: 1,
				position: [0, 0],
				webhookId: `hook-${workflowNumber}`,
				parameters: { events: ['created', 'edited', 'deleted'], ...parameters },
				credentials: { zohoSelfClientApi: { id: CREDENTIAL_ID, name: 'Zoho (simulator)' } },
			},
		],
		connections: {},
	};
	const trigger = await startWebhookTrigger({
		workflow: { ...workflow, settings: { executionOrder: 'v1' } },
		node: 'Zoho',
		nodeTypes: { [TYPE]: new ZohoOAuthInstantTrigger() },
		credentialTypes: { zohoSelfClientApi: new ZohoSelfClientApi() },
		credentials: kit.credentials,
		staticData: options.staticData,
		port: options.port,
	});
	running.push(trigger);
	return { trigger, workflow };
}

function jsons(execution: INodeExecutionData[] | undefined): IDataObject[] {
	return (execution ?? []).map((item) => item.json);
}

/** The records as a user changes them in Zoho's UI (the simulator notifies channels). */
const zoho = {
	create: (module: string, fields: IDataObject) => kit.sim.createCrm('us', { module, fields }).id,
	edit: (module: string, id: string, fields: IDataObject) =>
		kit.sim.touchCrm('us', { module, id, fields }),
	remove: (module: string, id: string) => kit.sim.deleteCrm('us', { module, ids: [id] }),
};

/** Activation, and the first catch-up read of `module` done (the consumer starts in the background). */
async function activated(trigger: WebhookTrigger, module: string): Promise<void> {
	const reads = () =>
		kit.sim
			.counters()
			.calls.filter((call) => call.method === 'GET' && call.path === `/crm/v8/${module}`).length;
	const before = reads();
	await trigger.activate();
	await eventually(() => reads() > before, 15_000);
}

async function executions(trigger: WebhookTrigger, count: number): Promise<void> {
	await kit.sim.notificationsSettled();
	await eventually(() => trigger.executions.length >= count, 15_000);
}

function channelsOf(channelId?: string) {
	return kit.sim
		.notificationChannels('us')
		.filter((channel) => channel.active && (!channelId || channel.channelId === channelId));
}

describe('Zoho OAuth Instant Trigger', () => {
	it('enables a channel for a week on activation and runs one execution per event, with the right items', async () => {
		kit.sim.resetCounters();
		expect(runtime.relay.kind).toBe('memory');
		const { trigger } = await instant({ module: byName('Leads'), fields: 'Last_Name,Email' });
		await activated(trigger, 'Leads');
		const [channel] = kit.sim
			.notificationChannels('us')
			.filter((c) => c.notifyUrl.startsWith(trigger.webhookBaseUrl));
		expect(channel).toMatchObject({
			module: 'Leads',
			events: ['create', 'edit', 'delete'],
			notifyUrl: `${trigger.webhookBaseUrl}/hook-${workflowNumber}/zoho`,
			active: true,
		});
		expect((channel?.expiresAt ?? 0) - kit.sim.now()).toBeGreaterThan(7 * DAY_MS - 11 * 60_000);
		expect(channel?.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

		const id = zoho.create('Leads', { Last_Name: 'Ada', Email: 'ada@example.com' });
		await executions(trigger, 1);
		zoho.edit('Leads', id, { Email: 'ada@lovelace.example' });
		await executions(trigger, 2);
		zoho.remove('Leads', id);
		await executions(trigger, 3);

		const [created, edited, deleted] = trigger.executions.map(jsons);
		expect(created).toEqual([
			expect.objectContaining({
				id,
				Last_Name: 'Ada',
				Email: 'ada@example.com',
				_operation: 'created',
			}),
		]);
		expect(Object.keys(created?.[0] ?? {}).sort()).toEqual(
			['Created_Time', 'Email', 'Last_Name', 'Modified_Time', '_operation', 'id'].sort(),
		);
		expect(edited).toEqual([
			expect.objectContaining({ id, Email: 'ada@lovelace.example', _operation: 'edited' }),
		]);
		expect(deleted).toEqual([{ id, module: 'Leads', _operation: 'deleted' }]);
		expect(trigger.errors).toEqual([]);
		// No callback started an execution itself: the consumer did, once per callback.
		expect(trigger.answers.map((answer) => [answer.status, answer.startedExecution])).toEqual([
			[200, false],
			[200, false],
			[200, false],
		]);
		// Created and edited were fetched by id (one call each); the delete cost no call.
		const counted = kit.sim.counters().callsByPathStatus;
		expect(counted['POST /crm/v8/actions/watch 201']).toBe(1);
		expect(counted['GET /crm/v8/actions/watch 204']).toBe(1);
		expect(callCount(kit.sim, 'GET /crm/v8/Leads 200')).toBe(2);
	});

	it('fetches the records of one API call of 100 changes in one call, and asks for the module fields (at most 50) when Fields is empty', async () => {
		const { trigger } = await instant({ module: byName('Contacts'), events: ['created'] });
		await activated(trigger, 'Contacts');
		kit.sim.resetCounters();
		const accessToken = await mintAccessToken(kit.sim, { client: kit });
		const res = await fetch(`${kit.sim.url('us')}/crm/v8/Contacts`, {
			method: 'POST',
			headers: {
				Authorization: `Zoho-oauthtoken ${accessToken}`,
				'Content-Type': 'application/json',
			},
			body: JSON.stringify({
				data: Array.from({ length: 100 }, (_, i) => ({ Last_Name: `Bulk ${i}` })),
			}),
		});
		expect(res.status).toBe(201);
		await executions(trigger, 1);
		expect(trigger.executions).toHaveLength(1);
		const items = jsons(trigger.executions[0]);
		expect(items).toHaveLength(100);
		expect(new Set(items.map((item) => item._operation))).toEqual(new Set(['created']));
		const reads = kit.sim
			.counters()
			.calls.filter((call) => call.method === 'GET' && call.path === '/crm/v8/Contacts');
		expect(reads).toHaveLength(1);
		// Fields was empty: the module's own fields (settings/fields), the times included.
		expect(callCount(kit.sim, 'GET /crm/v8/settings/fields 200')).toBeLessThanOrEqual(1);
		const keys = Object.keys(items[0] ?? {});
		// Owner is a field of the module nobody named.
		expect(keys).toEqual(
			expect.arrayContaining(['Last_Name', 'Owner', 'Modified_Time', 'Created_Time', 'id']),
		);
		expect(keys.length).toBeLessThanOrEqual(50 + 2);
	});

	it('answers forged or foreign callbacks with 400 or 403, starts nothing, and never passes the token on', async () => {
		const { trigger } = await instant({ module: byName('Calls') });
		await activated(trigger, 'Calls');
		const [channel] = channelsOf().filter((c) => c.notifyUrl.startsWith(trigger.webhookBaseUrl));
		const url = channel?.notifyUrl ?? '';
		const genuine = {
			server_time: kit.sim.now(),
			module: 'Calls',
			resource_uri: `${kit.sim.url('us')}/crm/v8/Calls`,
			ids: ['1'],
			affected_fields: [],
			operation: 'insert',
			channel_id: channel?.channelId,
			token: channel?.token,
		};
		const post = (body: unknown) =>
			fetch(url, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify(body),
			});
		const forged = [
			{ ...genuine, token: 'guessed' },
			{ ...genuine, token: undefined },
			{ ...genuine, channel_id: '1000000000000001' },
			{ hello: 'world' },
		];
		const statuses = [];
		for (const body of forged) statuses.push((await post(body)).status);
		expect(statuses).toEqual([403, 403, 403, 400]);
		// A genuine change afterwards is the first and only execution.
		zoho.create('Calls', { Subject: 'After the forgeries' });
		await executions(trigger, 1);
		expect(trigger.executions.map(jsons)).toEqual([
			[expect.objectContaining({ Subject: 'After the forgeries', _operation: 'created' })],
		]);
		expect(trigger.answers.filter((answer) => answer.startedExecution)).toEqual([]);
		for (const answer of trigger.answers) expect(answer.body).not.toContain(channel?.token ?? '?');
	});

	it('after n8n was down while records changed, delivers each change once: the catch-up reads what Zoho could not send', async () => {
		const first = await instant({ module: byName('Deals'), fields: 'Deal_Name' });
		await activated(first.trigger, 'Deals');
		const kept = zoho.create('Deals', { Deal_Name: 'before the outage' });
		const doomed = zoho.create('Deals', { Deal_Name: 'deleted while down' });
		await executions(first.trigger, 2);
		// n8n stops: the trigger closes, the channel stays, nobody answers Zoho.
		const staticData = first.trigger.staticData();
		await first.trigger.close();
		const failedBefore = kit.sim.counters().notifications.failed;
		const enables = () =>
			kit.sim.counters().callsByPathStatus['POST /crm/v8/actions/watch 201'] ?? 0;
		const enabledBefore = enables();
		zoho.edit('Deals', kept, { Deal_Name: 'edited while down' });
		const added = zoho.create('Deals', { Deal_Name: 'created while down' });
		zoho.remove('Deals', doomed);
		await kit.sim.notificationsSettled();
		expect(kit.sim.counters().notifications.failed - failedBefore).toBe(3);

		// n8n starts again: a new process (its relay is empty), the static data n8n saved.
		useRuntime(newRuntime());
		const again = await instant(
			{ module: byName('Deals'), fields: 'Deal_Name' },
			{
				staticData,
				workflow: first.workflow,
				port: first.trigger.port,
			},
		);
		await activated(again.trigger, 'Deals');
		await executions(again.trigger, 1);
		expect(again.trigger.executions.map(jsons)).toEqual([
			[
				expect.objectContaining({ id: kept, Deal_Name: 'edited while down', _operation: 'edited' }),
				expect.objectContaining({
					id: added,
					Deal_Name: 'created while down',
					_operation: 'created',
				}),
				// From Zoho's deleted-records list: the same item a callback brings.
				{ id: doomed, module: 'Deals', _operation: 'deleted' },
			],
		]);
		// The channel outlived the outage: checkExists found it healthy, nothing was enabled again.
		expect(enables()).toBe(enabledBefore);
		zoho.edit('Deals', added, { Deal_Name: 'after the restart' });
		await executions(again.trigger, 2);
		expect(jsons(again.trigger.executions[1])).toEqual([
			expect.objectContaining({ id: added, Deal_Name: 'after the restart', _operation: 'edited' }),
		]);
	});

	it("emits a deletion once whether its callback or the catch-up's read of Zoho's deleted-records list brings it first", async () => {
		const { trigger } = await instant({
			module: byName('Campaigns'),
			fields: 'Campaign_Name',
			options: { checkMinutes: 1 },
		});
		await activated(trigger, 'Campaigns');
		const [early, late] = ['early', 'late'].map((name) =>
			zoho.create('Campaigns', { Campaign_Name: name }),
		);
		await executions(trigger, 2);
		// The callback first: the next check reads the deletion in the list and emits nothing more.
		zoho.remove('Campaigns', early ?? '');
		await executions(trigger, 3);
		const lists = () =>
			kit.sim.counters().callsByPathStatus['GET /crm/v8/Campaigns/deleted 200'] ?? 0;
		const listed = lists();
		kit.sim.advanceClock(2 * 60_000);
		await eventually(() => lists() > listed, 15_000);
		// The list first: the callback, held back, comes after the check and finds the id emitted.
		kit.sim.configure({ notifyDelayMs: 3_000 });
		zoho.remove('Campaigns', late ?? '');
		kit.sim.advanceClock(2 * 60_000);
		await eventually(() => trigger.executions.length >= 4, 15_000);
		await kit.sim.notificationsSettled();
		kit.sim.configure({ notifyDelayMs: 0 });
		const last = zoho.create('Campaigns', { Campaign_Name: 'last' });
		await executions(trigger, 5);
		expect(trigger.executions.slice(2).map(jsons)).toEqual([
			[{ id: early, module: 'Campaigns', _operation: 'deleted' }],
			[{ id: late, module: 'Campaigns', _operation: 'deleted' }],
			[expect.objectContaining({ id: last, _operation: 'created' })],
		]);
	});

	it('emits a change once when the catch-up reads it before its late callback arrives', async () => {
		const { trigger } = await instant({
			module: byName('Accounts'),
			fields: 'Account_Name',
			options: { checkMinutes: 1 },
		});
		await activated(trigger, 'Accounts');
		kit.sim.configure({ notifyDelayMs: 1_500 });
		const id = zoho.create('Accounts', { Account_Name: 'Late Ltd' });
		// The check is due (Zoho's clock, which the trigger's follows here, moved 2 minutes).
		kit.sim.advanceClock(2 * 60_000);
		await eventually(() => trigger.executions.length >= 1, 15_000);
		await kit.sim.notificationsSettled();
		// The callback came after the catch-up and found the version emitted; a new change still comes.
		zoho.edit('Accounts', id, { Account_Name: 'Late Ltd 2' });
		await executions(trigger, 2);
		expect(trigger.executions.map(jsons)).toEqual([
			[expect.objectContaining({ id, Account_Name: 'Late Ltd', _operation: 'created' })],
			[expect.objectContaining({ id, Account_Name: 'Late Ltd 2', _operation: 'edited' })],
		]);
	});

	it('renews the channel before Zoho lets it lapse, and re-enables one that lapsed or that Zoho forgot', async () => {
		const { trigger } = await instant({
			module: byName('Products'),
			fields: 'Product_Name',
			options: { checkMinutes: 1 },
		});
		await activated(trigger, 'Products');
		const channelId = channelsOf().find((c) =>
			c.notifyUrl.startsWith(trigger.webhookBaseUrl),
		)?.channelId;
		const expiryOf = () => channelsOf(channelId)[0]?.expiresAt ?? 0;
		const first = expiryOf();
		kit.sim.resetCounters();

		// Four days on, no event: less than half the week left, the next check renews.
		kit.sim.advanceClock(4 * DAY_MS);
		await eventually(() => expiryOf() > first, 15_000);
		expect(kit.sim.counters().callsByPathStatus['POST /crm/v8/actions/watch 201']).toBe(1);

		// Eight days on: lapsed by Zoho's clock; the check re-enables it and it delivers again.
		kit.sim.advanceClock(8 * DAY_MS);
		expect(channelsOf(channelId)).toEqual([]);
		await eventually(() => channelsOf(channelId).length === 1, 15_000);
		const id = zoho.create('Products', { Product_Name: 'After the lapse' });
		await executions(trigger, 1);
		expect(jsons(trigger.executions[0])).toEqual([
			expect.objectContaining({ id, Product_Name: 'After the lapse', _operation: 'created' }),
		]);

		// Zoho forgets it: the next change reaches nobody; the check reads it, finds the channel missing, repairs it.
		kit.sim.forgetNotificationChannel('us', channelId ?? '');
		const lost = zoho.create('Products', { Product_Name: 'No callback' });
		kit.sim.advanceClock(2 * 60_000);
		await eventually(
			() => trigger.executions.length >= 2 && channelsOf(channelId).length === 1,
			15_000,
		);
		expect(jsons(trigger.executions[1])).toEqual([
			expect.objectContaining({ id: lost, _operation: 'created' }),
		]);
		zoho.edit('Products', lost, { Product_Name: 'Heard again' });
		await executions(trigger, 3);
		expect(jsons(trigger.executions[2])).toEqual([
			expect.objectContaining({ id: lost, Product_Name: 'Heard again', _operation: 'edited' }),
		]);
		expect(trigger.errors).toEqual([]);
	});

	it("asks for the channel's week by Zoho's clock, whatever this host's clock says", async () => {
		const onSimulatorClock = runtime;
		// This host's clock is the real one; Zoho's runs ten days ahead.
		useRuntime(createZohoRuntime({ env: {} }));
		try {
			kit.sim.advanceClock(10 * DAY_MS);
			const { trigger } = await instant({ module: byName('Tasks'), fields: 'Subject' });
			await trigger.addWebhooks();
			const [channel] = channelsOf().filter((c) => c.notifyUrl.startsWith(trigger.webhookBaseUrl));
			expect((channel?.expiresAt ?? 0) - kit.sim.now()).toBeGreaterThan(7 * DAY_MS - 11 * 60_000);
			expect(
				kit.sim.counters().callsByPathStatus['POST /crm/v8/actions/watch 400'],
			).toBeUndefined();
			await trigger.removeWebhooks();
		} finally {
			await runtime.close();
			useRuntime(onSimulatorClock);
		}
	});

	it('takes over from a polling trigger at Start From: what changed since is emitted once, then the notifications', async () => {
		// The polling trigger was stopped a minute ago; one record changed before, one after.
		const stopped = kit.sim.now() - 60_000;
		const at = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
		const [before, after] = kit.sim.seedCrm('us', {
			module: 'Calls',
			count: 2,
			make: (i) => ({
				Subject: i === 1 ? 'polled already' : 'changed after the poller stopped',
				Modified_Time: at(i === 1 ? stopped - 30_000 : stopped + 30_000),
				Created_Time: at(stopped - 3_600_000),
			}),
		});
		const { trigger } = await instant({
			module: byName('Calls'),
			fields: 'Subject',
			options: { startFrom: new Date(stopped).toISOString() },
		});
		await activated(trigger, 'Calls');
		await executions(trigger, 1);
		const id = zoho.create('Calls', { Subject: 'after the switch' });
		await executions(trigger, 2);
		expect(
			trigger.executions.map((items) => jsons(items).map((item) => [item.id, item._operation])),
		).toEqual([[[after, 'edited']], [[id, 'created']]]);
		expect(jsons(trigger.executions[0]).map((item) => item.id)).not.toContain(before);
	});

	it('disables the channel on deactivation', async () => {
		const { trigger } = await instant({ module: byName('Leads') });
		await activated(trigger, 'Leads');
		const channelId = channelsOf().find((c) =>
			c.notifyUrl.startsWith(trigger.webhookBaseUrl),
		)?.channelId;
		expect(channelsOf(channelId)).toHaveLength(1);
		await trigger.deactivate();
		expect(channelsOf(channelId)).toEqual([]);
		expect(kit.sim.notificationChannels('us').filter((c) => c.channelId === channelId)).toEqual([]);
	});

	it('in a test run (Listen for test event) returns the first event from a channel of its own, then disables it', async () => {
		const { trigger } = await instant({ module: byName('Quotes'), fields: 'Subject' });
		const before = kit.sim.notificationChannels('us').length;
		const listening = trigger.listenForTestEvent();
		await eventually(() => kit.sim.notificationChannels('us').length > before, 10_000);
		const channel = kit.sim.notificationChannels('us').at(-1);
		expect(channel?.notifyUrl).toContain('/webhook-test/');
		// Zoho's default hour: a test run asks for no week.
		expect((channel?.expiresAt ?? 0) - kit.sim.now()).toBeLessThanOrEqual(60 * 60_000);
		const id = zoho.create('Quotes', { Subject: 'Test event' });
		const result = await listening;
		expect(result.status).toBe('success');
		expect(result.outputs.Zoho?.[0]?.map((item) => item.json)).toEqual([
			expect.objectContaining({ id, Subject: 'Test event', _operation: 'created' }),
		]);
		expect(
			kit.sim.notificationChannels('us').filter((c) => c.channelId === channel?.channelId),
		).toEqual([]);
		expect(trigger.executions).toEqual([]);
	});

	it('a test run while the workflow is active disables its own channel only: the production one stays and delivers', async () => {
		const { trigger } = await instant({ module: byName('Sales_Orders'), fields: 'Subject' });
		const atUrl = (prefix: string) =>
			channelsOf().filter((channel) => channel.notifyUrl.startsWith(prefix));
		const production = () => atUrl(`${trigger.webhookBaseUrl}/`);
		const test = () => atUrl(`${trigger.webhookBaseUrl}-test/`);
		await activated(trigger, 'Sales_Orders');
		const [enabled] = production();
		expect(production()).toHaveLength(1);
		const listening = trigger.listenForTestEvent();
		await eventually(() => test().length === 1, 10_000);
		expect(test()[0]?.channelId).not.toBe(enabled?.channelId);
		const first = zoho.create('Sales_Orders', { Subject: 'Test event' });
		const result = await listening;
		expect(result.outputs.Zoho?.[0]?.map((item) => item.json)).toEqual([
			expect.objectContaining({ id: first, _operation: 'created' }),
		]);
		expect(test()).toEqual([]);
		expect(production().map((channel) => channel.channelId)).toEqual([enabled?.channelId]);
		// The active workflow had the test event too, and has the next one.
		const second = zoho.create('Sales_Orders', { Subject: 'After the test run' });
		await executions(trigger, 2);
		expect(trigger.executions.map((items) => jsons(items).map((item) => item.id))).toEqual([
			[first],
			[second],
		]);
	});

	it('with Fields to Watch and Include Changed Values, runs only for edits of those fields, with what changed', async () => {
		const { trigger } = await instant({
			module: byName('Contacts'),
			events: ['edited'],
			fields: 'Last_Name,Email,Phone',
			options: { watchFields: 'Email', changedValues: true },
		});
		await activated(trigger, 'Contacts');
		const [channel] = channelsOf().filter((c) => c.notifyUrl.startsWith(trigger.webhookBaseUrl));
		expect(channel?.notificationCondition).toEqual([
			expect.objectContaining({
				type: 'field_selection',
				module: expect.objectContaining({ api_name: 'Contacts' }),
			}),
		]);
		const [id] = kit.sim.seedCrm('us', { module: 'Contacts', count: 1 });
		zoho.edit('Contacts', id ?? '', { Phone: '555-0100' });
		zoho.edit('Contacts', id ?? '', { Email: 'new@example.com', Phone: '555-0199' });
		await executions(trigger, 1);
		await kit.sim.notificationsSettled();
		expect(trigger.executions.map(jsons)).toEqual([
			[
				expect.objectContaining({
					id,
					Email: 'new@example.com',
					_operation: 'edited',
					_changedFields: ['Email', 'Phone'],
					_changedValues: { Email: 'new@example.com', Phone: '555-0199' },
				}),
			],
		]);
	});

	it("refuses at activation a saved module Zoho's Notification API does not watch, naming it and the modules it watches", async () => {
		const { trigger } = await instant({ module: byName('Notes') });
		const watchPosts = () =>
			kit.sim
				.counters()
				.calls.filter((call) => call.method === 'POST' && call.path === '/crm/v8/actions/watch')
				.length;
		const before = watchPosts();
		const error = (await trigger.addWebhooks().then(
			() => undefined,
			(caught: unknown) => caught,
		)) as Error & { description?: string };
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(
			/Notification API does not watch Notes: it watches Leads, Accounts, .*Services__s and custom modules/,
		);
		expect(error.description).toMatch(/Pick the module from the list/);
		// Refused before Zoho was asked; Zoho would refuse it too (simulator/crm-watch.ts).
		expect(watchPosts()).toBe(before);
		expect(
			kit.sim.notificationChannels('us').filter((channel) => channel.module === 'Notes'),
		).toEqual([]);
	});

	it('refuses a credential without the notifications scope with what to do, naming the scope', async () => {
		const client = kit.sim.registerClient('us');
		const refreshToken = kit.sim.createRefreshToken('us', {
			clientId: client.clientId,
			scopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.settings.ALL'],
		});
		kit.credentials['no-notify'] = {
			type: 'zohoSelfClientApi',
			data: { ...kit.credentials[CREDENTIAL_ID]?.data, ...client, refreshToken, accessToken: '' },
		};
		try {
			workflowNumber++;
			const trigger = await startWebhookTrigger({
				workflow: {
					id: `instantWf${workflowNumber}`,
					nodes: [
						{
							id: 'n1',
							name: 'Zoho',
							type: TYPE,
							typeVersion: 1,
							position: [0, 0],
							webhookId: `hook-${workflowNumber}`,
							parameters: { module: byName('Leads'), events: ['created'] },
							credentials: { zohoSelfClientApi: { id: 'no-notify', name: 'No notify' } },
						},
					],
					connections: {},
				},
				node: 'Zoho',
				nodeTypes: { [TYPE]: new ZohoOAuthInstantTrigger() },
				credentialTypes: { zohoSelfClientApi: new ZohoSelfClientApi() },
				credentials: kit.credentials,
			});
			running.push(trigger);
			await expect(trigger.addWebhooks()).rejects.toThrow(/OAUTH_SCOPE_MISMATCH/);
			const error = (await trigger.addWebhooks().then(
				() => undefined,
				(caught: unknown) => caught,
			)) as Error & { description?: string };
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.description).toMatch(/scope/);
			expect(error.message).not.toMatch(/Authorization/);
			// n8n removes the webhooks of a failed activation: no channel was enabled, so no word of one lapsing.
			const warnings = captureNodeWarnings();
			try {
				expect(await trigger.removeWebhooks()).toBe(false);
				expect(warnings.logged).toEqual([]);
			} finally {
				warnings.restore();
			}
		} finally {
			delete kit.credentials['no-notify'];
		}
	});

	describe("with the fleet's Redis", () => {
		let redis: RedisServer;
		let probe: Redis;

		beforeAll(async () => {
			redis = await startRedis();
			probe = new Redis(redis.port, '127.0.0.1');
		});

		afterAll(async () => {
			probe.disconnect();
			await redis.stop();
		});

		it('hands callbacks over through Redis to the consumer, and the token never lands there', async () => {
			const member = fleetMember({ redisUrl: redis.url, prefix: 'instant-node:' });
			const local = runtime;
			useRuntime(
				createZohoRuntime({
					clock: { now: () => kit.sim.now() },
					env: {},
					fleet: {
						tokenSource: member.runtime.tokenSource,
						limiter: member.runtime.limiter,
						relay: member.runtime.relay,
					},
				}),
			);
			try {
				expect(runtime.relay.kind).toBe('redis');
				const { trigger } = await instant({ module: byName('Events'), fields: 'Event_Title' });
				await activated(trigger, 'Events');
				const id = zoho.create('Events', { Event_Title: 'Through Redis' });
				await executions(trigger, 1);
				expect(jsons(trigger.executions[0])).toEqual([
					expect.objectContaining({ id, Event_Title: 'Through Redis', _operation: 'created' }),
				]);
				const keys = await probe.keys('instant-node:instant:*');
				expect(keys.map((key) => key.split(':').pop()).sort()).toEqual([
					'announced',
					'lease',
					'state',
				]);
				const token = channelsOf().find((c) =>
					c.notifyUrl.startsWith(trigger.webhookBaseUrl),
				)?.token;
				for (const key of keys) {
					const value = (await probe.type(key)) === 'string' ? await probe.get(key) : '';
					expect(value).not.toContain(token ?? '?');
				}
				await trigger.close();
			} finally {
				await runtime.close();
				await member.runtime.close();
				useRuntime(local);
			}
		});
	});
});
