// The module picker and the field mapper of "Create, Update, Upsert or Delete Records", loaded from the
// simulator through n8n-core's own LoadOptionsContext (what the editor runs).
import { LoadOptionsContext } from 'n8n-core';
import type {
	IDataObject,
	INode,
	IWorkflowExecuteAdditionalData,
	ResourceMapperField,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { ZohoSelfClientApi } from '../../credentials/ZohoSelfClientApi.credentials';
import { ZohoOAuthInstantTrigger } from '../../nodes/ZohoOAuthInstantTrigger/ZohoOAuthInstantTrigger.node';
import { ZohoOAuthRequest } from '../../nodes/ZohoOAuthRequest/ZohoOAuthRequest.node';
import { ZohoOAuthTrigger } from '../../nodes/ZohoOAuthTrigger/ZohoOAuthTrigger.node';
import { builtinNodeTypes, HarnessCredentialsHelper } from '../../harness';
import { prepareHarnessEnvironment } from '../../harness/environment';
import { HarnessNodeTypes } from '../../harness/nodeTypes';
import { NODE_TYPE } from '../../harness/zohoWorkflow';
import { callCount, startKit, zohoWorkflow, type NodeKit } from './kit';

let kit: NodeKit;
const nodeType = new ZohoOAuthRequest();

beforeAll(async () => {
	prepareHarnessEnvironment();
	kit = await startKit({
		scopes: [
			'ZohoCRM.modules.ALL',
			'ZohoCRM.settings.modules.READ',
			'ZohoCRM.settings.fields.READ',
			'ZohoBigin.settings.ALL',
		],
	});
	kit.sim.defineCrmModule('us', {
		api_name: 'Projects_X',
		plural_label: 'Projects',
		fields: [
			{ api_name: 'Name', field_label: 'Project Name', system_mandatory: true },
			{ api_name: 'Code', unique: true },
			{ api_name: 'Phase', data_type: 'picklist', pick_list_values: ['Plan', 'Build'] },
			{ api_name: 'Budget', data_type: 'currency' },
			{ api_name: 'Lines', data_type: 'subform' },
			{ api_name: 'Set_Once', api_update: false },
			{ api_name: 'Update_Only', api_create: false },
			{ api_name: 'Sign_Off', layout_mandatory: true },
		],
	});
});
afterAll(() => kit.close());
beforeEach(() => kit.sim.resetCounters());

/** A LoadOptionsContext for the Zoho node with these parameters, as the editor builds it. */
function loadOptionsContext(parameters: IDataObject): LoadOptionsContext {
	const json = zohoWorkflow({ operation: 'recordWrite', recordSource: 'mapper', ...parameters });
	const nodeTypes = new HarnessNodeTypes(
		{ ...builtinNodeTypes(), [NODE_TYPE]: nodeType },
		() => undefined,
	);
	const nodes = structuredClone(json.nodes) as INode[];
	const workflow = new Workflow({ id: 'wf', nodes, connections: {}, active: false, nodeTypes });
	const node = workflow.getNode('Zoho');
	if (!node) throw new Error('the workflow has no Zoho node');
	const credentialsHelper = new HarnessCredentialsHelper(
		{ zohoSelfClientApi: new ZohoSelfClientApi() },
		kit.credentials,
	);
	const additionalData = {
		credentialsHelper,
		currentNodeParameters: node.parameters,
	} as unknown as IWorkflowExecuteAdditionalData;
	return new LoadOptionsContext(workflow, node, additionalData, 'parameters.module');
}

const byId = (fields: ResourceMapperField[], id: string) => fields.find((field) => field.id === id);

describe('module list and field mapping', () => {
	it('lists the modules records can be written to, custom modules included, filtered by what is typed', async () => {
		const search = nodeType.methods.listSearch.searchModules;
		const all = await search.call(loadOptionsContext({}));
		const names = all.results.map((entry) => entry.value);
		expect(names).toEqual(expect.arrayContaining(['Leads', 'Contacts', 'Deals', 'Projects_X']));
		// Rows that hold no records of their own: the Home page, a subform, a field tracker, a web tab.
		for (const row of ['Home', 'Feeds', 'Subform_1', 'DealHistory', 'webtab'])
			expect(names).not.toContain(row);
		expect(all.results.find((entry) => entry.value === 'Projects_X')?.name).toBe(
			'Projects (Projects_X)',
		);
		const filtered = await search.call(loadOptionsContext({}), 'proj');
		expect(filtered.results.map((entry) => entry.value)).toEqual(['Projects_X']);
		expect(callCount(kit.sim, 'GET /crm/v8/settings/modules 200')).toBe(2);
	});

	it("loads a custom module's fields for the mapper: types, mandatory fields, unique fields to match on for upsert", async () => {
		const getFields = nodeType.methods.resourceMapping.getRecordFields;
		const { fields } = await getFields.call(
			loadOptionsContext({
				writeOperation: 'upsert',
				module: { __rl: true, mode: 'list', value: 'Projects_X' },
			}),
		);
		// Name is a custom module's system duplicate check field (Zoho's upsert docs).
		expect(byId(fields, 'Name')).toEqual(
			expect.objectContaining({
				displayName: 'Project Name',
				required: true,
				type: 'string',
				canBeUsedToMatch: true,
			}),
		);
		expect(byId(fields, 'Code')).toEqual(
			expect.objectContaining({ required: false, defaultMatch: true, canBeUsedToMatch: true }),
		);
		expect(byId(fields, 'Phase')).toEqual(
			expect.objectContaining({
				type: 'options',
				options: [
					{ name: 'Plan', value: 'Plan' },
					{ name: 'Build', value: 'Build' },
				],
			}),
		);
		expect(byId(fields, 'Budget')?.type).toBe('number');
		// Types from Zoho's json_type where the data type says nothing to the mapper: a subform is a list.
		expect(byId(fields, 'Lines')?.type).toBe('array');
		expect(byId(fields, 'Owner')?.type).toBe('object');
		// Read-only system fields are not offered.
		expect(byId(fields, 'Created_Time')).toBeUndefined();
		// A layout-mandatory field is not known as mandatory: settings/fields does not say so.
		expect(byId(fields, 'Sign_Off')?.required).toBe(false);
		expect(callCount(kit.sim, 'GET /crm/v8/settings/fields 200')).toBe(1);
	});

	it("offers each write the fields the API may set in it (operation_type's api_create, api_update)", async () => {
		const getFields = nodeType.methods.resourceMapping.getRecordFields;
		const offered = async (writeOperation: string) =>
			(
				await getFields.call(
					loadOptionsContext({
						writeOperation,
						module: { __rl: true, mode: 'list', value: 'Projects_X' },
					}),
				)
			).fields.map((field) => field.id);
		const create = await offered('create');
		const update = await offered('update');
		const upsert = await offered('upsert');
		expect([create.includes('Set_Once'), create.includes('Update_Only')]).toEqual([true, false]);
		expect([update.includes('Set_Once'), update.includes('Update_Only')]).toEqual([false, true]);
		expect([upsert.includes('Set_Once'), upsert.includes('Update_Only')]).toEqual([true, true]);
	});

	it("the trigger's picker lists modules whose records can be read, hidden ones included", async () => {
		const search = new ZohoOAuthTrigger().methods.listSearch.searchModules;
		const names = (await search.call(loadOptionsContext({}))).results.map((entry) => entry.value);
		expect(names).toEqual(expect.arrayContaining(['Leads', 'Projects_X', 'Notes']));
		for (const row of ['Home', 'Feeds', 'Subform_1', 'DealHistory', 'webtab'])
			expect(names).not.toContain(row);
	});

	it("the instant trigger's picker lists only what Zoho's Notification API watches, custom modules included", async () => {
		const trigger = new ZohoOAuthInstantTrigger();
		const search = trigger.methods.listSearch.searchWatchableModules;
		const names = (await search.call(loadOptionsContext({}))).results.map((entry) => entry.value);
		expect(names).toEqual(
			expect.arrayContaining(['Leads', 'Contacts', 'Deals', 'Events', 'Calls', 'Projects_X']),
		);
		// Notes is hidden but readable: the polling trigger offers it, Zoho will not watch it.
		for (const row of ['Notes', 'Home', 'Feeds', 'Subform_1', 'DealHistory', 'webtab'])
			expect(names).not.toContain(row);
		const picker = trigger.description.properties.find((property) => property.name === 'module');
		expect(picker?.modes?.[0]?.typeOptions?.searchListMethod).toBe('searchWatchableModules');
	});

	it("Export Records' and Get Deleted Records' picker lists read-only modules the write picker leaves out", async () => {
		kit.sim.defineCrmModule('us', {
			api_name: 'Visits_X',
			creatable: false,
			editable: false,
			fields: [{ api_name: 'Name' }],
		});
		const readable = nodeType.methods.listSearch.searchReadableModules;
		const read = (await readable.call(loadOptionsContext({}))).results.map((entry) => entry.value);
		expect(read).toEqual(expect.arrayContaining(['Leads', 'Projects_X', 'Visits_X']));
		for (const row of ['Home', 'Subform_1', 'DealHistory', 'webtab'])
			expect(read).not.toContain(row);
		const writable = nodeType.methods.listSearch.searchModules;
		const written = (await writable.call(loadOptionsContext({}))).results.map(
			(entry) => entry.value,
		);
		expect(written).toContain('Projects_X');
		expect(written).not.toContain('Visits_X');
		const pickers = nodeType.description.properties
			.filter((property) => property.name === 'module')
			.map((property) => [
				property.displayOptions?.show?.operation,
				property.modes?.[0]?.typeOptions?.searchListMethod,
			]);
		expect(pickers).toEqual(
			expect.arrayContaining([
				[['exportRecords'], 'searchReadableModules'],
				[['deletedRecords'], 'searchReadableModules'],
				[['recordWrite'], 'searchModules'],
			]),
		);
	});

	it.each([
		['Campaigns', 'Campaign_Name'],
		['Cases', 'Subject'],
		['Vendors', 'Vendor_Name'],
		['Price_Books', 'Price_Book_Name'],
		['Invoices', 'Subject'],
	])("offers Zoho's system duplicate check field of %s (%s) to match on", async (module, field) => {
		const { fields } = await nodeType.methods.resourceMapping.getRecordFields.call(
			loadOptionsContext({
				writeOperation: 'upsert',
				module: { __rl: true, mode: 'name', value: module },
			}),
		);
		expect(fields.filter((entry) => entry.defaultMatch).map((entry) => entry.id)).toEqual([field]);
	});

	it('offers Email as the duplicate check of Contacts, and the record ID for updates', async () => {
		const getFields = nodeType.methods.resourceMapping.getRecordFields;
		const upsert = await getFields.call(
			loadOptionsContext({
				writeOperation: 'upsert',
				module: { __rl: true, mode: 'name', value: 'Contacts' },
			}),
		);
		expect(upsert.fields.filter((field) => field.defaultMatch).map((field) => field.id)).toEqual([
			'Email',
		]);
		expect(byId(upsert.fields, 'Last_Name')?.required).toBe(true);
		const update = await getFields.call(
			loadOptionsContext({
				writeOperation: 'update',
				module: { __rl: true, mode: 'name', value: 'Contacts' },
			}),
		);
		expect(update.fields[0]).toEqual(
			expect.objectContaining({ id: 'id', required: true, defaultMatch: true }),
		);
		expect(byId(update.fields, 'Last_Name')?.required).toBe(false);
	});

	it('loads Bigin modules from /bigin/v2/settings/modules', async () => {
		const result = await nodeType.methods.listSearch.searchModules.call(
			loadOptionsContext({ product: 'bigin' }),
		);
		expect(result.results.map((entry) => entry.value)).toEqual(
			expect.arrayContaining(['Contacts', 'Pipelines']),
		);
		expect(callCount(kit.sim, 'GET /bigin/v2/settings/modules 200')).toBe(1);
	});

	it('without a settings scope the picker fails with Zoho code and the scope to add', async () => {
		const narrow = kit.sim.createRefreshToken('us', {
			clientId: kit.clientId,
			scopes: ['ZohoCRM.modules.ALL'],
		});
		const stored = kit.credentials['zoho-sim'];
		if (!stored) throw new Error('no stored credential');
		const saved = { ...stored.data };
		stored.data = { ...stored.data, refreshToken: narrow, accessToken: '' };
		kit.resetRuntime();
		try {
			const failure: unknown = await nodeType.methods.listSearch.searchModules
				.call(loadOptionsContext({}))
				.then(
					() => undefined,
					(error: unknown) => error,
				);
			expect((failure as Error).constructor.name).toBe('NodeApiError');
			expect((failure as Error).message).toMatch(
				/^The access token's scopes do not allow GET .*\/crm\/v8\/settings\/modules \(OAUTH_SCOPE_MISMATCH\): it needs ZohoCRM\.settings\.READ\.$/,
			);
			expect((failure as { description?: string }).description).toContain(
				'The token has the scopes: ZohoCRM.modules.ALL.',
			);
		} finally {
			stored.data = saved;
			kit.resetRuntime();
		}
	});

	it("lists Export Records' fields from the org, custom fields included, and nothing before a module is picked", async () => {
		const load = nodeType.methods.loadOptions.getModuleFields;
		const fields = await load.call(
			loadOptionsContext({
				operation: 'exportRecords',
				module: { __rl: true, mode: 'list', value: 'Projects_X' },
			}),
		);
		expect(fields).toEqual(
			expect.arrayContaining([
				{ name: 'Project Name (Name)', value: 'Name' },
				{ name: 'Budget (Budget)', value: 'Budget' },
				{ name: 'Modified Time (Modified_Time)', value: 'Modified_Time' },
			]),
		);
		expect(fields.map((field) => field.name)).toEqual(
			[...fields.map((field) => field.name)].sort((a, b) => a.localeCompare(b)),
		);
		expect(
			await load.call(
				loadOptionsContext({
					operation: 'exportRecords',
					module: { __rl: true, mode: 'list', value: '' },
				}),
			),
		).toEqual([]);
		expect(callCount(kit.sim, 'GET /crm/v8/settings/fields 200')).toBe(1);
	});
});
