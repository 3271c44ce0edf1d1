// The example "first sync everything, then follow changes and deletions"
// (examples/triggers/crm-first-sync-then-changes.json) run as n8n runs it: the triggers
// activated, the first sync run by hand, then polls that bring one change and one deletion.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ZohoSelfClientApi } from '../../credentials/ZohoSelfClientApi.credentials';
import { ZohoOAuthRequest } from '../../nodes/ZohoOAuthRequest/ZohoOAuthRequest.node';
import { ZohoOAuthTrigger } from '../../nodes/ZohoOAuthTrigger/ZohoOAuthTrigger.node';
import { createPollRunner, runWorkflow, type WorkflowJson } from '../../harness';
import { TRIGGER_TYPE } from '../../harness/zohoWorkflow';
import { CREDENTIAL_ID, NODE_TYPE, startKit, type NodeKit } from './kit';

const LEADS = 1_200;
let kit: NodeKit;

beforeAll(async () => {
	kit = await startKit({
		scopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.bulk.read', 'ZohoCRM.settings.fields.READ'],
		sim: { bulkReadJobMs: 20 },
		simulatorClock: true,
		runtime: {
			jobTiming: {
				poll: { firstMs: 10, maxMs: 40 },
				downloadRetry: { retries: 1, baseDelayMs: 5, maxDelayMs: 5 },
			},
		},
	});
	kit.sim.seedCrm('us', { module: 'Leads', count: LEADS });
});
afterAll(() => kit.close());

const example = JSON.parse(
	readFileSync(
		path.join(__dirname, '../../examples/triggers/crm-first-sync-then-changes.json'),
		'utf8',
	),
) as WorkflowJson;

it('first sync: every Lead by Bulk Read; then one change and one deletion, each once, by the triggers', async () => {
	// The example names the credential the examples share; here it is the kit's.
	kit.credentials.zohoSimCredential = kit.credentials[CREDENTIAL_ID] ?? {
		type: 'zohoSelfClientApi',
		data: {},
	};
	const nodeTypes = { [TRIGGER_TYPE]: new ZohoOAuthTrigger(), [NODE_TYPE]: new ZohoOAuthRequest() };
	const credentialTypes = { zohoSelfClientApi: new ZohoSelfClientApi() };
	const poller = (node: string) =>
		createPollRunner({
			workflow: example,
			node,
			nodeTypes,
			credentialTypes,
			credentials: kit.credentials,
		});
	const changes = poller('New or Changed Lead');
	const deletions = poller('Deleted Lead');
	// Activated first (a second after the Leads were made): both start from now.
	kit.sim.advanceClock(1_000);
	expect(await changes.poll()).toBeNull();
	expect(await deletions.poll()).toBeNull();

	const sync = await runWorkflow({
		workflow: example,
		nodeTypes,
		credentialTypes,
		credentials: kit.credentials,
		timeoutMs: 60_000,
	});
	expect(sync.error).toBeUndefined();
	const loaded = sync.outputs['Load into Your Database']?.[0] ?? [];
	expect(loaded).toHaveLength(LEADS);
	expect(loaded[0]?.json).toEqual(
		expect.objectContaining({
			id: expect.any(String),
			Last_Name: 'Last1',
			Email: expect.any(String),
		}),
	);

	kit.sim.advanceClock(1_000);
	const [changed, gone] = kit.sim.records('us', 'Leads').slice(0, 2);
	kit.sim.touchCrm('us', {
		module: 'Leads',
		id: String(changed?.id),
		fields: { Company: 'Changed Co' },
	});
	kit.sim.deleteCrm('us', { module: 'Leads', ids: [String(gone?.id)] });

	const changedItems = (await changes.poll())?.[0] ?? [];
	expect(changedItems.map((item) => [item.json.id, item.json.Company])).toEqual([
		[changed?.id, 'Changed Co'],
	]);
	const deletedItems = (await deletions.poll())?.[0] ?? [];
	expect(deletedItems.map((item) => [item.json.id, item.json.type])).toEqual([
		[gone?.id, 'recycle'],
	]);

	for (const [node, items, target] of [
		['New or Changed Lead', changedItems, 'Update Your Database'],
		['Deleted Lead', deletedItems, 'Delete from Your Database'],
	] as const) {
		const run = await runWorkflow({
			workflow: example,
			startNode: node,
			inputItems: items,
			mode: 'trigger',
			nodeTypes,
			credentialTypes,
			credentials: kit.credentials,
		});
		expect([node, run.outputs[target]?.[0]?.length]).toEqual([node, 1]);
	}
	// Nothing twice.
	kit.sim.advanceClock(1_000);
	expect(await changes.poll()).toBeNull();
	expect(await deletions.poll()).toBeNull();
});
