/** The trigger's parameters: where to watch, which event, which fields. */
import type { INodeProperties } from 'n8n-workflow';

import { startFromProperty, timeoutProperty } from '../shared/options.description';
import {
	crmVersionProperty,
	moduleProperty,
	productProperty,
} from '../shared/crmTarget.description';

export const triggerProperties: INodeProperties[] = [
	productProperty(),
	crmVersionProperty({ show: { product: ['crm'] } }),
	moduleProperty({
		defaultValue: 'Leads',
		example: 'Leads',
		description: 'The module to watch, custom modules included',
	}),
	{
		displayName: 'Event',
		name: 'event',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Created or Updated',
				value: 'createdOrUpdated',
				description: 'A record was created, or changed (Modified_Time moved)',
			},
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
			startFromProperty(
				'On first activation, emit the records changed since this time. Empty: start from the moment the workflow is activated.',
			),
			timeoutProperty,
		],
	},
];
