/**
 * Holds requests against the contract. A request whose method and path no operation
 * knows, or that breaks an operation's rules, is a finding. Requests a test sent wrong on
 * purpose carry a `deliberate` reason and are reported apart, never silently accepted.
 */
import type { ContractRequest, Operation, ParamRule } from './rules';
import { OPERATIONS } from './zohoContract';

export interface Finding {
	/** `unknown` when Zoho has no such request; otherwise the operation's id. */
	operation: string;
	problem: string;
	source?: string;
}

/**
 * Codes with which Zoho refuses the request itself (not one record of it): the package
 * caused them unless a test meant to (record.json getRecords/deleteRecords error
 * schemas; common INVALID_URL_PATTERN / INVALID_REQUEST_METHOD).
 */
export const REQUEST_REFUSAL_CODES = new Set([
	'REQUIRED_PARAM_MISSING',
	'AMBIGUITY_DURING_PROCESSING',
	'TOKEN_BOUND_DATA_MISMATCH',
	'PAGINATION_LIMIT_EXCEEDED',
	'DISCRETE_PAGINATION_LIMIT_EXCEEDED',
	'EXPIRED_VALUE',
	'INVALID_MODULE',
	'INVALID_URL_PATTERN',
	'INVALID_REQUEST_METHOD',
	// COQL (coql.json Syntax_Exception, Invalid_Query_Exception, Limit_Exceeded_Exception …).
	'SYNTAX_ERROR',
	'INVALID_QUERY',
	'INVALID_ALIAS',
	'DUPLICATE_ALIAS',
	// Bulk Read (bulk_read.json Bulk_Read_API_Exception and its named schemas); not
	// TOO_MANY_REQUESTS, the org's job and download limits, nor RESOURCE_NOT_FOUND, a
	// result past its day.
	'REQUEST_BODY_IS_EMPTY',
	'REQUEST_BODY_NOT_READABLE',
	'MODULE_NOT_AVAILABLE',
	'MODULE_NOT_SUPPORTED',
	'INVALID_CRITERIA',
	'AMBIGUOUS_CRITERIA',
	'GROUP_OPERATOR_NOT_SUPPORTED',
	'FIELD_IN_CRITERIA_NOT_AVAILABLE',
	'FIELD_AND_COMPARATOR_IN_CRITERIA_NOT_COMPATIBLE',
	'FIELD_AND_VALUE_IN_CRITERIA_NOT_COMPATIBLE',
	'CRITERIA_LIMIT_EXCEEDED',
	'VALUE_LIMIT_EXCEEDED_IN_CRITERIA',
	'CVID_NOT_SUPPORTED',
	'FIELD_NOT_AVAILABLE',
	'PAGE_RANGE_EXCEEDED',
	'INVALID_CALLBACK_METHOD',
	'INVALID_CALLBACK_URL',
]);

export function findOperation(
	request: Pick<ContractRequest, 'method' | 'path'>,
	operations: readonly Operation[] = OPERATIONS,
): Operation | undefined {
	let best: { operation: Operation; literals: number } | undefined;
	for (const operation of operations) {
		if (operation.method !== request.method.toUpperCase()) continue;
		const literals = matchPath(operation, request.path);
		if (literals === undefined) continue;
		if (!best || literals > best.literals) best = { operation, literals };
	}
	return best?.operation;
}

/** Literal segments matched (a more literal template wins), or undefined when it does not match. */
function matchPath(operation: Operation, path: string): number | undefined {
	const template = operation.path.split('/').filter((part) => part !== '');
	const actual = path.split('/').filter((part) => part !== '');
	let literals = 0;
	for (let i = 0; i < template.length; i += 1) {
		const part = template[i] ?? '';
		if (part === '{rest*}') return actual.length > i ? literals : undefined;
		const segment = actual[i];
		if (segment === undefined) return undefined;
		const name = /^\{(\w+)\}$/.exec(part)?.[1];
		if (name === undefined) {
			if (part !== segment) return undefined;
			literals += 1;
		} else {
			const rule = operation.segments?.[name];
			if (rule && !rule.test(decodeURIComponent(segment))) return undefined;
		}
	}
	return actual.length === template.length ? literals : undefined;
}

/** What is wrong with one request, as Zoho documents it; [] when nothing. */
export function checkRequest(request: ContractRequest): Finding[] {
	const operation = findOperation(request);
	if (!operation)
		return [
			{
				operation: 'unknown',
				problem: `Zoho has no ${request.method} ${request.path}: no operation of the contract matches it`,
			},
		];
	const finding = (problem: string): Finding => ({
		operation: operation.id,
		problem,
		source: operation.source,
	});
	const params = paramsOf(request, operation);
	const problems: string[] = [];
	for (const [name, rule] of Object.entries(operation.query)) {
		const value = params.get(name);
		if (value === undefined) {
			if (rule.required) problems.push(`${name} is required`);
			continue;
		}
		problems.push(...checkParam(name, value, rule));
	}
	if (!operation.openQuery)
		for (const name of params.keys())
			if (!(name in operation.query) && operation.body.kind !== 'params')
				problems.push(`${name} is not a parameter of this request`);
	for (const group of operation.exclusive ?? []) {
		const present = group.filter((name) => params.has(name));
		if (present.length > 1) problems.push(`${present.join(' and ')} cannot be sent together`);
	}
	if (operation.oneOf && !operation.oneOf.some((name) => params.has(name)))
		problems.push(`one of ${operation.oneOf.join(', ')} is required`);
	problems.push(...checkHeaders(request, operation));
	problems.push(...checkBody(request, operation));
	problems.push(...(operation.also?.(request, params) ?? []));
	return problems.map(finding);
}

