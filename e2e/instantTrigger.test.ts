/**
 * Zoho OAuth Instant Trigger in a real n8n, each major, one n8n start each (plus one
 * restart): the Zoho simulator sends real callbacks to n8n's webhook URL; a workflow
 * reports every execution to a receiver here.
 *
 *   - activation enables one channel; create, edit, delete → one execution each, right items;
 *   - a forged callback is refused and starts nothing; the token is not in n8n's log;
 *   - Zoho's clock 8 days on with no event → the channel is re-enabled and delivers again;
 *   - n8n stopped while records change (a deletion too), then started → each change delivered once;
 *   - deactivation → the channel is gone;
 *   - Listen for test event → a test channel, one test execution with the record, channel gone.
 *
 * n8n 1.x runs as one process (the relay in memory); n8n 2.x in queue mode, a main and 2
 * workers on PostgreSQL and Redis (the relay in Redis, executions on the workers): there
 * the same steps also show one channel for the fleet, renewed once, each event executed
 * once.
 *
 *   bash n8n-host/install.sh all && npx jest -c e2e/jest.config.js e2e/instantTrigger
 *   (N8N_E2E_MAJORS=2 or 1 for one major)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	activateWorkflow,
	createUserFolder,
	executionsStarted,
	CREDENTIAL_TYPE,
	importCredentials,
	importWorkflows,
	instantTriggerWorkflow,
	login,
	type N8nMajor,
	type N8nSession,
	packPackage,
	queueModeEnv,
	type QueueFleet,
	type Receiver,
	type RunningN8n,
	setupOwner,
	startN8n,
	startQueueFleet,
	startReceiver,
	type UserFolder,
} from '../n8n-driver';
import { startPostgres, startRedis } from '../servers';
import { ZohoSimulator } from '../simulator';

const majors: N8nMajor[] = (process.env.N8N_E2E_MAJORS ?? '1,2')
	.split(',')
	.map((major) => Number(major.trim()) as N8nMajor);

const DAY_MS = 24 * 60 * 60 * 1000;
const SCOPES = ['ZohoCRM.modules.ALL', 'ZohoCRM.settings.ALL', 'ZohoCRM.notifications.ALL'];
const CREDENTIAL = { id: 'zohoInstantE2e', name: 'Zoho (instant trigger e2e)' };
/** An execution reaches the receiver within this long of a change (a bound, not a measure). */
const DELIVERY_MS = 30_000;
/** The trigger checks every minute (its shortest Check Interval); a check is due within this. */
const CHECK_MS = 150_000;
const ENABLE = 'POST /crm/v8/actions/watch 201';
/** The trigger's name in instantTriggerWorkflow. */
const TRIGGER_NODE = 'Zoho Instant';

const sim = new ZohoSimulator({ dataCentres: ['us'] });
let tarball: string;
let client: { clientId: string; clientSecret: string; refreshToken: string };

interface Items {
	execution: string;
	items: Array<Record<string, unknown>>;
}

function reported(receiver: Receiver, from = 0): Items[] {
	return receiver.hits.slice(from).map((hit) => hit.body as Items);
}

function enables(): number {
	return sim.counters().callsByPathStatus[ENABLE] ?? 0;
}

function activeChannels(webhookId: string) {
	return sim
		.notificationChannels('us')
		.filter((channel) => channel.active && channel.notifyUrl.includes(`/${webhookId}/`));
}

