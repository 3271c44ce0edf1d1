// Create, Update, Upsert or Delete Records: batched CRM and Bigin writes, run as workflows against the simulator.
import type { IDataObject } from 'n8n-workflow';

import { callCount, items, jsonOf, startKit, writeWorkflow, type NodeKit } from './kit';

const SCOPES = [
	'ZohoCRM.modules.ALL',
	'ZohoCRM.settings.ALL',
	'ZohoBigin.modules.ALL',
	'ZohoBigin.settings.ALL',
];
let kit: NodeKit;

beforeAll(async () => {
	kit = await startKit({ scopes: SCOPES });
	kit.sim.addCrmRecordRule('us', {
		module: 'Contacts',
		field: 'Last_Name',
		equals: 'Refused',
		message: 'blocked by a validation rule',
	});
});
afterAll(() => kit.close());
beforeEach(() => kit.sim.resetCounters());

const moduleParam = (name: string) => ({ __rl: true, mode: 'name', value: name });

const contact = (prefix: string) => (i: number) => ({
	Last_Name: `${prefix}${i}`,
	Email: `${prefix.toLowerCase()}${i}@example.com`,
});
const writesOf = () => kit.sim.counters().writes;
const pairs = (result: Awaited<ReturnType<NodeKit['run']>>) =>
	(result.outputs.Zoho?.[0] ?? []).map((item) => item.pairedItem);

