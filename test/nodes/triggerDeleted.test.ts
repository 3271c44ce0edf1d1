// Zoho OAuth Trigger, event Deleted, across polls over the wire to the simulator: from
// activation on, exactly once at the watermark second, past one page, a failed poll that
// moves nothing, Start From, the manual test run, and Bigin refused.
import { NodeOperationError, type IDataObject, type INodeExecutionData } from 'n8n-workflow';

import { ZohoSelfClientApi } from '../../credentials/ZohoSelfClientApi.credentials';
import { ZohoOAuthTrigger } from '../../nodes/ZohoOAuthTrigger/ZohoOAuthTrigger.node';
import { createPollRunner, type PollRunner } from '../../harness';
import { TRIGGER_TYPE, zohoTriggerWorkflow } from '../../harness/zohoWorkflow';
import { callCount, startKit, type NodeKit } from './kit';

let kit: NodeKit;
const DELETED_PATH = 'GET /crm/v8/Contacts/deleted';

beforeAll(async () => {
	kit = await startKit({
		scopes: ['ZohoCRM.modules.ALL'],
		simulatorClock: true,
		runtime: { apiRetry: { retries: 3, baseDelayMs: 5, maxDelayMs: 50 } },
	});
});
afterAll(() => kit.close());
beforeEach(() => {
	kit.sim.resetCounters();
	kit.sim.clearFaults();
	// Each test in a second of its own.
	kit.sim.advanceClock(10_000);
});

function trigger(parameters: IDataObject = {}): PollRunner {
	return createPollRunner({
		workflow: zohoTriggerWorkflow({
			module: { __rl: true, mode: 'name', value: 'Contacts' },
			event: 'deleted',
			...parameters,
		}),
		node: 'Trigger',
		nodeTypes: { [TRIGGER_TYPE]: new ZohoOAuthTrigger() },
		credentialTypes: { zohoSelfClientApi: new ZohoSelfClientApi() },
		credentials: kit.credentials,
	});
}

/** New contacts, deleted now (the simulator's clock), to the recycle bin. */
function deleteNew(names: string[], options: { at?: number } = {}): string[] {
	const ids = kit.sim.seedCrm('us', {
		module: 'Contacts',
		count: names.length,
		make: (i) => ({ Last_Name: names[i - 1] }),
	});
	kit.sim.deleteCrm('us', { module: 'Contacts', ids, at: options.at ?? kit.sim.now() });
	return ids;
}

function names(output: INodeExecutionData[][] | null): unknown[] {
	return (output?.[0] ?? []).map((item) => item.json.display_name);
}

describe('Zoho OAuth Trigger: Deleted', () => {
	it('emits each deletion once, oldest first, from activation on; nothing new is one call and no items', async () => {
		deleteNew(['Before']);
		// Activation a second later: what was deleted from that second on is new.
		kit.sim.advanceClock(1_000);
		const poller = trigger();
		expect(await poller.poll()).toBeNull();
		expect(callCount(kit.sim, `${DELETED_PATH} 200`)).toBe(0);

		kit.sim.advanceClock(1_000);
		deleteNew(['First']);
		kit.sim.advanceClock(1_000);
		deleteNew(['Second', 'Third']);
		const output = await poller.poll();
		expect(names(output)).toEqual(['First', 'Second', 'Third']);
		expect(output?.[0]?.[0]?.json).toEqual(
			expect.objectContaining({
				id: expect.any(String),
				type: 'recycle',
				deleted_time: expect.any(String),
				deleted_by: expect.objectContaining({ id: expect.any(String) }),
			}),
		);

		kit.sim.resetCounters();
		kit.sim.advanceClock(1_000);
		expect(await poller.poll()).toBeNull();
		// The last second is read again and skipped by id: one call.
		expect(kit.sim.counters().calls.filter((call) => call.path.endsWith('/deleted'))).toHaveLength(
			1,
		);
	});

	it('emits a record deleted later in the second the last poll saw, and not the ones it emitted', async () => {
		const poller = trigger();
		expect(await poller.poll()).toBeNull();
		kit.sim.advanceClock(1_000);
		const second = kit.sim.now();
		deleteNew(['A', 'B'], { at: second });
		expect(names(await poller.poll())).toEqual(['A', 'B']);
		// Same second, after the poll.
		deleteNew(['C'], { at: second });
		expect(names(await poller.poll())).toEqual(['C']);
		expect(await poller.poll()).toBeNull();
	});

	it('reads past one page: 250 deletions in one poll, each once, in 2 calls', async () => {
		const poller = trigger();
		expect(await poller.poll()).toBeNull();
		kit.sim.advanceClock(1_000);
		const deleted = Array.from({ length: 250 }, (_, i) => `Bulk${i}`);
		deleteNew(deleted);
		kit.sim.resetCounters();
		const output = await poller.poll();
		expect(new Set(names(output))).toEqual(new Set(deleted));
		expect(names(output)).toHaveLength(250);
		expect(callCount(kit.sim, `${DELETED_PATH} 200`)).toBe(2);
		expect(await poller.poll()).toBeNull();
	});

	it('a failed poll moves nothing: the next poll emits what it could not', async () => {
		const poller = trigger();
		expect(await poller.poll()).toBeNull();
		kit.sim.advanceClock(1_000);
		deleteNew(['Kept']);
		const watermark = poller.staticData();
		kit.sim.injectFault({
			kind: 'status',
			status: 500,
			path: '/crm/v8/Contacts/deleted',
			times: 4,
		});
		await expect(poller.poll()).rejects.toThrow(/HTTP 500/);
		expect(poller.staticData()).toEqual(watermark);
		expect(names(await poller.poll())).toEqual(['Kept']);
	});

	it('Start From emits what was deleted since then on first activation', async () => {
		const since = kit.sim.now();
		kit.sim.advanceClock(2_000);
		deleteNew(['SinceThen']);
		const poller = trigger({ options: { startFrom: new Date(since).toISOString() } });
		expect(names(await poller.poll())).toContain('SinceThen');
	});

	it('a manual test run shows the latest deletions and leaves the watermark alone', async () => {
		const poller = trigger();
		expect(await poller.poll()).toBeNull();
		const watermark = poller.staticData();
		kit.sim.advanceClock(1_000);
		deleteNew(['Latest']);
		const shown = await poller.poll({ mode: 'manual' });
		expect(names(shown)[0]).toBe('Latest');
		expect(names(shown).length).toBeLessThanOrEqual(5);
		expect(poller.staticData()).toEqual(watermark);
	});

	it('refuses Bigin by the Event field', async () => {
		const poller = trigger({ product: 'bigin' });
		const error = await poller.poll().then(
			() => undefined,
			(caught: unknown) => caught,
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toBe(
			'The Deleted event reads the deleted-records list of Zoho CRM.',
		);
		expect(kit.sim.counters().calls).toEqual([]);
	});
});
