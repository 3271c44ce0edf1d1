// The `criteria` of a Bulk Read job: one condition `{field: {api_name}, comparator, value}`
// (older bodies: `{api_name, comparator, value}`) or a group `{group_operator: "and"|"or",
// group: [...]}`, nested. Source: spec `v8.0/bulk_read.json` (schema Criteria, its
// comparators, and the error codes of Bulk_Read_API_Exception: INVALID_CRITERIA,
// AMBIGUOUS_CRITERIA, GROUP_OPERATOR_NOT_SUPPORTED, FIELD_IN_CRITERIA_NOT_AVAILABLE,
// FIELD_AND_COMPARATOR_IN_CRITERIA_NOT_COMPATIBLE with `{comparator, api_name, supported}`,
// FIELD_AND_VALUE_IN_CRITERIA_NOT_COMPATIBLE, CRITERIA_LIMIT_EXCEEDED,
// VALUE_LIMIT_EXCEEDED_IN_CRITERIA). The numbers (25 conditions, 200 values in one
// condition) and `details.max_limit` follow issue #25; no page read confirms them
// (docs/zoho-conformance.md, open questions).
import { isObject } from './body';
import { recordIdField } from './crm-metadata';
import { zohoError, type ZohoErrorBody } from './errors';
import type { CrmRecord, FieldMeta } from './types';

/** Conditions in one job's criteria, and values in one condition (open question: see above). */
export const MAX_BULK_CRITERIA = 25;
export const MAX_BULK_CRITERIA_VALUES = 200;

const TEXT = [
	'equal',
	'not_equal',
	'in',
	'not_in',
	'contains',
	'not_contains',
	'starts_with',
	'ends_with',
];
const CHOICE = ['equal', 'not_equal', 'in', 'not_in'];
const ORDERED = [
	'equal',
	'not_equal',
	'in',
	'not_in',
	'less_than',
	'less_equal',
	'greater_than',
	'greater_equal',
	'between',
	'not_between',
];
const NUMBER_TYPES = new Set(['integer', 'double', 'currency', 'bigint', 'decimal', 'percent']);

export type RecordTest = (record: CrmRecord) => boolean;

export type CriteriaResult =
	| { ok: true; test: RecordTest; conditions: number }
	| { ok: false; error: ZohoErrorBody };

class CriteriaRefusal extends Error {
	constructor(readonly body: ZohoErrorBody) {
		super(body.message);
	}
}

const refuse = (code: string, message: string, details: Record<string, unknown> = {}) =>
	new CriteriaRefusal(zohoError(code, message, details));

/** Checks criteria against the module's fields (keyed by lower-case API name) and compiles it. */
export function compileBulkCriteria(
	raw: unknown,
	fields: ReadonlyMap<string, FieldMeta>,
): CriteriaResult {
	try {
		const counter = { conditions: 0 };
		const test = compile(raw, { fields, counter });
		if (counter.conditions > MAX_BULK_CRITERIA)
			throw refuse('CRITERIA_LIMIT_EXCEEDED', 'the number of criteria exceeds the limit', {
				max_limit: MAX_BULK_CRITERIA,
			});
		return { ok: true, test, conditions: counter.conditions };
	} catch (error: unknown) {
		if (error instanceof CriteriaRefusal) return { ok: false, error: error.body };
		throw error;
	}
}

function compile(
	raw: unknown,
	context: { fields: ReadonlyMap<string, FieldMeta>; counter: { conditions: number } },
): RecordTest {
	if (!isObject(raw)) throw refuse('INVALID_CRITERIA', 'the criteria must be an object');
	const apiName = isObject(raw.field) ? raw.field.api_name : raw.api_name;
	if (raw.group !== undefined) {
		if (apiName !== undefined || raw.comparator !== undefined)
			throw refuse('AMBIGUOUS_CRITERIA', 'a criteria is either a group or a condition');
		const operator = raw.group_operator;
		if (operator !== 'and' && operator !== 'or')
			throw refuse('GROUP_OPERATOR_NOT_SUPPORTED', 'the group_operator must be and or or', {
				group_operator: operator ?? null,
			});
		if (!Array.isArray(raw.group) || raw.group.length === 0)
			throw refuse('INVALID_CRITERIA', 'a group needs at least one criteria');
		const tests = raw.group.map((member) => compile(member, context));
		return operator === 'and'
			? (record) => tests.every((test) => test(record))
			: (record) => tests.some((test) => test(record));
	}
	context.counter.conditions += 1;
	if (typeof apiName !== 'string' || apiName === '')
		throw refuse('INVALID_CRITERIA', 'a condition needs field.api_name');
	const field =
		apiName.toLowerCase() === 'id' ? recordIdField() : context.fields.get(apiName.toLowerCase());
	if (!field)
		throw refuse('FIELD_IN_CRITERIA_NOT_AVAILABLE', 'the field in the criteria is not available', {
			api_name: apiName,
		});
	const supported = comparatorsOf(field);
	const comparator = raw.comparator;
	if (typeof comparator !== 'string' || !supported.includes(comparator))
		throw refuse(
			'FIELD_AND_COMPARATOR_IN_CRITERIA_NOT_COMPATIBLE',
			'the comparator is not supported for the field',
			{ comparator: comparator ?? null, api_name: apiName, supported },
		);
	const values = valuesOf({ field, comparator, value: raw.value });
	return conditionTest({ apiName: field.api_name, comparator, values });
}

