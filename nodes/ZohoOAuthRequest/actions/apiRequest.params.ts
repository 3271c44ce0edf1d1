/**
 * Reads and checks the API Request parameters of one item. Every problem is a
 * ZohoInputError naming the parameter as the user sees it, with the fix.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { isServiceId, SERVICES, type ServiceId } from '../../../zoho/api/services';
import { ZohoInputError } from '../../../zoho/errors';
import { commaList } from '../../../zoho/formats';
import type { HttpMethod } from '../../../zoho/http/transport';
import {
	itemParams,
	maxConcurrencyOption,
	parseJsonParam,
	positiveInteger,
	text,
	timeoutOption,
	type ParamReader,
} from '../../shared/parameters';

/** The methods the Method parameter offers (HEAD has no answer to output). */
export const API_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

interface RequestOptions {
	returnAll: boolean;
	limit?: number;
	splitIntoItems: boolean;
	fullResponse: boolean;
	timeoutMs: number;
	allowedHosts: string[];
	retryNonIdempotent: boolean;
}

export interface RequestParams {
	method: HttpMethod;
	service: ServiceId;
	crmVersion: string;
	organizationId: string;
	/** A path starting with `/`, or an absolute http(s) URL. */
	path: string;
	query: Array<[string, string]>;
	headers: Record<string, string>;
	/** Send Body is on: the body is read per item (apiRequest.body.ts). */
	sendBody: boolean;
	responseFormat: 'json' | 'text' | 'file';
	binaryPropertyName: string;
	options: RequestOptions;
}

/**
 * Per node run: the checked parameters, when no parameter of the node is an expression.
 * Then every item has the same ones, read and checked once (bench/results.md, per-item caches).
 */
const runParams = new WeakMap<IExecuteFunctions, RequestParams>();

export function readRequestParams(ctx: IExecuteFunctions, itemIndex: number): RequestParams {
	const same = runParams.get(ctx);
	if (same) return same;
	const params = readItemParams(ctx, itemIndex);
	if (!holdsExpression(ctx.getNode().parameters)) runParams.set(ctx, params);
	return params;
}

function holdsExpression(raw: unknown): boolean {
	if (typeof raw === 'string') return raw.startsWith('=');
	if (Array.isArray(raw)) return raw.some(holdsExpression);
	if (raw !== null && typeof raw === 'object') return Object.values(raw).some(holdsExpression);
	return false;
}

function readItemParams(ctx: IExecuteFunctions, itemIndex: number): RequestParams {
	const param = itemParams(ctx, itemIndex);
	const method = String(param('method', 'GET')).toUpperCase() as HttpMethod;
	if (!API_METHODS.includes(method)) {
		throw new ZohoInputError(
			'Method',
			`Method "${method}" is not supported.`,
			`Use one of ${API_METHODS.join(', ')}.`,
		);
	}
	const service = String(param('service', 'crm'));
	if (!isServiceId(service)) {
		throw new ZohoInputError(
			'Service',
			`Unknown service "${service}".`,
			'Pick a service from the list, or Custom.',
		);
	}
	const organizationId = SERVICES[service].requires ? text(param('organizationId', '')) : '';
	const query = param('sendQuery', false) === true ? readPairs(param, PAIR_PARAMETERS.query) : [];
	const headerPairs =
		param('sendHeaders', false) === true ? readPairs(param, PAIR_PARAMETERS.header) : [];
	const params: RequestParams = {
		method,
		service,
		crmVersion: service === 'crm' ? String(param('crmVersion', 'v8')) : '',
		organizationId,
		path: readPath(text(param('path', ''))),
		query,
		headers: Object.fromEntries(headerPairs),
		sendBody: param('sendBody', false) === true,
		responseFormat: readResponseFormat(param('responseFormat', 'json')),
		binaryPropertyName: '',
		options: readOptions(param('options', {}) as IDataObject),
	};
	if (params.responseFormat === 'file') {
		params.binaryPropertyName = text(param('binaryPropertyName', 'data'));
		if (!params.binaryPropertyName) {
			throw new ZohoInputError(
				'Put Output File in Field',
				'Put Output File in Field is empty.',
				'Enter a binary field name, e.g. data.',
			);
		}
	}
	assertRequirement(params);
	return params;
}

