/**
 * What the list reads (Query (COQL), Get Deleted Records) ask alike: Return All or a Limit,
 * and a Timeout; and how their pages become items, one per record.
 */
import type { IDataObject, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { positiveInteger, timeoutOption, type ParamReader } from '../../shared/parameters';
import { timeoutProperty } from '../../shared/timeout.description';

/** Return All and Limit as every list read words them (API Request has them among its Options). */
export const RETURN_ALL: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
};
export const LIMIT: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
};

/** Return All, Limit and Options (Timeout); the operation list shows them for their operation only. */
export function listProperties(): INodeProperties[] {
	return [
		RETURN_ALL,
		{ ...LIMIT, displayOptions: { show: { returnAll: [false] } } },
		{
			displayName: 'Options',
			name: 'listOptions',
			type: 'collection',
			placeholder: 'Add option',
			default: {},
			options: [timeoutProperty()],
		},
	];
}

/** The rows wanted (none: all) and the Timeout. */
export function readListSettings(param: ParamReader): { limit?: number; timeoutMs: number } {
	const options = param('listOptions', {}) as { timeout?: unknown };
	const timeoutMs = timeoutOption(options.timeout);
	if (param('returnAll', false) === true) return { timeoutMs };
	return { limit: positiveInteger(param('limit', 50), 'Limit'), timeoutMs };
}

/** One item per record of every page. */
export async function pageItems(
	pages: AsyncIterable<readonly object[]>,
): Promise<INodeExecutionData[]> {
	const items: INodeExecutionData[] = [];
	for await (const records of pages)
		for (const json of records) items.push({ json: json as IDataObject });
	return items;
}
