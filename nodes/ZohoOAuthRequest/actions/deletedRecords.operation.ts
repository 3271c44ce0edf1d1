/** Get Deleted Records: a CRM module's recycle bin, its permanently deleted records, or both, since a time. */
import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';

import {
	DELETED_TYPES,
	deletedRecordPages,
	type DeletedType,
} from '../../../zoho/crm/records/deletedRecords';
import { ZohoInputError } from '../../../zoho/errors';
import { crmVersionProperty, moduleProperty } from '../../shared/crmTarget.description';
import { readCrmOnlyTarget, readModule, text } from '../../shared/parameters';
import { zohoApi } from '../../shared/zohoRuntime';
import { listProperties, pageItems, readListSettings } from './listRead';
import type { ItemInput } from './types';

export const option = {
	name: 'Get Deleted Records',
	value: 'deletedRecords',
	action: 'Get deleted records',
	description: "List a CRM module's deleted records: recycle bin, permanently deleted, or both",
};

export const properties: INodeProperties[] = [
	crmVersionProperty({}),
	moduleProperty({
		readable: true,
		defaultValue: '',
		example: 'Contacts',
		description: 'The module whose deleted records to list, custom modules included',
	}),
	{
		displayName: 'Deleted Records',
		name: 'deletedType',
		type: 'options',
		options: [
			{ name: 'All', value: 'all', description: 'In the recycle bin or deleted for good' },
			{
				name: 'In the Recycle Bin',
				value: 'recycle',
				description: 'Deleted, and can still be restored (Zoho keeps them 60 days)',
			},
			{
				name: 'Permanently Deleted',
				value: 'permanent',
				description: 'Deleted from the recycle bin, or past its 60 days',
			},
		],
		default: 'all',
	},
	{
		displayName: 'Deleted Since',
		name: 'deletedSince',
		type: 'dateTime',
		default: '',
		description:
			'Only records deleted after this time (sent as If-Modified-Since). Empty: every deleted record Zoho keeps.',
	},
	...listProperties(),
];

export async function execute(input: ItemInput): Promise<INodeExecutionData[]> {
	const { param } = input;
	const target = { ...readCrmOnlyTarget(param), module: readModule(param) };
	const type = text(param('deletedType', 'all'));
	if (!(DELETED_TYPES as readonly string[]).includes(type))
		throw new ZohoInputError(
			'Deleted Records',
			`Unknown kind of deleted records "${type}".`,
			'Pick All, In the Recycle Bin or Permanently Deleted.',
		);
	const since = readSince(param('deletedSince', ''));
	const { limit, timeoutMs } = readListSettings(param);
	const access = zohoApi(input, { credentials: await input.credentials.read(), timeoutMs });
	return await pageItems(
		deletedRecordPages(access, {
			target,
			type: type as DeletedType,
			...(since ? { since } : {}),
			...(limit ? { limit } : {}),
		}),
	);
}

function readSince(value: unknown): Date | undefined {
	const raw = text(value);
	if (raw === '') return undefined;
	const date = new Date(raw);
	if (Number.isNaN(date.getTime()))
		throw new ZohoInputError(
			'Deleted Since',
			`Deleted Since "${raw}" is not a date and time.`,
			'Pick a date, or give an ISO 8601 time such as 2026-01-31T09:00:00Z.',
		);
	return date;
}
