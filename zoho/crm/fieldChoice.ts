/**
 * Which fields a record list asks Zoho for. From CRM v3 on a list needs `fields`, at most
 * 50 API names (GitHub zoho/crm-oas v8.0/record.json getRecords; docs api/v8/get-records.html
 * "mandatory when fetching all records"), and the trigger needs the two times its
 * watermark and ledger read. Given no fields, the module's own (settings/fields) are asked
 * for, as many as fit.
 */
import { ZohoInputError } from '../errors';
import type { FieldEntry } from '../schemas';
import { isApiName } from './module';

export const MAX_LIST_FIELDS = 50;
/** What the trigger reads in every record: when it changed, when it was created. */
export const TIME_FIELDS = ['Modified_Time', 'Created_Time'] as const;

/** The user's Fields with the time fields added, checked: API names, at most 50 in all. */
export function fieldsToAsk(fields: readonly string[], label = 'Fields'): string[] {
	const bad = fields.find((field) => !isApiName(field));
	if (bad !== undefined)
		throw new ZohoInputError(
			label,
			`"${bad}" in ${label} is not a field API name.`,
			'Use API names as Zoho lists them under Settings → Developer Space → APIs (e.g. Last_Name, not Last Name), separated by commas.',
		);
	const asked = [...new Set([...TIME_FIELDS, ...fields])];
	if (asked.length > MAX_LIST_FIELDS)
		throw new ZohoInputError(
			label,
			`${label} names ${asked.length} fields with Modified_Time and Created_Time; Zoho returns at most ${MAX_LIST_FIELDS} per call.`,
			`Keep ${label} to at most ${MAX_LIST_FIELDS - TIME_FIELDS.length} other fields.`,
		);
	return asked;
}

/** The module's fields to ask for when the user named none: the time fields, then Zoho's order, 50 at most. */
export function moduleFieldsToAsk(rows: readonly FieldEntry[]): string[] {
	const names = rows.map((row) => row.api_name).filter((name) => isApiName(name));
	return [...new Set([...TIME_FIELDS, ...names])].slice(0, MAX_LIST_FIELDS);
}