describe('Create, Update, Upsert or Delete Records', () => {
	it('creates 1 record with 1 call and 1 credit, answering with Zoho per-record result', async () => {
		const result = await kit.run({
			workflow: writeWorkflow({ writeOperation: 'create' }),
			inputItems: items(1, contact('One')),
		});
		expect(result.error).toBeUndefined();
		const [out] = jsonOf(result);
		expect(out).toEqual(
			expect.objectContaining({ code: 'SUCCESS', status: 'success', message: 'record added' }),
		);
		const id = (out?.details as IDataObject).id as string;
		expect(kit.sim.records('us', 'Contacts').find((record) => record.id === id)?.Email).toBe(
			'one0@example.com',
		);
		expect(callCount(kit.sim, 'POST /crm/v8/Contacts 201')).toBe(1);
		expect(kit.sim.credits('us')).toBe(1);
		expect(pairs(result)).toEqual([{ item: 0 }]);
	});

	it('upserts 100 records in 1 call and 101 in 2 calls (100 + 1)', async () => {
		await kit.run({ workflow: writeWorkflow({}), inputItems: items(100, contact('Hundred')) });
		expect(writesOf().map((write) => write.records)).toEqual([100]);
		kit.sim.resetCounters();
		const result = await kit.run({
			workflow: writeWorkflow({}),
			inputItems: items(101, contact('HundredOne')),
		});
		expect(jsonOf(result)).toHaveLength(101);
		expect(writesOf().map((write) => write.records)).toEqual([100, 1]);
		expect(callCount(kit.sim, 'POST /crm/v8/Contacts/upsert 200')).toBe(2);
		// Zoho charges writes 1 credit per 10 records (simulator/limits.ts): 10 + 1.
		expect(kit.sim.credits('us')).toBe(11);
	});

	it('upserts 10,001 records in 101 calls costing 1,001 credits, one output per input in order; again as updates', async () => {
		const input = items(10_001, contact('Bulk'));
		const first = await kit.run({
			workflow: writeWorkflow({ writeOptions: { maxConcurrency: 5 } }),
			inputItems: input,
			timeoutMs: 120_000,
		});
		expect(first.error).toBeUndefined();
		const out = jsonOf(first);
		expect(out).toHaveLength(10_001);
		expect(out.every((entry) => entry.code === 'SUCCESS' && entry.action === 'insert')).toBe(true);
		expect(
			pairs(first).every(
				(paired, index) => JSON.stringify(paired) === JSON.stringify({ item: index }),
			),
		).toBe(true);
		expect(
			kit.sim.counters().calls.filter((call) => call.path === '/crm/v8/Contacts/upsert'),
		).toHaveLength(101);
		expect(kit.sim.credits('us')).toBe(1_001);
		expect(kit.sim.counters().maxInFlight).toBeLessThanOrEqual(5);
		// Record i came back as the answer to item i.
		const byId = new Map(kit.sim.records('us', 'Contacts').map((record) => [record.id, record]));
		expect(byId.get((out[7_777]?.details as IDataObject).id as string)?.Email).toBe(
			'bulk7777@example.com',
		);

		kit.sim.resetCounters();
		const again = await kit.run({
			workflow: writeWorkflow({}),
			inputItems: input,
			timeoutMs: 120_000,
		});
		const updated = jsonOf(again);
		expect(
			updated.every((entry) => entry.action === 'update' && entry.duplicate_field === 'Email'),
		).toBe(true);
		expect(kit.sim.credits('us')).toBe(1_001);
	}, 180_000);

	it('sends several batches at once, never more than Max Concurrent Requests', async () => {
		// Zoho answering after 50 ms keeps each call open long enough for the others to start.
		kit.sim.configure({ apiLatencyMs: 50 });
		try {
			const result = await kit.run({
				workflow: writeWorkflow({ writeOptions: { maxConcurrency: 3 } }),
				inputItems: items(1_000, contact('Parallel')),
			});
			expect(jsonOf(result)).toHaveLength(1_000);
		} finally {
			kit.sim.configure({ apiLatencyMs: 0 });
		}
		expect(writesOf()).toHaveLength(10);
		expect(kit.sim.counters().maxInFlight).toBe(3);
	});

	it('Batch Size 1 sends one call per item', async () => {
		const result = await kit.run({
			workflow: writeWorkflow({ writeOptions: { batchSize: 1 } }),
			inputItems: items(25, contact('Single')),
		});
		expect(jsonOf(result)).toHaveLength(25);
		expect(writesOf()).toHaveLength(25);
		expect(kit.sim.credits('us')).toBe(25);
	});

	it('a 207 fails only the refused records: with Continue On Fail they become error items, in place', async () => {
		const input = items(10, contact('Mixed'));
		input[3] = { json: { Last_Name: 'Refused', Email: 'refused3@example.com' } };
		input[6] = { json: { Email: 'nolastname6@example.com' } };
		const result = await kit.run({
			workflow: writeWorkflow({ writeOperation: 'create' }, { continueOnFail: true }),
			inputItems: input,
		});
		expect(result.error).toBeUndefined();
		const out = jsonOf(result);
		expect(out).toHaveLength(10);
		expect(pairs(result)).toEqual(Array.from({ length: 10 }, (_, item) => ({ item })));
		expect(callCount(kit.sim, 'POST /crm/v8/Contacts 207')).toBe(1);
		expect(out[3]).toEqual(
			expect.objectContaining({
				error:
					'Zoho refused the record: INVALID_DATA (blocked by a validation rule) in field Last_Name.',
				code: 'RECORD_REFUSED',
				zohoCode: 'INVALID_DATA',
				zohoMessage: 'blocked by a validation rule',
				field: 'Last_Name',
				httpStatus: 207,
			}),
		);
		expect(out[6]).toEqual(
			expect.objectContaining({ zohoCode: 'MANDATORY_NOT_FOUND', field: 'Last_Name' }),
		);
		for (const index of [0, 1, 2, 4, 5, 7, 8, 9])
			expect(out[index]).toEqual(expect.objectContaining({ code: 'SUCCESS' }));
		expect(
			kit.sim
				.records('us', 'Contacts')
				.filter((record) => String(record.Email).startsWith('mixed')),
		).toHaveLength(8);
	});

	it('without Continue On Fail, a partial create says how many were refused and written, which are in Zoho now, and what running again does', async () => {
		const input = items(250, contact('Strict'));
		for (const index of [5, 120, 121, 122, 249])
			input[index] = { json: { Last_Name: 'Refused', Email: `x${index}@example.com` } };
		const result = await kit.run({
			workflow: writeWorkflow({ writeOperation: 'create' }),
			inputItems: input,
		});
		expect(result.error?.constructor.name).toBe('NodeApiError');
		expect(result.error?.message).toBe(
			'Zoho refused 5 of 250 records and wrote the other 245: they are in Zoho now.',
		);
		const description = (result.error as Error & { description?: string }).description ?? '';
		expect(description).toContain('item 5: INVALID_DATA (Last_Name) blocked by a validation rule');
		expect(description).toContain('item 121: INVALID_DATA (Last_Name)');
		expect(description).toContain('and 2 more');
		// Zoho wrote the others: 3 calls, 245 records, each named by item and id.
		expect(writesOf().map((write) => write.records)).toEqual([100, 100, 50]);
		const written = kit.sim
			.records('us', 'Contacts')
			.filter((record) => String(record.Email).startsWith('strict'));
		expect(written).toHaveLength(245);
		const idOf = (item: number) =>
			written.find((record) => record.Email === `strict${item}@example.com`)?.id;
		expect(description).toContain(`Written records (item → id): 0 → ${idOf(0)}, 1 → ${idOf(1)},`);
		expect(description).toContain(
			"and 225 more (the error's writtenRecords lists up to 1000). Running the node again on the same items creates them a second time",
		);
		expect(description).toContain('With Continue On Fail');
		const details = (result.error as { errorResponse?: { writtenRecords?: unknown[] } })
			.errorResponse;
		expect(details?.writtenRecords).toHaveLength(245);
		// Item 5 was refused: the sixth written record is item 6.
		expect(details?.writtenRecords?.[5]).toEqual({ item: 6, id: idOf(6) });
	});

	it('a batch Zoho refuses whole (HTTP 400, no record written) still gives one error item per record', async () => {
		const input = items(3, (i) => ({ Email: `nobody${i}@example.com` }));
		const result = await kit.run({
			workflow: writeWorkflow({ writeOperation: 'create' }, { continueOnFail: true }),
			inputItems: input,
		});
		const out = jsonOf(result);
		expect(out).toHaveLength(3);
		expect(
			out.every((entry) => entry.zohoCode === 'MANDATORY_NOT_FOUND' && entry.httpStatus === 400),
		).toBe(true);
		expect(callCount(kit.sim, 'POST /crm/v8/Contacts 400')).toBe(1);
	});

	it('records that cannot be sent fail alone, before any call', async () => {
		const workflow = writeWorkflow(
			{ writeOperation: 'create', recordJson: '={{ $json.record }}' },
			{ continueOnFail: true },
		);
		const input = [
			{ json: { record: { Last_Name: 'Good0' } } },
			{ json: { record: 42 } },
			{ json: { record: {} } },
			{ json: { record: { 'Last Name': 'Label, not API name' } } },
			{ json: { record: { Last_Name: 'x'.repeat(32_001) } } },
			{ json: { record: { Last_Name: 'Good5' } } },
		];
		const result = await kit.run({ workflow, inputItems: input });
		const out = jsonOf(result);
		expect(out).toHaveLength(6);
		expect(out.map((entry) => entry.code)).toEqual([
			'SUCCESS',
			'INVALID_INPUT',
			'INVALID_INPUT',
			'INVALID_INPUT',
			'INVALID_INPUT',
			'SUCCESS',
		]);
		expect(out[1]?.error).toBe(
			'The record must be a JSON object of field API names to values (got number 42).',
		);
		expect(out[3]?.error).toBe('"Last Name" is not a Zoho field API name.');
		expect(out[4]?.error).toBe(
			"Field Last_Name has 32001 characters; Zoho's longest text field holds 32000.",
		);
		expect(writesOf().map((write) => write.records)).toEqual([2]);

		kit.sim.resetCounters();
		const strict = await kit.run({
			workflow: writeWorkflow({ writeOperation: 'create', recordJson: '={{ $json.record }}' }),
			inputItems: input,
		});
		expect(strict.error?.constructor.name).toBe('NodeOperationError');
		expect(strict.error?.message).toBe(
			'The record must be a JSON object of field API names to values (got number 42).',
		);
		expect(kit.sim.counters().calls).toHaveLength(0);
	});

	it('updates by id, and refuses an update without one before sending', async () => {
		const [id] = kit.sim.seedCrm('us', {
			module: 'Contacts',
			count: 1,
			make: () => ({ Last_Name: 'Before', Email: 'before@example.com' }),
		});
		const workflow = writeWorkflow({ writeOperation: 'update' }, { continueOnFail: true });
		const result = await kit.run({
			workflow,
			inputItems: [{ json: { id, Last_Name: 'After' } }, { json: { Last_Name: 'No id' } }],
		});
		const out = jsonOf(result);
		expect(out[0]).toEqual(expect.objectContaining({ code: 'SUCCESS', message: 'record updated' }));
		expect(out[1]).toEqual(expect.objectContaining({ code: 'INVALID_INPUT', field: 'Record ID' }));
		expect(kit.sim.records('us', 'Contacts').find((record) => record.id === id)?.Last_Name).toBe(
			'After',
		);
		expect(callCount(kit.sim, 'PUT /crm/v8/Contacts 200')).toBe(1);
	});

	it('deletes by ids, 100 per call; an unknown id fails alone', async () => {
		const ids = kit.sim.seedCrm('us', {
			module: 'Deals',
			count: 150,
			make: (i) => ({ Deal_Name: `Deal ${i}`, Stage: 'Qualification' }),
		});
		const input = [...ids.map((id) => ({ json: { id } })), { json: { id: '999999999' } }];
		const result = await kit.run({
			workflow: writeWorkflow(
				{ writeOperation: 'delete', module: moduleParam('Deals') },
				{ continueOnFail: true },
			),
			inputItems: input,
		});
		const out = jsonOf(result);
		expect(out).toHaveLength(151);
		expect(
			out
				.slice(0, 150)
				.every((entry) => entry.code === 'SUCCESS' && entry.message === 'record deleted'),
		).toBe(true);
		expect(out[150]).toEqual(
			expect.objectContaining({ zohoCode: 'INVALID_DATA', code: 'RECORD_REFUSED' }),
		);
		expect(writesOf().map((write) => [write.method, write.records])).toEqual([
			['DELETE', 100],
			['DELETE', 51],
		]);
		expect(kit.sim.records('us', 'Deals')).toHaveLength(0);
	});

	it("sends Zoho's trigger list: omitted by default, [] for None, the chosen ones for Selected", async () => {
		const input = items(1, contact('Trigger'));
		await kit.run({ workflow: writeWorkflow({}), inputItems: input });
		await kit.run({ workflow: writeWorkflow({ trigger: 'none' }), inputItems: input });
		await kit.run({
			workflow: writeWorkflow({ trigger: 'selected', triggerList: ['workflow', 'blueprint'] }),
			inputItems: input,
		});
		// Zoho's other two, which its default list leaves out, can be chosen too.
		await kit.run({
			workflow: writeWorkflow({
				trigger: 'selected',
				triggerList: ['pathfinder', 'orchestration', 'workflow'],
			}),
			inputItems: input,
		});
		expect(writesOf().map((write) => write.trigger)).toEqual([
			undefined,
			[],
			['workflow', 'blueprint'],
			['pathfinder', 'orchestration', 'workflow'],
		]);
		const unknown = await kit.run({
			workflow: writeWorkflow({ trigger: 'selected', triggerList: ['macro'] }),
			inputItems: input,
		});
		expect(unknown.error?.message).toBe('Unknown trigger "macro".');
		expect((unknown.error as { description?: string }).description).toBe(
			'Pick Workflow, Approval, Blueprint, Pathfinder or Orchestration.',
		);
	});

	it("Delete runs the module's workflow rules as Zoho does by default, or none with wf_trigger=false", async () => {
		const ids = kit.sim.seedCrm('us', {
			module: 'Deals',
			count: 2,
			make: (i) => ({ Deal_Name: `Wf ${i}`, Stage: 'Qualification' }),
		});
		const remove = (parameters: IDataObject, id: string) =>
			kit.run({
				workflow: writeWorkflow({
					writeOperation: 'delete',
					module: moduleParam('Deals'),
					...parameters,
				}),
				inputItems: [{ json: { id } }],
			});
		expect((await remove({}, ids[0] ?? '')).error).toBeUndefined();
		expect((await remove({ deleteWorkflows: false }, ids[1] ?? '')).error).toBeUndefined();
		expect(writesOf().map((write) => [write.method, write.wfTrigger])).toEqual([
			['DELETE', undefined],
			['DELETE', 'false'],
		]);
		expect(kit.sim.records('us', 'Deals').filter((r) => ids.includes(r.id))).toHaveLength(0);
	});

	it('maps fields with the field mapper, or automatically from the item, with duplicate-check fields for upsert', async () => {
		const schema = [
			{
				id: 'Last_Name',
				displayName: 'Last Name',
				required: true,
				defaultMatch: false,
				display: true,
				type: 'string',
			},
			{
				id: 'Email',
				displayName: 'Email',
				required: false,
				defaultMatch: true,
				canBeUsedToMatch: true,
				display: true,
				type: 'string',
			},
		];
		const mapped = writeWorkflow({
			recordSource: 'mapper',
			columns: {
				mappingMode: 'defineBelow',
				value: { Last_Name: '={{ $json.name }}', Email: '={{ $json.mail }}' },
				matchingColumns: ['Email'],
				schema,
			},
		});
		const result = await kit.run({
			workflow: mapped,
			inputItems: [{ json: { name: 'Mapped', mail: 'mapped@example.com' } }],
		});
		expect(jsonOf(result)[0]).toEqual(
			expect.objectContaining({ code: 'SUCCESS', action: 'insert' }),
		);
		const auto = writeWorkflow({
			recordSource: 'mapper',
			columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['Email'], schema },
		});
		const again = await kit.run({
			workflow: auto,
			inputItems: [{ json: { Last_Name: 'Mapped Again', Email: 'mapped@example.com' } }],
		});
		expect(jsonOf(again)[0]).toEqual(
			expect.objectContaining({ action: 'update', duplicate_field: 'Email' }),
		);
		expect(writesOf().map((write) => write.duplicateCheckFields)).toEqual([['Email'], ['Email']]);
		expect(
			kit.sim
				.records('us', 'Contacts')
				.filter((record) => record.Email === 'mapped@example.com')
				.map((record) => record.Last_Name),
		).toEqual(['Mapped Again']);
	});

	it('writes to a custom module, with its unique field as the duplicate check', async () => {
		kit.sim.defineCrmModule('us', {
			api_name: 'Projects_X',
			plural_label: 'Projects',
			fields: [
				{ api_name: 'Name', system_mandatory: true },
				{ api_name: 'Code', unique: true, length: 8 },
			],
		});
		const workflow = writeWorkflow({ module: moduleParam('Projects_X') }, { continueOnFail: true });
		const result = await kit.run({
			workflow,
			inputItems: [
				{ json: { Name: 'Apollo', Code: 'AP-1' } },
				{ json: { Name: 'Apollo 2', Code: 'AP-1' } },
				{ json: { Name: 'Long', Code: 'TOO-LONG-CODE' } },
			],
		});
		const out = jsonOf(result);
		expect(out.map((entry) => entry.action ?? entry.zohoCode)).toEqual([
			'insert',
			'update',
			'INVALID_DATA',
		]);
		expect(out[1]?.duplicate_field).toBe('Code');
		expect(out[2]?.field).toBe('Code');
		expect(callCount(kit.sim, 'POST /crm/v8/Projects_X/upsert 207')).toBe(1);
	});

	it('writes Bigin records through /bigin/v2', async () => {
		const workflow = writeWorkflow(
			{ product: 'bigin', writeOperation: 'create', module: moduleParam('Pipelines') },
			{ continueOnFail: true },
		);
		const result = await kit.run({
			workflow,
			inputItems: [{ json: { Deal_Name: 'Big deal', Amount: 5000 } }, { json: { Amount: 1 } }],
		});
		const out = jsonOf(result);
		expect(out[0]).toEqual(expect.objectContaining({ code: 'SUCCESS' }));
		expect(out[1]).toEqual(
			expect.objectContaining({ zohoCode: 'MANDATORY_NOT_FOUND', field: 'Deal_Name' }),
		);
		expect(callCount(kit.sim, 'POST /bigin/v2/Pipelines 207')).toBe(1);
		expect(kit.sim.records('us', 'Pipelines', 'bigin').map((record) => record.Deal_Name)).toEqual([
			'Big deal',
		]);
	});

	it('refuses a Batch Size above 100 and an empty module, naming the field', async () => {
		const big = await kit.run({
			workflow: writeWorkflow({ writeOptions: { batchSize: 101 } }),
			inputItems: items(1, contact('Big')),
		});
		expect(big.error?.message).toBe('Batch Size must be at most 100 (got 101).');
		const noModule = await kit.run({
			workflow: writeWorkflow(
				{ module: moduleParam('={{ $json.module }}') },
				{ continueOnFail: true },
			),
			inputItems: items(2, contact('NoModule')),
		});
		expect(jsonOf(noModule).map((entry) => entry.error)).toEqual([
			'Module is empty.',
			'Module is empty.',
		]);
		expect(kit.sim.counters().calls).toHaveLength(0);
	});
});