/** Query parameters, plus form or multipart parameters where the operation takes them. */
function paramsOf(request: ContractRequest, operation: Operation): Map<string, string> {
	const params = new Map<string, string>();
	for (const [name, value] of request.query) params.set(name, value);
	if (operation.body.kind === 'params' && request.body.kind === 'form')
		for (const [name, value] of request.body.params) params.set(name, value);
	if (operation.body.kind === 'params' && request.body.kind === 'multipart')
		for (const [name, value] of request.body.params ?? []) params.set(name, value);
	return params;
}

export function checkParam(name: string, value: string, rule: ParamRule): string[] {
	const problems: string[] = [];
	if (rule.int) {
		const number = /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
		if (Number.isNaN(number)) problems.push(`${name} must be an integer (got "${value}")`);
		else if (rule.int.min !== undefined && number < rule.int.min)
			problems.push(`${name} must be at least ${rule.int.min} (got ${number})`);
		else if (rule.int.max !== undefined && number > rule.int.max)
			problems.push(`${name} must be at most ${rule.int.max} (got ${number})`);
	}
	if (rule.list) {
		const items = value.split(',').map((item) => item.trim());
		if (items.some((item) => item === '')) problems.push(`${name} has an empty item`);
		if (rule.list.maxItems !== undefined && items.length > rule.list.maxItems)
			problems.push(
				`${name} lists ${items.length} items; Zoho takes at most ${rule.list.maxItems}`,
			);
		const bad = rule.list.item
			? items.filter((item) => item !== '' && !rule.list?.item?.test(item))
			: [];
		if (bad.length > 0)
			problems.push(`${name} has items Zoho does not accept: ${bad.slice(0, 3).join(', ')}`);
	}
	if (rule.enum && !rule.enum.includes(value))
		problems.push(`${name} must be one of ${rule.enum.join(', ')} (got "${value}")`);
	if (rule.maxLength !== undefined && value.length > rule.maxLength)
		problems.push(`${name} is longer than ${rule.maxLength} characters`);
	if (rule.pattern && !rule.pattern.test(value))
		problems.push(`${name} has the wrong form (got "${value.slice(0, 40)}")`);
	if (rule.dateTime && !isDateTime(value))
		problems.push(`${name} must be an ISO 8601 date-time with an offset (got "${value}")`);
	return problems;
}

function isDateTime(value: string): boolean {
	return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/.test(value);
}

function checkHeaders(request: ContractRequest, operation: Operation): string[] {
	const problems: string[] = [];
	const since = request.headers.ifModifiedSince;
	if (since !== undefined) {
		if (!operation.headers?.ifModifiedSince && !operation.openQuery)
			problems.push('If-Modified-Since is not a header of this request');
		else if (!isDateTime(since))
			problems.push(
				`If-Modified-Since must be an ISO 8601 date-time with an offset (got "${since}")`,
			);
	}
	if (operation.headers?.orgId === 'required' && !request.headers.orgId)
		problems.push('the orgId header is required');
	return problems;
}

function checkBody(request: ContractRequest, operation: Operation): string[] {
	const rule = operation.body;
	const body = request.body;
	if (rule.kind === 'any' || rule.kind === 'params') return [];
	if (rule.kind === 'none')
		return body.kind === 'none' ? [] : [`this request takes no body (got ${body.kind})`];
	if (rule.kind === 'multipart') {
		if (body.kind !== 'multipart')
			return [`the body must be multipart/form-data (got ${body.kind})`];
		const unknown = body.parts.filter((part) => !rule.parts.includes(part));
		return unknown.length > 0 ? [`unknown multipart parts: ${unknown.join(', ')}`] : [];
	}
	if (body.kind !== 'json') return [`the body must be JSON (got ${body.kind})`];
	const problems: string[] = [];
	for (const key of rule.required ?? [])
		if (!body.keys.includes(key)) problems.push(`the body needs "${key}"`);
	const unknown = body.keys.filter((key) => !rule.keys.includes(key));
	if (unknown.length > 0)
		problems.push(`the body has keys Zoho does not know: ${unknown.join(', ')}`);
	if (rule.data && body.keys.includes('data')) {
		if (body.dataLength === undefined) problems.push('data must be an array of records');
		else if (body.dataLength < 1 || body.dataLength > rule.data.max)
			problems.push(`data holds ${body.dataLength} records; Zoho takes 1 to ${rule.data.max}`);
		if (body.recordsAreObjects === false) problems.push('every element of data must be an object');
		const badKeys = (body.recordKeys ?? []).filter(
			(key) => !/^[A-Za-z][A-Za-z0-9_]*$/.test(key) && !key.startsWith('$'),
		);
		if (badKeys.length > 0)
			problems.push(
				`records use keys that are not field API names: ${badKeys.slice(0, 3).join(', ')}`,
			);
	}
	if (rule.trigger && body.trigger !== undefined) {
		const trigger = body.trigger;
		if (!Array.isArray(trigger) || trigger.some((item) => !rule.trigger?.includes(String(item))))
			problems.push(`trigger must be a list of ${rule.trigger.join(', ')}`);
	}
	if (body.duplicateCheckFields !== undefined) {
		const fields = body.duplicateCheckFields;
		if (!rule.duplicateCheckFields) problems.push('duplicate_check_fields belongs to upsert only');
		else if (
			!Array.isArray(fields) ||
			fields.some((field) => typeof field !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(field))
		)
			problems.push('duplicate_check_fields must be a list of field API names');
	}
	return problems;
}
