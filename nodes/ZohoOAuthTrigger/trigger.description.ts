/** The trigger's parameters: where to watch, which event, which fields. */
import type { INodeProperties } from 'n8n-workflow';

import { startFromProperty } from '../shared/startFrom.description';
import {
	crmVersionProperty,
	moduleProperty,
	productProperty,
} from '../shared/crmTarget.description';
import { choices } from '../shared/description';
import { timeoutProperty } from '../shared/timeout.description';

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
		options: choices([
			[
				'Created or Updated',
				'createdOrUpdated',
				'A record was created, or changed (Modified_Time moved)',
			],
			['Created', 'created', 'A record was created (Created_Time)'],
			['Deleted', 'deleted', 'A record was deleted: to the recycle bin, or for good (CRM)'],
		]),
		default: 'createdOrUpdated',
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'string',
		default: '',
		placeholder: 'Last_Name,Email,Company',
		description:
			"Field API names to return, separated by commas: at most 48, as the trigger adds Modified_Time and Created_Time (Zoho lists at most 50). Empty: the module's first 50 fields in Zoho's order, read from its field settings.",
		// A deleted record comes as Zoho lists it: id, display_name, type, deleted_by, deleted_time.
		displayOptions: { hide: { event: ['deleted'] } },
	},
	{
		displayName: 'Pipeline ID',
		name: 'pipelineId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 2034020000000645063',
		description:
			"For the module Pipelines: the Team Pipeline to watch (Bigin lists Pipelines one pipeline at a time). It is the ID of the pipeline's layout in GET /bigin/v2/settings/layouts?module=Pipelines.",
		displayOptions: { show: { product: ['bigin'] } },
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
			timeoutProperty(),
		],
	},
];