function comparatorsOf(field: FieldMeta): string[] {
	const type = field.data_type;
	if (NUMBER_TYPES.has(type) || type === 'date' || type === 'datetime') return ORDERED;
	if (type === 'boolean') return ['equal', 'not_equal'];
	if (['picklist', 'lookup', 'ownerlookup', 'userlookup'].includes(type)) return CHOICE;
	return TEXT;
}

/** The condition's values as a list, checked against the comparator and the field's type. */
function valuesOf(options: { field: FieldMeta; comparator: string; value: unknown }): unknown[] {
	const { field, comparator, value } = options;
	const wrong = (expected: string) =>
		refuse('FIELD_AND_VALUE_IN_CRITERIA_NOT_COMPATIBLE', 'the value does not suit the field', {
			api_name: field.api_name,
			comparator,
			expected_data_type: expected,
		});
	let values: unknown[];
	if (comparator === 'between' || comparator === 'not_between') {
		if (!Array.isArray(value) || value.length !== 2) throw wrong('jsonarray of two values');
		values = value;
	} else if (comparator === 'in' || comparator === 'not_in') {
		if (!Array.isArray(value) || value.length === 0) throw wrong('jsonarray');
		values = value;
	} else {
		values = [value];
	}
	if (values.length > MAX_BULK_CRITERIA_VALUES)
		throw refuse('VALUE_LIMIT_EXCEEDED_IN_CRITERIA', 'the number of values exceeds the limit', {
			api_name: field.api_name,
			max_limit: MAX_BULK_CRITERIA_VALUES,
		});
	for (const item of values) {
		const type = field.data_type;
		if (NUMBER_TYPES.has(type) && !isNumeric(item)) throw wrong(type);
		if (type === 'boolean' && typeof item !== 'boolean') throw wrong('boolean');
		if ((type === 'date' || type === 'datetime') && !isTime(item)) throw wrong(type);
		if (!NUMBER_TYPES.has(type) && type !== 'boolean' && typeof item !== 'string')
			throw wrong('string');
	}
	return values;
}

function isNumeric(value: unknown): boolean {
	return (
		(typeof value === 'number' && Number.isFinite(value)) ||
		(typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))
	);
}

function isTime(value: unknown): boolean {
	return (
		typeof value === 'string' &&
		/^\d{4}-\d{2}-\d{2}/.test(value) &&
		!Number.isNaN(Date.parse(value))
	);
}

function conditionTest(options: {
	apiName: string;
	comparator: string;
	values: unknown[];
}): RecordTest {
	const { apiName, comparator, values } = options;
	const [first, second] = values;
	const get = (record: CrmRecord): unknown => {
		const value = apiName === 'id' ? record.id : record[apiName];
		return isObject(value) ? value.id : value;
	};
	const some = (record: CrmRecord, test: (value: unknown) => boolean): boolean => {
		const value = get(record);
		return Array.isArray(value) ? value.some(test) : test(value);
	};
	const text = (value: unknown): string =>
		(value === undefined || value === null ? '' : String(value)).toLowerCase();
	const wanted = String(first ?? '').toLowerCase();
	switch (comparator) {
		case 'equal':
			return (record) => some(record, (value) => compare(value, first) === 0);
		case 'not_equal':
			return (record) => !some(record, (value) => compare(value, first) === 0);
		case 'in':
			return (record) => some(record, (value) => values.some((item) => compare(value, item) === 0));
		case 'not_in':
			return (record) =>
				!some(record, (value) => values.some((item) => compare(value, item) === 0));
		case 'contains':
			return (record) => some(record, (value) => text(value).includes(wanted));
		case 'not_contains':
			return (record) => !some(record, (value) => text(value).includes(wanted));
		case 'starts_with':
			return (record) => some(record, (value) => text(value).startsWith(wanted));
		case 'ends_with':
			return (record) => some(record, (value) => text(value).endsWith(wanted));
		case 'less_than':
			return (record) => compare(get(record), first) < 0;
		case 'less_equal':
			return (record) => compare(get(record), first) <= 0;
		case 'greater_than':
			return (record) => compare(get(record), first) > 0;
		case 'greater_equal':
			return (record) => compare(get(record), first) >= 0;
		case 'between':
			return (record) => compare(get(record), first) >= 0 && compare(get(record), second) <= 0;
		default:
			// not_between, the last comparator comparatorsOf offers.
			return (record) => !(compare(get(record), first) >= 0 && compare(get(record), second) <= 0);
	}
}

/** Numbers as numbers, times as instants, text case-insensitively; a missing value never matches an order. */
function compare(value: unknown, wanted: unknown): number {
	if (value === undefined || value === null || value === '') return Number.NaN;
	if (typeof value === 'boolean' || typeof wanted === 'boolean')
		return String(value) === String(wanted) ? 0 : Number.NaN;
	const a = String(value);
	const b = String(wanted);
	if (/^\d{16,}$/.test(a) && /^\d+$/.test(b))
		return a.length !== b.length ? a.length - b.length : a.localeCompare(b);
	if (isNumeric(a) && isNumeric(b)) return Number(a) - Number(b);
	if (isTime(a) && isTime(b)) return Date.parse(a) - Date.parse(b);
	return a.toLowerCase().localeCompare(b.toLowerCase());
}