function readPath(raw: string): string {
	const path = raw.trim();
	if (!path) {
		throw new ZohoInputError(
			'Path or URL',
			'Path or URL is empty.',
			'Enter a path such as /Leads, or a full URL such as https://www.zohoapis.com/crm/v8/Leads.',
		);
	}
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
		if (!/^https?:\/\//i.test(path) || !URL.canParse(path)) {
			throw new ZohoInputError(
				'Path or URL',
				`Path or URL "${path}" is not a valid http(s) URL.`,
				'Enter a full URL starting with https://, or a path starting with /.',
			);
		}
		return path;
	}
	if (!path.startsWith('/')) {
		throw new ZohoInputError(
			'Path or URL',
			`Path or URL "${path}" must start with "/".`,
			`Write it as "/${path}" (relative to the service base URL), or enter a full URL starting with https://.`,
		);
	}
	return path;
}

function readResponseFormat(raw: unknown): RequestParams['responseFormat'] {
	if (raw === 'json' || raw === 'text' || raw === 'file') return raw;
	throw new ZohoInputError(
		'Response Format',
		`Unknown response format "${String(raw)}".`,
		'Pick JSON, Text or File.',
	);
}

/** The product's own must-haves (organization_id, orgId header …), unless the user set them already. */
function assertRequirement(params: RequestParams): void {
	const requires = SERVICES[params.service].requires;
	if (!requires || params.organizationId) return;
	const given = requires.query
		? params.query.some(([name]) => name === requires.query) ||
			/[?&]organization_id=/.test(params.path)
		: Object.keys(params.headers).some(
				(name) => name.toLowerCase() === requires.header?.toLowerCase(),
			);
	if (given) return;
	const where = requires.query
		? `the ${requires.query} query parameter`
		: `the ${requires.header} header`;
	throw new ZohoInputError(
		'Organization ID',
		`${SERVICES[params.service].name} needs an Organization ID (sent as ${where}).`,
		`Enter it in Organization ID. You find it in Zoho ${SERVICES[params.service].name} under Settings → Organization, or with GET /organizations.`,
	);
}

/**
 * The parameters behind Send Query Parameters and Send Headers, by the names workflows
 * store (the description and the reader both use these). `label` is what errors quote.
 */
export const PAIR_PARAMETERS = {
	query: { mode: 'specifyQuery', pairs: 'queryParameters', json: 'jsonQuery', label: 'Query' },
	header: { mode: 'specifyHeader', pairs: 'headerParameters', json: 'jsonHeader', label: 'Header' },
} as const;

type PairParameters = (typeof PAIR_PARAMETERS)[keyof typeof PAIR_PARAMETERS];

function readPairs(param: ParamReader, names: PairParameters): Array<[string, string]> {
	const label = names.label;
	if (param(names.mode, 'keypair') === 'json')
		return pairsFromJson(param(names.json, ''), `JSON ${label}`);
	const collection = param(names.pairs, {}) as {
		parameters?: Array<{ name?: unknown; value?: unknown }>;
	};
	const pairs: Array<[string, string]> = [];
	for (const [index, entry] of (collection.parameters ?? []).entries()) {
		const key = String(entry.name ?? '').trim();
		const value = entry.value === undefined || entry.value === null ? '' : String(entry.value);
		if (!key && !value) continue; // the empty row n8n shows by default
		if (!key) {
			throw new ZohoInputError(
				`${label} Parameters`,
				`${label} Parameters: row ${index + 1} has a value but no name.`,
				'Give it a name or remove the row.',
			);
		}
		pairs.push([key, value]);
	}
	return pairs;
}

function pairsFromJson(raw: unknown, field: string): Array<[string, string]> {
	const value = typeof raw === 'string' ? parseJsonParam(raw, field) : raw;
	if (value === undefined || value === null || value === '') return [];
	if (typeof value !== 'object' || Array.isArray(value)) {
		throw new ZohoInputError(
			field,
			`${field} must be a JSON object of names to values.`,
			'Write it like { "name": "value" }.',
		);
	}
	return Object.entries(value as Record<string, unknown>).map(([key, v]) => [
		key,
		typeof v === 'string' ? v : JSON.stringify(v),
	]);
}

function readOptions(raw: IDataObject): RequestOptions {
	return {
		returnAll: raw.returnAll === true,
		limit: raw.limit === undefined ? undefined : positiveInteger(raw.limit, 'Limit'),
		splitIntoItems: raw.splitIntoItems === true,
		fullResponse: raw.fullResponse === true,
		timeoutMs: timeoutOption(raw.timeout),
		allowedHosts: commaList(raw.allowedHosts),
		retryNonIdempotent: raw.retryNonIdempotent === true,
	};
}

/** Max Concurrent Requests, read once per execution from the first item. */
export function readMaxConcurrency(ctx: IExecuteFunctions): number {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	return maxConcurrencyOption(options.maxConcurrency);
}
