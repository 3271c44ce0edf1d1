/**
 * Restores the JSON types of record values that a CSV export flattened to text, from the
 * module's field metadata (`settings/fields`: `data_type`, `json_type`). Zoho's Bulk Read
 * CSV writes lookups as the looked-up record's id, multi-select values joined by `;`,
 * booleans as `true`/`false`, numbers, dates and times as in JSON, and nothing for an empty
 * value (see docs/bulk-read.md).
 */
import { z } from 'zod';

/** The part of a `settings/fields` row the restoration needs. */
export const fieldTypeSchema = z
	.object({
		api_name: z.string().min(1),
		data_type: z.string().optional(),
		json_type: z.string().nullable().optional(),
	})
	.passthrough();
export type FieldType = z.infer<typeof fieldTypeSchema>;

export type ValueKind = 'text' | 'integer' | 'number' | 'boolean' | 'list' | 'lookup';

export type RecordValue = string | number | boolean | string[] | { id: string } | null;

/** What a record looks like once restored: `id` plus the exported columns. */
export interface RestoredRecord {
	id: string;
	[field: string]: RecordValue;
}

const NUMBER_TYPES = new Set(['double', 'currency', 'decimal', 'percent']);
const LOOKUP_TYPES = new Set(['lookup', 'ownerlookup', 'userlookup']);
/** A field without `data_type` goes by its `json_type`. */
const JSON_TYPE_KINDS = new Map<string | null | undefined, ValueKind>([
	['integer', 'number'],
	['double', 'number'],
	['boolean', 'boolean'],
	['jsonarray', 'list'],
	['jsonobject', 'lookup'],
]);

/** How each field's text becomes a value, keyed by API name; unknown fields stay text. */
export function valueKinds(fields: readonly FieldType[]): Map<string, ValueKind> {
	return new Map(fields.map((field) => [field.api_name, kindOf(field)]));
}

function kindOf(field: FieldType): ValueKind {
	const type = field.data_type ?? '';
	// bigint and autonumber values can pass 2^53 or carry prefixes: they stay text.
	if (type === 'integer') return 'integer';
	if (NUMBER_TYPES.has(type)) return 'number';
	if (type === 'boolean') return 'boolean';
	if (type === 'multiselectpicklist' || type === 'multiselectlookup') return 'list';
	if (LOOKUP_TYPES.has(type)) return 'lookup';
	if (type !== '') return 'text';
	return JSON_TYPE_KINDS.get(field.json_type) ?? 'text';
}

/** One CSV cell as its value: empty is null; text that does not fit its kind stays text. */
export function restoreValue(text: string, kind: ValueKind): RecordValue {
	if (text === '') return null;
	switch (kind) {
		case 'integer':
		case 'number': {
			const number = Number(text);
			const exact = kind === 'number' || Number.isSafeInteger(number);
			return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text) && exact ? number : text;
		}
		case 'boolean':
			return text === 'true' ? true : text === 'false' ? false : text;
		case 'list':
			return text.split(';');
		case 'lookup':
			return { id: text };
		default:
			return text;
	}
}

/**
 * A CSV row (column name → cell) as a record. The `Id` column becomes `id`; columns through
 * a lookup (`Account_Name.Account_Name`) keep their dotted name and stay text.
 */
export function restoreRecord(
	row: Readonly<Record<string, string>>,
	kinds: ReadonlyMap<string, ValueKind>,
): RestoredRecord {
	const record: RestoredRecord = { id: '' };
	for (const [column, text] of Object.entries(row)) {
		if (column === 'Id' || column === 'id') record.id = text;
		else record[column] = restoreValue(text, kinds.get(column) ?? 'text');
	}
	return record;
}
