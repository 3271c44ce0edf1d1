/** The trigger's parameters: where to watch, which event, which fields. */
import type { INodeProperties } from 'n8n-workflow';

import { CRM_VERSIONS } from '../../zoho/services';

export const triggerProperties: INodeProperties[] = [
	{
		displayName: 'Product',
		name: 'product',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'CRM', value: 'crm', description: 'Zoho CRM modules (www.zohoapis.com/crm/v8)' },
			{ name: 'Bigin', value: 'bigin', description: 'Bigin modules (www.zohoapis.com/bigin/v2)' },
		],
		default: 'crm',
	},
	{
		displayName: 'API Version',
		name: 'crmVersion',
		type: 'options',
		options: [...CRM_VERSIONS].reverse().map((v) => ({ name: v, value: v })),
		default: 'v8',
		description: 'Zoho CRM API version. From v3 on, a poll reads past 2,000 changed records with page tokens.',
		displayOptions: { show: { product: ['crm'] } },
	},
	{
		displayName: 'Module',
		name: 'module',
		type: 'resourceLocator',
		default: { mode: 'list', value: 'Leads' },
		required: true,
		description: 'The module to watch, custom modules included',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchModules', searchable: true },
			},
			{
				displayName: 'By API Name',
				name: 'name',
				type: 'string',
				placeholder: 'e.g. Leads',
				validation: [{ type: 'regex', properties: { regex: '^[A-Za-z][A-Za-z0-9_]*$', errorMessage: 'Enter a module API name, e.g. Leads' } }],
			},
		],
	},
	{
		displayName: 'Event',
		name: 'event',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Created or Updated', value: 'createdOrUpdated', description: 'A record was created, or changed (Modified_Time moved)' },
			{ name: 'Created', value: 'created', description: 'A record was created (Created_Time)' },
		],
		default: 'createdOrUpdated',
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'string',
		default: '',
		placeholder: 'Last_Name,Email,Company',
		description:
			'Field API names to return, separated by commas. Empty: the fields Zoho returns by default. The trigger always adds Modified_Time and Created_Time.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Start From',
				name: 'startFrom',
				type: 'dateTime',
				default: '',
				description:
					'On first activation, emit the records changed since this time. Empty: start from the moment the workflow is activated.',
			},
			{
				displayName: 'Timeout',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 30000,
				description: 'Milliseconds to wait for each Zoho answer',
			},
		],
	},
];
