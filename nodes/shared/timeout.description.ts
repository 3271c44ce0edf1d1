/** The Timeout option, asked the same way by API Request, record writes and the trigger (read by timeoutOption). */
import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_TIMEOUT_MS } from './parameters';

export function timeoutProperty(
	description = 'Milliseconds to wait for each Zoho answer',
): INodeProperties {
	return {
		displayName: 'Timeout',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_TIMEOUT_MS,
		description,
	};
}
