/** The Start From option of both triggers (read by startFromOption). */
import type { INodeProperties } from 'n8n-workflow';

/** Start From: where a trigger's first activation begins. */
export function startFromProperty(description: string): INodeProperties {
	return {
		displayName: 'Start From',
		name: 'startFrom',
		type: 'dateTime',
		default: '',
		description,
	};
}