async function until(what: string, condition: () => boolean, limitMs: number): Promise<void> {
	const deadline = Date.now() + limitMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`${what}: not within ${limitMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** A folder with the package, the credential and the workflow (activated), for one major. */
async function prepare(options: {
	major: N8nMajor;
	workflowId: string;
	webhookId: string;
	module: string;
	fields: string;
	receiver: Receiver;
	env?: Record<string, string>;
}): Promise<UserFolder> {
	const started = Date.now();
	const step = (what: string) => console.log(`${what}: ${Date.now() - started} ms`);
	const userFolder = await createUserFolder({
		major: options.major,
		packageTarball: tarball,
		env: { N8N_LOG_LEVEL: 'debug', ...options.env },
	});
	step('user folder with the package');
	await importCredentials({
		major: options.major,
		userFolder,
		credentials: [
			{
				...CREDENTIAL,
				type: CREDENTIAL_TYPE,
				data: { dataCentre: 'custom', customAccountsUrl: sim.url('us'), ...client },
			},
		],
	});
	await importWorkflows({
		major: options.major,
		userFolder,
		workflows: [
			instantTriggerWorkflow({
				id: options.workflowId,
				webhookId: options.webhookId,
				credential: CREDENTIAL,
				reportTo: options.receiver.url,
				parameters: {
					module: { __rl: true, mode: 'name', value: options.module },
					events: ['created', 'edited', 'deleted'],
					fields: options.fields,
					options: { checkMinutes: 1 },
				},
			}),
		],
	});
	step('credential and workflow imported');
	await activateWorkflow({ major: options.major, userFolder, id: options.workflowId });
	step('workflow activated');
	return userFolder;
}

beforeAll(async () => {
	tarball = await packPackage();
	await sim.start();
	const registered = sim.registerClient('us');
	client = {
		...registered,
		refreshToken: sim.createRefreshToken('us', { clientId: registered.clientId, scopes: SCOPES }),
	};
}, 600_000);

afterAll(async () => {
	await sim.stop();
	if (tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
});

interface Setup {
	major: N8nMajor;
	/** Queue mode: a main and 2 workers on PostgreSQL and Redis (the relay in Redis); else one n8n on SQLite. */
	queue: boolean;
	label: string;
}

/**
 * n8n 1.x as one process (the relay in memory), n8n 2.x in queue mode (the relay in Redis,
 * executions on workers): each path of the trigger once, in the time CI has.
 */
const SETUPS: Setup[] = [
	{ major: 1 as const, queue: false, label: 'n8n 1.x, one process' },
	{
		major: 2 as const,
		queue: true,
		label: 'n8n 2.x in queue mode: main + 2 workers, PostgreSQL, Redis',
	},
].filter((setup) => majors.includes(setup.major));

describe.each(SETUPS)('$label', ({ major, queue }) => {
	const module = major === 1 ? 'Leads' : 'Contacts';
	const workflowId = `zohoInstantE2e${major}`;
	const webhookId = `4c1d7e0a-0000-4000-8000-00000000000${major}`;
	let receiver: Receiver;
	let userFolder: UserFolder | undefined;
	let n8n: RunningN8n | undefined;
	let fleet: QueueFleet | undefined;
	let servers: Array<{ stop(): Promise<void> }> = [];
	let session: N8nSession;
	let enabledBefore = 0;
	const main = (): RunningN8n => {
		const running = fleet?.main ?? n8n;
		if (!running) throw new Error('n8n is not running');
		return running;
	};
	const zoho = {
		create: (fields: Record<string, unknown>) => sim.createCrm('us', { module, fields }).id,
		edit: (id: string, fields: Record<string, unknown>) =>
			sim.touchCrm('us', { module, id, fields }),
		remove: (id: string) => sim.deleteCrm('us', { module, ids: [id] }),
	};

	beforeAll(async () => {
		const started = Date.now();
		receiver = await startReceiver();
		let env: Record<string, string> = {};
		if (queue) {
			const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
			servers = [postgres, redis];
			env = queueModeEnv({ redis, postgres });
		}
		userFolder = await prepare({
			major,
			workflowId,
			webhookId,
			module,
			fields: 'Last_Name,Email',
			receiver,
			env,
		});
		enabledBefore = enables();
		if (queue) fleet = await startQueueFleet({ major, userFolder, workers: 2 });
		else n8n = await startN8n({ major, userFolder, readyTimeoutMs: 180_000 });
		session = await setupOwner(main().baseUrl);
		await until(
			'a channel enabled at activation',
			() => activeChannels(webhookId).length === 1,
			120_000,
		).catch((error: unknown) => {
			console.log(`n8n's log:\n${main().output().slice(-8000)}`);
			throw error;
		});
		console.log(`n8n ${major}.x with an active instant trigger in ${Date.now() - started} ms`);
	}, 600_000);

	afterAll(async () => {
		await fleet?.stop();
		await n8n?.stop();
		await Promise.all(servers.map((server) => server.stop()));
		await receiver?.close();
		userFolder?.cleanup();
	}, 120_000);

	test('activation enables one channel; create, edit and delete each run one execution with the right items', async () => {
		const [channel] = activeChannels(webhookId);
		expect(channel).toMatchObject({
			module,
			events: ['create', 'edit', 'delete'],
			notifyUrl: `${main().baseUrl}/webhook/${webhookId}/zoho`,
		});
		// One channel for the whole n8n (in queue mode: for the fleet), enabled once.
		expect(
			sim.notificationChannels('us').filter((c) => c.notifyUrl.includes(webhookId)),
		).toHaveLength(1);
		expect(enables() - enabledBefore).toBe(1);
		expect((channel?.expiresAt ?? 0) - sim.now()).toBeGreaterThan(6 * DAY_MS);
		const id = zoho.create({ Last_Name: 'Ada', Email: 'ada@example.com' });
		await receiver.waitFor(1, DELIVERY_MS);
		zoho.edit(id, { Email: 'ada@lovelace.example' });
		await receiver.waitFor(2, DELIVERY_MS);
		zoho.remove(id);
		await receiver.waitFor(3, DELIVERY_MS);
		const [created, edited, deleted] = reported(receiver);
		expect(created?.items).toEqual([
			expect.objectContaining({
				id,
				Last_Name: 'Ada',
				Email: 'ada@example.com',
				_operation: 'created',
			}),
		]);
		expect(edited?.items).toEqual([
			expect.objectContaining({ id, Email: 'ada@lovelace.example', _operation: 'edited' }),
		]);
		expect(deleted?.items).toEqual([{ id, module, _operation: 'deleted' }]);
		expect(new Set(reported(receiver).map((hit) => hit.execution)).size).toBe(3);
		if (fleet) expect(fleet.workers.map(executionsStarted).reduce((a, b) => a + b, 0)).toBe(3);
	});

	test("a forged callback is refused and starts nothing; the channel's token is nowhere in n8n's log", async () => {
		const [channel] = activeChannels(webhookId);
		const before = receiver.hits.length;
		const post = async (body: unknown) =>
			(
				await fetch(channel?.notifyUrl ?? '', {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body),
				})
			).status;
		const callback = {
			server_time: sim.now(),
			module,
			resource_uri: `${sim.url('us')}/crm/v8/${module}`,
			ids: ['1'],
			affected_fields: [],
			operation: 'insert',
			channel_id: channel?.channelId,
		};
		expect(await post({ ...callback, token: 'forged' })).toBe(403);
		expect(await post({ ...callback, token: channel?.token, channel_id: '1000000000000001' })).toBe(
			403,
		);
		expect(await post({ hello: 'world' })).toBe(400);
		// The next execution is a genuine change's, and the only one.
		const id = zoho.create({ Last_Name: 'After the forgeries' });
		await receiver.waitFor(before + 1, DELIVERY_MS);
		expect(reported(receiver, before).map((hit) => hit.items.map((item) => item.id))).toEqual([
			[id],
		]);
		for (const output of [main().output(), ...(fleet?.workers.map((w) => w.output()) ?? [])]) {
			expect(output).not.toContain(channel?.token ?? '?');
			expect(output).not.toContain(client.clientSecret);
		}
	});

	test("Zoho's clock 8 days on with no event: the lapsed channel is enabled again, once, and delivers", async () => {
		const before = { enables: enables(), hits: receiver.hits.length };
		sim.advanceClock(8 * DAY_MS);
		expect(activeChannels(webhookId)).toEqual([]);
		await until(
			'the channel re-enabled by the next check',
			() => enables() > before.enables && activeChannels(webhookId).length === 1,
			CHECK_MS,
		);
		const id = zoho.create({ Last_Name: 'After eight days' });
		await receiver.waitFor(before.hits + 1, DELIVERY_MS);
		expect(reported(receiver, before.hits)).toEqual([
			expect.objectContaining({
				items: [
					expect.objectContaining({ id, Last_Name: 'After eight days', _operation: 'created' }),
				],
			}),
		]);
		// Renewed by one process only.
		expect(enables() - before.enables).toBe(1);
	});

	test('n8n stopped while records change, then started: each change is delivered once', async () => {
		const kept = zoho.create({ Last_Name: 'Before the stop' });
		const doomed = zoho.create({ Last_Name: 'Deleted while stopped' });
		await receiver.waitFor(receiver.hits.length + 2, DELIVERY_MS);
		const before = receiver.hits.length;
		let added = '';
		const whileStopped = async () => {
			const failed = sim.counters().notifications.failed;
			zoho.edit(kept, { Last_Name: 'Edited while stopped' });
			added = zoho.create({ Last_Name: 'Created while stopped' });
			zoho.remove(doomed);
			await sim.notificationsSettled();
			expect(sim.counters().notifications.failed - failed).toBe(3);
		};
		if (fleet) await fleet.replaceMain(whileStopped);
		else {
			await n8n?.stop();
			await whileStopped();
			n8n = await startN8n({
				major,
				userFolder: userFolder as UserFolder,
				readyTimeoutMs: 180_000,
			});
		}
		await receiver.waitFor(before + 1, DELIVERY_MS + 60_000);
		// A change after the start comes through its callback; the caught-up ones do not come again.
		const after = zoho.create({ Last_Name: 'After the start' });
		await until(
			'the change after the start reported',
			() => reported(receiver, before).some((hit) => hit.items.some((item) => item.id === after)),
			DELIVERY_MS,
		);
		const ids = reported(receiver, before).flatMap((hit) => hit.items.map((item) => item.id));
		expect(ids.filter((id) => id === kept)).toHaveLength(1);
		expect(ids.filter((id) => id === added)).toHaveLength(1);
		expect(ids.filter((id) => id === after)).toHaveLength(1);
		expect(ids.filter((id) => id === doomed)).toHaveLength(1);
		const caughtUp = reported(receiver, before)
			.flatMap((hit) => hit.items)
			.filter((item) => [kept, added, doomed].includes(String(item.id)));
		expect(caughtUp).toEqual(
			expect.arrayContaining([
				expect.objectContaining({
					id: kept,
					Last_Name: 'Edited while stopped',
					_operation: 'edited',
				}),
				expect.objectContaining({
					id: added,
					Last_Name: 'Created while stopped',
					_operation: 'created',
				}),
				// From Zoho's deleted-records list, read by the catch-up.
				{ id: doomed, module, _operation: 'deleted' },
			]),
		);
		// The owner exists by now: the new process needs a new login.
		session = await login(main().baseUrl);
	});

	test('deactivation disables the channel', async () => {
		expect(activeChannels(webhookId)).toHaveLength(1);
		await session.post(`/rest/workflows/${workflowId}/deactivate`, {});
		await until('the channel disabled', () => activeChannels(webhookId).length === 0, 30_000);
		expect(sim.notificationChannels('us').filter((c) => c.notifyUrl.includes(webhookId))).toEqual(
			[],
		);
	});

	test("Listen for test event: a channel of its own at the test URL for Zoho's hour; the first change runs the test execution with its record; then the channel is gone", async () => {
		const testUrl = `${main().baseUrl}/webhook-test/${webhookId}/zoho`;
		const testChannels = () =>
			sim.notificationChannels('us').filter((c) => c.active && c.notifyUrl === testUrl);
		const before = receiver.hits.length;
		// What the editor sends for "Listen for test event" on the trigger (the workflow is inactive now).
		const stored = (await session.get(`/rest/workflows/${workflowId}`)) as { data: unknown };
		const started = (await session.post(`/rest/workflows/${workflowId}/run`, {
			workflowData: stored.data,
			triggerToStartFrom: { name: TRIGGER_NODE },
		})) as { data?: { waitingForWebhook?: boolean } };
		expect(started.data?.waitingForWebhook).toBe(true);
		await until('a test channel enabled', () => testChannels().length === 1, 60_000);
		const [channel] = testChannels();
		// Zoho's default hour: a test run asks for no week.
		expect((channel?.expiresAt ?? 0) - sim.now()).toBeLessThanOrEqual(60 * 60_000);
		const id = zoho.create({ Last_Name: 'Test event' });
		// In queue mode the test execution runs on a worker: the callback reaches it through Redis.
		await receiver.waitFor(before + 1, DELIVERY_MS);
		expect(reported(receiver, before)).toEqual([
			expect.objectContaining({
				items: [expect.objectContaining({ id, Last_Name: 'Test event', _operation: 'created' })],
			}),
		]);
		await until('the test channel disabled', () => testChannels().length === 0, 30_000);
	});
});
