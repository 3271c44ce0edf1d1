/** Parameters of "Create, Update, Upsert or Delete Records" (CRM and Bigin), in the order a user fills them in. */
import type { INodeProperties } from 'n8n-workflow';

import { MAX_RECORDS_PER_WRITE } from '../../../zoho/crm/records/writes';
import {
	crmVersionProperty,
	moduleProperty,
	productProperty,
} from '../../shared/crmTarget.description';
import { DEFAULT_MAX_CONCURRENCY } from '../../shared/parameters';
import { timeoutProperty } from '../../shared/timeout.description';

export const OPERATION = 'recordWrite';
const show = (extra: Record<string, string[]> = {}) => ({
	show: { operation: [OPERATION], ...extra },
});

/** The field mapper for one write: its mode decides whether matching columns are asked for. */
function columns(writeOperation: 'create' | 'update' | 'upsert'): INodeProperties {
	const mode = writeOperation === 'create' ? 'add' : writeOperation;
	return {
		displayName: 'Fields',
		name: 'columns',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		typeOptions: {
			loadOptionsDependsOn: ['product', 'crmVersion', 'module.value', 'writeOperation'],
			resourceMapper: {
				resourceMapperMethod: 'getRecordFields',
				mode,
				fieldWords: { singular: 'field', plural: 'fields' },
				addAllFields: false,
				multiKeyMatch: writeOperation === 'upsert',
				supportAutoMap: true,
				...(writeOperation === 'upsert'
					? {
							matchingFieldsLabels: {
								title: 'Duplicate Check Fields',
								description:
									"Fields Zoho looks for an existing record by (sent as duplicate_check_fields). None: the module's unique fields.",
							},
						}
					: {}),
			},
		},
		displayOptions: show({ writeOperation: [writeOperation], recordSource: ['mapper'] }),
	};
}

export const properties: INodeProperties[] = [
	productProperty(show()),
	crmVersionProperty(show({ product: ['crm'] })),
	{
		displayName: 'Write',
		name: 'writeOperation',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Create', value: 'create', description: 'Insert new records' },
			{ name: 'Delete', value: 'delete', description: 'Delete records by ID' },
			{ name: 'Update', value: 'update', description: 'Change existing records by ID' },
			{
				name: 'Create or Update',
				value: 'upsert',
				description: 'Create a new record, or update the current one if it already exists (upsert)',
			},
		],
		default: 'upsert',
		displayOptions: show(),
	},
	moduleProperty({
		defaultValue: '',
		example: 'Contacts',
		description: 'The module to write to, custom modules included',
		displayOptions: show(),
	}),
	{
		displayName: 'Record ID',
		name: 'recordId',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		description: 'ID of the record to delete; up to 100 IDs go in one call',
		displayOptions: show({ writeOperation: ['delete'] }),
	},
	{
		displayName: 'Record From',
		name: 'recordSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Field Mapping',
				value: 'mapper',
				description:
					"Map fields loaded from the module, or map the input item's fields automatically",
			},
			{ name: 'JSON', value: 'json', description: 'One JSON object per item, e.g. an expression' },
		],
		default: 'mapper',
		displayOptions: show({ writeOperation: ['create', 'update', 'upsert'] }),
	},
	columns('create'),
	columns('update'),
	columns('upsert'),
	{
		displayName:
			"Fields marked required are the ones Zoho's field settings call mandatory. A layout of the module can require more: Zoho then refuses the record with MANDATORY_NOT_FOUND, naming the field.",
		name: 'layoutMandatoryNotice',
		type: 'notice',
		default: '',
		displayOptions: show({ writeOperation: ['create', 'upsert'], recordSource: ['mapper'] }),
	},
	{
		displayName: 'Record (JSON)',
		name: 'recordJson',
		type: 'json',
		default: '={{ $json }}',
		description: "The record as field API names to values; for Update it must hold the record's ID",
		hint: 'One JSON object per item, e.g. { "Last_Name": "Smith", "Email": "smith@example.com" }',
		displayOptions: show({
			writeOperation: ['create', 'update', 'upsert'],
			recordSource: ['json'],
		}),
	},
	{
		displayName: 'Duplicate Check Fields',
		name: 'duplicateCheckFields',
		type: 'string',
		default: '',
		placeholder: 'e.g. Email',
		description:
			"Field API names, comma-separated, Zoho looks for an existing record by. Empty: the module's unique fields (e.g. Email for Leads and Contacts).",
		displayOptions: show({ writeOperation: ['upsert'], recordSource: ['json'] }),
	},
	{
		displayName: 'Triggers',
		name: 'trigger',
		type: 'options',
		options: [
			{
				name: "Zoho's Default (All)",
				value: 'default',
				description: 'Send no trigger list: Zoho runs workflow rules, approvals and blueprints',
			},
			{
				name: 'None',
				value: 'none',
				description:
					'Run no workflow rule, approval, blueprint, Pathfinder process or orchestration',
			},
			{
				name: 'Selected',
				value: 'selected',
				description: 'Run only the automation picked below; Zoho runs none of the others',
			},
		],
		default: 'default',
		displayOptions: show({ writeOperation: ['create', 'update', 'upsert'] }),
	},
	{
		displayName: 'Run Triggers',
		name: 'triggerList',
		type: 'multiOptions',
		options: [
			{ name: 'Approval', value: 'approval' },
			{ name: 'Blueprint', value: 'blueprint' },
			{ name: 'Orchestration', value: 'orchestration' },
			{ name: 'Pathfinder', value: 'pathfinder' },
			{ name: 'Workflow', value: 'workflow' },
		],
		default: ['workflow'],
		description:
			'The automation Zoho runs for these records (sent as trigger). What is not picked does not run: Workflow alone turns approvals, blueprints, Pathfinder and orchestration off.',
		displayOptions: show({ writeOperation: ['create', 'update', 'upsert'], trigger: ['selected'] }),
	},
	{
		displayName: 'Run Workflow Rules',
		name: 'deleteWorkflows',
		type: 'boolean',
		default: true,
		description:
			"Whether Zoho runs the module's workflow rules for the deleted records, as it does by default (off: sent as wf_trigger=false)",
		displayOptions: show({ writeOperation: ['delete'] }),
	},
	{
		displayName: 'Options',
		name: 'writeOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: show(),
		options: [
			{
				displayName: 'Batch Size',
				name: 'batchSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_RECORDS_PER_WRITE },
				default: MAX_RECORDS_PER_WRITE,
				description:
					'Records per API call (Zoho takes up to 100). Zoho charges a write 1 API credit per 10 records, at least 1 per call.',
			},
			{
				displayName: 'Max Concurrent Requests',
				name: 'maxConcurrency',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_MAX_CONCURRENCY,
				description:
					'Calls sent at once. Zoho limits concurrent calls per organisation (Free 5 … Ultimate 25), and writes of more than 10 records to 10 at once.',
			},
			timeoutProperty(),
		],
	},
];
