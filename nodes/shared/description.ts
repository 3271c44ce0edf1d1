/** An options list as rows: what the node descriptions share. */
import type { INodePropertyOptions } from 'n8n-workflow';

/** An options list, one row per entry: [name, value] or [name, value, description]. */
export function choices(
	rows: ReadonlyArray<[name: string, value: string, description?: string]>,
): INodePropertyOptions[] {
	return rows.map(([name, value, description]) =>
		description === undefined ? { name, value } : { name, value, description },
	);
}
