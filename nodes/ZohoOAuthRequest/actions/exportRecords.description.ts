/** Parameters of "Export Records (Bulk Read)", in the order a user fills them in. */
import type { INodeProperties } from 'n8n-workflow';

import { crmVersionProperty, moduleProperty } from '../../shared/crmTarget.description';
import { timeoutProperty } from '../../shared/timeout.description';

/** How long a job may take by default (minutes): Zoho queues an org's export jobs. */
export const DEFAULT_MAX_WAIT_MINUTES = 60;

export const properties: INodeProperties[] = [
	crmVersionProperty({}),
	moduleProperty({
		readable: true,
		defaultValue: '',
		example: 'Contacts',
		description:
			'The module to export, custom modules included (Zoho does not export Notes, Attachments or Emails)',
	}),
	{
		displayName: 'Field Names or IDs',
		name: 'fields',
		type: 'multiOptions',
		typeOptions: {
			loadOptionsMethod: 'getModuleFields',
			loadOptionsDependsOn: ['crmVersion', 'module.value'],
		},
		default: [],
		description:
			'The fields to export; empty exports every field. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Output',
		name: 'exportOutput',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'One Item per Record',
				value: 'records',
				description:
					"Each record as an item, numbers, booleans, lists and lookups restored from the module's field types",
			},
			{
				name: 'One CSV File per Page',
				value: 'csvFile',
				description:
					"Zoho's CSV as it comes, a file of up to 200,000 records per item, for loading elsewhere",
			},
		],
		default: 'records',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field to put each CSV file in',
		displayOptions: { show: { exportOutput: ['csvFile'] } },
	},
	{
		displayName: 'Filters',
		name: 'exportFilters',
		type: 'collection',
		placeholder: 'Add filter',
		default: {},
		options: [
			{
				displayName: 'Modified From',
				name: 'modifiedFrom',
				type: 'dateTime',
				default: '',
				description:
					'Only records changed at or after this time (Modified_Time): the next run of an incremental export starts where the last one ended',
			},
			{
				displayName: 'Modified To',
				name: 'modifiedTo',
				type: 'dateTime',
				default: '',
				description: 'Only records changed at or before this time (Modified_Time)',
			},
			{
				displayName: 'Criteria (JSON)',
				name: 'criteriaJson',
				type: 'json',
				default: '',
				description:
					"Zoho's Bulk Read criteria: a condition or a group of up to 25, combined with the Modified range by AND",
				hint: 'e.g. { "field": { "api_name": "Lead_Source" }, "comparator": "equal", "value": "Web" }',
			},
			{
				displayName: 'Custom View ID',
				name: 'customViewId',
				type: 'string',
				default: '',
				description:
					"Only the records of this custom view of the module (its ID from the view's URL in Zoho CRM)",
			},
		],
	},
	{
		displayName: 'Options',
		name: 'exportOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Max Wait (Minutes)',
				name: 'maxWaitMinutes',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_MAX_WAIT_MINUTES,
				description:
					'How long to wait for each export job before failing. Zoho runs jobs in a queue; the node asks for the state after 2 s, then less and less often (at most every 30 s).',
			},
			timeoutProperty(),
		],
	},
];
