/** Small builders the node descriptions share. */
import type { IDisplayOptions, INodePropertyOptions } from 'n8n-workflow';

/** When an operation's parameters show: `show()` with the operation, `show({ sendBody: [true] })` with more conditions. */
export function showFor(operation: string) {
	return (extra: IDisplayOptions['show'] = {}): IDisplayOptions => ({
		show: { operation: [operation], ...extra },
	});
}

/** An options list, one row per entry: [name, value] or [name, value, description]. */
export function choices(
	rows: ReadonlyArray<[name: string, value: string, description?: string]>,
): INodePropertyOptions[] {
	return rows.map(([name, value, description]) =>
		description === undefined ? { name, value } : { name, value, description },
	);
}
