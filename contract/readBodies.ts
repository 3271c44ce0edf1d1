/**
 * What the JSON bodies of Bulk Read and COQL hold, checked deeper than their top-level keys.
 * Sources: Zoho's CRM v8 OpenAPI files `v8.0/bulk_read.json` (Request_Wrapper, Query,
 * CallBack, Criteria) and `v8.0/coql.json` (Body_Wrapper), and the COQL limitation pages:
 * https://www.zoho.com/crm/developer/docs/api/v8/COQL-Limitations.html and v7's (2,000 rows a
 * call, 100,000 through LIMIT and OFFSET), v4's and v6's (2,000 and 10,000; v5 taken as those),
 * v2's and v3's (200 a call, 10,000 in all).
 */
import type { ContractRequest } from './rules';

const API_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
/** A field, or a field of a looked-up record (`Account_Name.Account_Name`). */
const FIELD_PATH = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)?$/;
const QUERY_KEYS = ['module', 'cvid', 'fields', 'page', 'criteria', 'file_type', 'page_token'];
const COMPARATORS = [
	'in',
	'greater_equal',
	'starts_with',
	'equal',
	'contains',
	'ends_with',
	'not_contains',
	'not_equal',
	'not_in',
	'greater_than',
	'less_than',
	'not_between',
	'less_equal',
	'between',
];
/** bulk_read.json Query `page`: pattern `[1-9]|[1-4][1-9]|50`, i.e. 1 to 50. */
const MAX_BULK_PAGE = 50;
/** Conditions in a criteria, values in one condition (issue #25; docs/zoho-conformance.md). */
const MAX_BULK_CONDITIONS = 25;
const MAX_BULK_VALUES = 200;

