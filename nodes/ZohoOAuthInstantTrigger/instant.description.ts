/** The instant trigger's parameters: which module, which events, which fields, and how it keeps up. */
import type { INodeProperties } from 'n8n-workflow';

import { choices } from '../shared/description';
import { startFromProperty } from '../shared/startFrom.description';
import { moduleProperty } from '../shared/crmTarget.description';
import { timeoutProperty } from '../shared/timeout.description';

export const DEFAULT_CHECK_MINUTES = 60;

export const instantProperties: INodeProperties[] = [
	{
		displayName:
			"Zoho sends each change to n8n within seconds, to this node's webhook URL: Zoho reaches only a public HTTPS address, so if the URL starts with http:// or names localhost, 127.0.0.1 or a private address, set N8N_WEBHOOK_URL (n8n 2.x) or WEBHOOK_URL (n8n 1.x) to n8n's public https:// address and restart n8n. The credential needs the scope ZohoCRM.notifications.ALL.",
		name: 'notice',
		type: 'notice',
		default: '',
	},
	moduleProperty({
		defaultValue: 'Leads',
		example: 'Leads',
		description:
			"The CRM module to watch: the list holds those Zoho's Notification API watches, custom modules included",
		watchable: true,
	}),
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		options: choices([
			['Created', 'created', 'A record was created'],
			['Deleted', 'deleted', 'A record was deleted (the item carries its ID only)'],
			['Edited', 'edited', 'A record was changed'],
		]),
		default: ['created', 'edited'],
		description: 'Which changes start the workflow',
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'string',
		default: '',
		placeholder: 'Last_Name,Email,Company',
		description:
			"Field API names to return, separated by commas. Empty: the module's fields (Zoho returns at most 50 per call). Modified_Time and Created_Time are always added.",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Catch Up Missed Changes',
				name: 'catchUp',
				type: 'boolean',
				default: true,
				description:
					'Whether to read what changed since the last change handled, at activation and every Check Interval, and emit what no notification brought (n8n was down, a delivery failed). With Fields to Watch set, only new records are caught up.',
			},
			{
				displayName: 'Check Interval (Minutes)',
				name: 'checkMinutes',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_CHECK_MINUTES,
				description:
					"How often the trigger catches up and checks the channel with Zoho (one API call each time). The channel is renewed before Zoho's week runs out whatever the interval.",
			},
			{
				displayName: 'Fields to Watch',
				name: 'watchFields',
				type: 'string',
				default: '',
				placeholder: 'Email,Phone',
				description:
					'Field API names (1 to 10, separated by commas): an edit starts the workflow only when one of them (or all, see Match) changed. Created and deleted records always do.',
			},
			{
				displayName: 'Fields to Watch Match',
				name: 'watchOperator',
				type: 'options',
				options: choices([
					['Any Field Changed', 'or'],
					['All Fields Changed', 'and'],
				]),
				default: 'or',
			},
			{
				displayName: 'Include Changed Values',
				name: 'changedValues',
				type: 'boolean',
				default: false,
				description:
					'Whether edited records carry _changedFields and _changedValues: what Zoho says changed, with the new values',
			},
			{
				displayName: 'Notify on Related Records',
				name: 'relatedRecords',
				type: 'boolean',
				default: true,
				description:
					"Whether a change of a record that points at one of this module's records (e.g. a Contact of an Account) counts as an edit of it, as Zoho does by default",
			},
			startFromProperty(
				'On first activation, emit the records changed since this time (e.g. when a polling trigger was stopped). Empty: from the moment the workflow is activated.',
			),
			timeoutProperty(),
		],
	},
];
