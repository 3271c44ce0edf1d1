/**
 * The parameter readers every node and method shares. Each problem is a ZohoInputError
 * naming the parameter as the user sees it, with the fix.
 */
import type {
	IExecuteFunctions,
	IGetNodeParameterOptions,
	NodeParameterValueType,
} from 'n8n-workflow';

import { CRM_VERSIONS } from '../../zoho/api/services';
import { checkModuleName, type CrmTarget } from '../../zoho/crm/module';
import { ZohoInputError } from '../../zoho/errors';

/** Zoho answers within this long, or the call fails (ms): the Timeout options' default. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Reads one parameter: of one input item in an execution, of the node in a poll or the editor. */
export type ParamReader = (
	name: string,
	fallback?: unknown,
	options?: { extractValue?: boolean },
) => unknown;

export function itemParams(ctx: IExecuteFunctions, itemIndex: number): ParamReader {
	return (name, fallback, options) =>
		ctx.getNodeParameter(name, itemIndex, fallback as NodeParameterValueType, options);
}

/** Any context that reads the node's parameters without an item: a poll, a trigger, a webhook, the editor. */
export interface NodeParameterSource {
	getNodeParameter(
		parameterName: string,
		fallbackValue?: unknown,
		options?: IGetNodeParameterOptions,
	): NodeParameterValueType | object;
}

export function nodeParams(ctx: NodeParameterSource): ParamReader {
	return (name, fallback, options) =>
		ctx.getNodeParameter(name, fallback as NodeParameterValueType, options);
}

/** A parameter as trimmed text; an expression that resolved to nothing is empty, not "undefined". */
export function text(value: unknown): string {
	return value === undefined || value === null ? '' : String(value).trim();
}

/** A text parameter that must be filled in: else `<field> is empty.` with the fix. */
export function requiredText(value: unknown, rule: { field: string; hint: string }): string {
	const filled = text(value);
	if (filled) return filled;
	throw new ZohoInputError(rule.field, `${rule.field} is empty.`, rule.hint);
}

export function positiveInteger(raw: unknown, field: string): number {
	const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
		throw new ZohoInputError(
			field,
			`${field} must be a whole number of 1 or more (got ${JSON.stringify(raw)}).`,
			`Enter a positive whole number in ${field}.`,
		);
	return value;
}

/** A Timeout option (ms), or the default when it is not set. */
export function timeoutOption(raw: unknown): number {
	return raw === undefined ? DEFAULT_TIMEOUT_MS : positiveInteger(raw, 'Timeout');
}

/** A Start From option (a trigger's first activation): ms, or undefined when not set. */
export function startFromOption(value: unknown): number | undefined {
	if (value === undefined || value === '') return undefined;
	const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
	if (Number.isNaN(ms))
		throw new ZohoInputError(
			'Start From',
			`Start From "${String(value)}" is not a date and time.`,
			'Pick a date in the date picker, or give an ISO 8601 time such as 2026-11-30T09:00:00+00:00.',
		);
	return ms;
}

/** One below Zoho's lowest edition limit (Free: 5 concurrent calls per organisation). */
export const DEFAULT_MAX_CONCURRENCY = 4;

/** A Max Concurrent Requests option, or the default when it is not set. */
export function maxConcurrencyOption(raw: unknown): number {
	return raw === undefined
		? DEFAULT_MAX_CONCURRENCY
		: positiveInteger(raw, 'Max Concurrent Requests');
}

/** A JSON parameter: text the user typed is parsed (empty: undefined); an expression's value is taken as it is. */
export function parseJsonParam(raw: unknown, field: string): unknown {
	if (typeof raw !== 'string') return raw;
	if (!raw.trim()) return undefined;
	let reason: string;
	try {
		return JSON.parse(raw) as unknown;
	} catch (error) {
		reason = error instanceof Error ? error.message : String(error);
	}
	// Thrown past the catch: n8n's lint wants node errors thrown inside one.
	throw new ZohoInputError(
		field,
		`${field} is not valid JSON (${reason}).`,
		'Check quotes, commas and brackets, e.g. { "data": [ { "Last_Name": "Smith" } ] }.',
	);
}

/** A choice parameter's value, one of `allowed`; anything else is `Unknown <what> "<value>".` with the hint. */
export function oneOf<T extends string>(
	value: unknown,
	rule: { allowed: readonly T[]; field: string; what: string; hint: string },
): T {
	if ((rule.allowed as readonly unknown[]).includes(value)) return value as T;
	throw new ZohoInputError(rule.field, `Unknown ${rule.what} "${String(value)}".`, rule.hint);
}

/** Product and API Version (crmTarget.description.ts). */
export function readCrmTarget(param: ParamReader): CrmTarget {
	const product = oneOf(param('product', 'crm'), {
		allowed: ['crm', 'bigin'],
		field: 'Product',
		what: 'product',
		hint: 'Pick CRM or Bigin.',
	});
	return { product, crmVersion: product === 'crm' ? String(param('crmVersion', 'v8')) : 'v2' };
}

/** CRM and its API Version, for the operations Zoho offers on CRM only (Bulk Read, COQL, deleted records). */
export function readCrmOnlyTarget(param: ParamReader): CrmTarget {
	const crmVersion = oneOf(text(param('crmVersion', 'v8')), {
		allowed: CRM_VERSIONS,
		field: 'API Version',
		what: 'CRM API version',
		hint: `Pick one of ${CRM_VERSIONS.join(', ')}.`,
	});
	return { product: 'crm', crmVersion };
}

/** Module, from the list or by API name: checked, or empty when nothing is picked yet. */
export function readModule(param: ParamReader, options: { allowEmpty?: boolean } = {}): string {
	const name = text(param('module', '', { extractValue: true }));
	return name === '' && options.allowEmpty ? '' : checkModuleName(name);
}