function valuesOf(request: ContractRequest): Record<string, unknown> {
	return request.body.kind === 'json' ? (request.body.values ?? {}) : {};
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Problems of a Create Bulk Read Job body (bulk_read.json createBulkReadJob). */
export function checkBulkReadBody(request: ContractRequest): string[] {
	// A body that is not JSON is reported by the body rule already.
	if (request.body.kind !== 'json') return [];
	const values = valuesOf(request);
	const problems: string[] = [];
	const query = values.query;
	if (!isObject(query)) return ['query must be an object holding module'];
	const unknown = Object.keys(query).filter((key) => !QUERY_KEYS.includes(key));
	if (unknown.length > 0) problems.push(`query has keys Zoho does not know: ${unknown.join(', ')}`);
	const module = query.module;
	if (!isObject(module) || typeof module.api_name !== 'string' || !API_NAME.test(module.api_name))
		problems.push('query.module must be {"api_name": "<module API name>"}');
	if (query.fields !== undefined) {
		const fields = query.fields;
		if (!Array.isArray(fields) || fields.length === 0)
			problems.push('query.fields must be a non-empty list of field API names');
		else {
			const bad = fields.filter((field) => typeof field !== 'string' || !FIELD_PATH.test(field));
			if (bad.length > 0)
				problems.push(
					`query.fields has items that are not API names: ${bad.slice(0, 3).join(', ')}`,
				);
		}
	}
	if (query.page !== undefined) {
		const page = query.page;
		if (typeof page !== 'number' || !Number.isInteger(page) || page < 1 || page > MAX_BULK_PAGE)
			problems.push(`query.page must be an integer from 1 to ${MAX_BULK_PAGE}`);
		if (query.page_token !== undefined)
			problems.push('query.page and query.page_token cannot be sent together');
	}
	if (query.page_token !== undefined && (typeof query.page_token !== 'string' || !query.page_token))
		problems.push('query.page_token must be the next_page_token of a finished job');
	if (query.cvid !== undefined && (typeof query.cvid !== 'string' || !/^\d+$/.test(query.cvid)))
		problems.push('query.cvid must be a custom view id (digits, as a string)');
	if (query.criteria !== undefined) {
		problems.push(...criteriaProblems(query.criteria, 'query.criteria'));
		const conditions = conditionsOf(query.criteria);
		if (conditions.length > MAX_BULK_CONDITIONS)
			problems.push(
				`query.criteria has ${conditions.length} conditions; Zoho takes ${MAX_BULK_CONDITIONS}`,
			);
		if (
			conditions.some(
				(condition) => Array.isArray(condition.value) && condition.value.length > MAX_BULK_VALUES,
			)
		)
			problems.push(`a condition of query.criteria lists more than ${MAX_BULK_VALUES} values`);
	}
	if (values.file_type !== undefined && values.file_type !== 'csv' && values.file_type !== 'ics')
		problems.push('file_type must be csv or ics');
	if (values.callback !== undefined) {
		const callback = values.callback;
		if (
			!isObject(callback) ||
			typeof callback.url !== 'string' ||
			!/^https?:\/\//i.test(callback.url) ||
			callback.method !== 'post'
		)
			problems.push('callback must be {"url": "<http(s) URL>", "method": "post"}');
	}
	return problems;
}

/** The conditions of a criteria, however deep its groups. */
function conditionsOf(criteria: unknown): Array<Record<string, unknown>> {
	if (!isObject(criteria)) return [];
	return Array.isArray(criteria.group) ? criteria.group.flatMap(conditionsOf) : [criteria];
}

/** A condition `{field: {api_name}, comparator, value}` or a group `{group_operator, group}`. */
function criteriaProblems(criteria: unknown, where: string): string[] {
	if (!isObject(criteria)) return [`${where} must be an object`];
	if ('group' in criteria || 'group_operator' in criteria) {
		const problems: string[] = [];
		if (criteria.group_operator !== 'and' && criteria.group_operator !== 'or')
			problems.push(`${where}.group_operator must be and or or`);
		if (!Array.isArray(criteria.group) || criteria.group.length === 0)
			return [...problems, `${where}.group must be a non-empty list of criteria`];
		return [
			...problems,
			...criteria.group.flatMap((member, index) =>
				criteriaProblems(member, `${where}.group[${index}]`),
			),
		];
	}
	const problems: string[] = [];
	const field = isObject(criteria.field) ? criteria.field.api_name : criteria.api_name;
	if (typeof field !== 'string' || !FIELD_PATH.test(field))
		problems.push(`${where}.field.api_name must be a field API name`);
	if (typeof criteria.comparator !== 'string' || !COMPARATORS.includes(criteria.comparator))
		problems.push(`${where}.comparator must be one of ${COMPARATORS.join(', ')}`);
	if (!('value' in criteria)) problems.push(`${where} needs a value`);
	return problems;
}

/** Rows a COQL call may return, and rows LIMIT and OFFSET reach, by CRM API version. */
function coqlLimits(version: number): { perCall: number; reachable: number } {
	if (version >= 7) return { perCall: 2000, reachable: 100_000 };
	// v4–v6 as Zoho's pages for v4 and v6 say; v2–v3 200 a call (each version's COQL-Limitations page).
	return version >= 4 ? { perCall: 2000, reachable: 10_000 } : { perCall: 200, reachable: 10_000 };
}

/**
 * Problems of a COQL body (coql.json Body_Wrapper: `select_query`, a string). A LIMIT
 * (`limit n [offset m]` or `limit m, n`) must stay within the version's limits.
 */
export function checkCoqlBody(request: ContractRequest): string[] {
	if (request.body.kind !== 'json') return [];
	const query = valuesOf(request).select_query;
	if (typeof query !== 'string' || query.trim() === '')
		return ['select_query must be the query as text'];
	if (!/^\s*select\s/i.test(query)) return ['select_query must be a SELECT query'];
	const version = Number(/^\/crm\/v(\d+)/.exec(request.path)?.[1] ?? '2');
	const { perCall, reachable } = coqlLimits(version);
	const tail = /\blimit\s+(\d+)(?:\s*,\s*(\d+))?(?:\s+offset\s+(\d+))?\s*;?\s*$/i.exec(query);
	if (!tail) return [];
	const [, first = '0', second, offsetText] = tail;
	const limit = Number(second ?? first);
	const offset = Number(second === undefined ? (offsetText ?? '0') : first);
	const problems: string[] = [];
	if (limit < 1 || limit > perCall)
		problems.push(`LIMIT ${limit}: COQL on v${version} returns 1 to ${perCall} rows a call`);
	if (offset + limit > reachable)
		problems.push(
			`OFFSET ${offset} + LIMIT ${limit} reaches past row ${reachable}, the last COQL on v${version} reaches by LIMIT and OFFSET`,
		);
	return problems;
}
