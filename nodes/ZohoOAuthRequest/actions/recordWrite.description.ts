/** Parameters of "Create, Update, Upsert or Delete Records" (CRM and Bigin), in the order a user fills them in. */
import type { INodeProperties } from 'n8n-workflow';

import { MAX_RECORDS_PER_WRITE } from '../../../zoho/crm/records/writes';
import {
	crmVersionProperty,
	moduleProperty,
	productProperty,
} from '../../shared/crmTarget.description';
import { choices } from '../../shared/description';
import { DEFAULT_MAX_CONCURRENCY } from '../../shared/parameters';
import { timeoutProperty } from '../../shared/timeout.description';

export const OPERATION = 'recordWrite';

/** The writes that send a record (Delete sends only its ID). */
const SEND_RECORD = ['create', 'update', 'upsert'];

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
		displayOptions: { show: { writeOperation: [writeOperation], recordSource: ['mapper'] } },
	};
}

export const properties: INodeProperties[] = [
	productProperty(),
	crmVersionProperty({ show: { product: ['crm'] } }),
	{
		displayName: 'Write',
		name: 'writeOperation',
		type: 'options',
		noDataExpression: true,
		options: choices([
			['Create', 'create', 'Insert new records'],
			['Delete', 'delete', 'Delete records by ID'],
			['Update', 'update', 'Change existing records by ID'],
			[
				'Create or Update',
				'upsert',
				'Create a new record, or update the current one if it already exists (upsert)',
			],
		]),
		default: 'upsert',
	},
	moduleProperty({
		defaultValue: '',
		example: 'Contacts',
		description: 'The module to write to, custom modules included',
	}),
	{
		displayName: 'Record ID',
		name: 'recordId',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		description: 'ID of the record to delete; up to 100 IDs go in one call',
		displayOptions: { show: { writeOperation: ['delete'] } },
	},
	{
		displayName: 'Record From',
		name: 'recordSource',
		type: 'options',
		noDataExpression: true,
		options: choices([
			[
				'Field Mapping',
				'mapper',
				"Map fields loaded from the module, or map the input item's fields automatically",
			],
			['JSON', 'json', 'One JSON object per item, e.g. an expression'],
		]),
		default: 'mapper',
		displayOptions: { show: { writeOperation: SEND_RECORD } },
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
		displayOptions: { show: { writeOperation: ['create', 'upsert'], recordSource: ['mapper'] } },
	},
	{
		displayName: 'Record (JSON)',
		name: 'recordJson',
		type: 'json',
		default: '={{ $json }}',
		description: "The record as field API names to values; for Update it must hold the record's ID",
		hint: 'One JSON object per item, e.g. { "Last_Name": "Smith", "Email": "smith@example.com" }',
		displayOptions: { show: { writeOperation: SEND_RECORD, recordSource: ['json'] } },
	},
	{
		displayName: 'Duplicate Check Fields',
		name: 'duplicateCheckFields',
		type: 'string',
		default: '',
		placeholder: 'e.g. Email',
		description:
			"Field API names, comma-separated, Zoho looks for an existing record by. Empty: the module's unique fields (e.g. Email for Leads and Contacts).",
		displayOptions: { show: { writeOperation: ['upsert'], recordSource: ['json'] } },
	},
	{
		displayName: 'Triggers',
		name: 'trigger',
		type: 'options',
		options: choices([
			[
				"Zoho's Default (All)",
				'default',
				'Send no trigger list: Zoho runs workflow rules, approvals and blueprints',
			],
			[
				'None',
				'none',
				'Run no workflow rule, approval, blueprint, Pathfinder process or orchestration',
			],
			[
				'Selected',
				'selected',
				'Run only the automation picked below; Zoho runs none of the others',
			],
		]),
		default: 'default',
		displayOptions: { show: { writeOperation: SEND_RECORD } },
	},
	{
		displayName: 'Run Triggers',
		name: 'triggerList',
		type: 'multiOptions',
		options: choices([
			['Approval', 'approval'],
			['Blueprint', 'blueprint'],
			['Orchestration', 'orchestration'],
			['Pathfinder', 'pathfinder'],
			['Workflow', 'workflow'],
		]),
		default: ['workflow'],
		description:
			'The automation Zoho runs for these records (sent as trigger). What is not picked does not run: Workflow alone turns approvals, blueprints, Pathfinder and orchestration off.',
		displayOptions: { show: { writeOperation: SEND_RECORD, trigger: ['selected'] } },
	},
	{
		displayName: 'Run Workflow Rules',
		name: 'deleteWorkflows',
		type: 'boolean',
		default: true,
		description:
			"Whether Zoho runs the module's workflow rules for the deleted records, as it does by default (off: sent as wf_trigger=false)",
		displayOptions: { show: { writeOperation: ['delete'] } },
	},
	{
		displayName: 'Options',
		name: 'writeOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
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
