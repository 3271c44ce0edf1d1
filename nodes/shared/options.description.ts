/** Options several nodes offer alike. */
import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_TIMEOUT_MS } from './parameters';

/** Start From: where a trigger's first activation begins (read by startFromOption). */
export function startFromProperty(description: string): INodeProperties {
	return {
		displayName: 'Start From',
		name: 'startFrom',
		type: 'dateTime',
		default: '',
		description,
	};
}

/** Timeout per Zoho answer (read by timeoutOption). */
export const timeoutProperty: INodeProperties = {
	displayName: 'Timeout',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_TIMEOUT_MS,
	description: 'Milliseconds to wait for each Zoho answer',
};
