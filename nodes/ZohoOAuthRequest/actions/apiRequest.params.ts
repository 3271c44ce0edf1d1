/**
 * Reads and checks the API Request parameters and body of one item. Every problem is a
 * ZohoInputError naming the parameter as the user sees it, with the fix.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { isServiceId, SERVICES } from '../../../zoho/api/services';
import { ZohoInputError } from '../../../zoho/errors';
import { commaList } from '../../../zoho/formats';
import type { HttpMethod } from '../../../zoho/http/transport';
import type { MultipartPart, RequestBody } from '../../../zoho/api/apiClient';
import {
	maxConcurrencyOption,
	oneOf,
	parseJsonParam,
	positiveInteger,
	requiredText,
	text,
	timeoutOption,
	type ParamReader,
} from '../../shared/parameters';
import type { ItemInput } from './types';

/** The methods the Method parameter offers (HEAD has no answer to output). */
export const API_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export type RequestParams = ReturnType<typeof readItemParams>;

/**
 * Per node run: the checked parameters, when no parameter of the node is an expression.
 * Then every item has the same ones, read and checked once (bench/results.md, per-item caches).
 */
const runParams = new WeakMap<IExecuteFunctions, RequestParams>();

export function readRequestParams({ ctx, param }: ItemInput): RequestParams {
	const same = runParams.get(ctx);
	if (same) return same;
	const params = readItemParams(param);
	if (!holdsExpression(ctx.getNode().parameters)) runParams.set(ctx, params);
	return params;
}

function holdsExpression(raw: unknown): boolean {
	if (typeof raw === 'string') return raw.startsWith('=');
	if (Array.isArray(raw)) return raw.some(holdsExpression);
	if (raw !== null && typeof raw === 'object') return Object.values(raw).some(holdsExpression);
	return false;
}

function readItemParams(param: ParamReader) {
	const method = String(param('method', 'GET')).toUpperCase() as HttpMethod;
	if (!API_METHODS.includes(method))
		throw new ZohoInputError(
			'Method',
			`Method "${method}" is not supported.`,
			`Use one of ${API_METHODS.join(', ')}.`,
		);
	const service = String(param('service', 'crm'));
	if (!isServiceId(service))
		throw new ZohoInputError(
			'Service',
			`Unknown service "${service}".`,
			'Pick a service from the list, or Custom.',
		);
	const organizationId = SERVICES[service].requires ? text(param('organizationId', '')) : '';
	const query = param('sendQuery', false) === true ? readPairs(param, PAIR_PARAMETERS.query) : [];
	const headerPairs =
		param('sendHeaders', false) === true ? readPairs(param, PAIR_PARAMETERS.header) : [];
	const path = readPath(param('path', ''));
	const responseFormat = oneOf(param('responseFormat', 'json'), {
		allowed: ['json', 'text', 'file'],
		field: 'Response Format',
		what: 'response format',
		hint: 'Pick JSON, Text or File.',
	});
	const options = param('options', {}) as IDataObject;
	const params = {
		method,
		service,
		crmVersion: service === 'crm' ? String(param('crmVersion', 'v8')) : '',
		organizationId,
		/** A path starting with `/`, or an absolute http(s) URL. */
		path,
		query,
		headers: Object.fromEntries(headerPairs) as Record<string, string>,
		/** Send Body is on: the body is read per item (readBody). */
		sendBody: param('sendBody', false) === true,
		responseFormat,
		returnAll: options.returnAll === true,
		limit: options.limit === undefined ? undefined : positiveInteger(options.limit, 'Limit'),
		splitIntoItems: options.splitIntoItems === true,
		fullResponse: options.fullResponse === true,
		timeoutMs: timeoutOption(options.timeout),
		allowedHosts: commaList(options.allowedHosts),
		retryNonIdempotent: options.retryNonIdempotent === true,
		binaryPropertyName:
			responseFormat === 'file'
				? requiredText(param('binaryPropertyName', 'data'), {
						field: 'Put Output File in Field',
						hint: 'Enter a binary field name, e.g. data.',
					})
				: '',
	};
	assertRequirement(params);
	return params;
}

function readPath(raw: unknown): string {
	const path = requiredText(raw, {
		field: 'Path or URL',
		hint: 'Enter a path such as /Leads, or a full URL such as https://www.zohoapis.com/crm/v8/Leads.',
	});
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
		if (!/^https?:\/\//i.test(path) || !URL.canParse(path))
			throw new ZohoInputError(
				'Path or URL',
				`Path or URL "${path}" is not a valid http(s) URL.`,
				'Enter a full URL starting with https://, or a path starting with /.',
			);
		return path;
	}
	if (!path.startsWith('/'))
		throw new ZohoInputError(
			'Path or URL',
			`Path or URL "${path}" must start with "/".`,
			`Write it as "/${path}" (relative to the service base URL), or enter a full URL starting with https://.`,
		);
	return path;
}

/** The product's own must-haves (organization_id, orgId header …), unless the user set them already. */
function assertRequirement(
	params: Pick<RequestParams, 'service' | 'organizationId' | 'query' | 'path' | 'headers'>,
): void {
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
		if (!key)
			throw new ZohoInputError(
				`${label} Parameters`,
				`${label} Parameters: row ${index + 1} has a value but no name.`,
				'Give it a name or remove the row.',
			);
		pairs.push([key, value]);
	}
	return pairs;
}

function pairsFromJson(raw: unknown, field: string): Array<[string, string]> {
	const value = parseJsonParam(raw, field);
	if (value === undefined || value === null || value === '') return [];
	if (typeof value !== 'object' || Array.isArray(value))
		throw new ZohoInputError(
			field,
			`${field} must be a JSON object of names to values.`,
			'Write it like { "name": "value" }.',
		);
	return Object.entries(value as Record<string, unknown>).map(([key, v]) => [
		key,
		typeof v === 'string' ? v : JSON.stringify(v),
	]);
}

/** Max Concurrent Requests, read once per execution from the first item. */
export function concurrency(param: ParamReader): number {
	return maxConcurrencyOption((param('options', {}) as IDataObject).maxConcurrency);
}

/** The body of one item, from the Send Body parameters (and its binary data); read when Send Body is on. */
export async function readBody(input: ItemInput): Promise<RequestBody> {
	const { param } = input;
	const type = oneOf(param('bodyContentType', 'json'), {
		allowed: ['json', 'form', 'multipart', 'raw'],
		field: 'Body Content Type',
		what: 'body content type',
		hint: 'Pick JSON, Form Urlencoded, Multipart or Raw.',
	});
	switch (type) {
		case 'json': {
			const value = parseJsonParam(param('jsonBody', ''), 'JSON Body');
			if (value === undefined)
				throw new ZohoInputError(
					'JSON Body',
					'JSON Body is empty.',
					'Enter the JSON to send, or turn Send Body off.',
				);
			return { kind: 'json', value };
		}
		case 'form': {
			const rows = (
				param('formParameters.parameters', []) as Array<{ name?: string; value?: string }>
			)
				.filter((row) => row.name)
				.map((row): [string, string] => [String(row.name), String(row.value ?? '')]);
			return { kind: 'form', fields: rows };
		}
		case 'multipart':
			return { kind: 'multipart', parts: await multipartParts(input) };
		case 'raw':
			return {
				kind: 'raw',
				data: String(param('rawBody', '')),
				contentType: String(param('rawContentType', 'text/plain')) || 'text/plain',
			};
	}
}

async function multipartParts({ ctx, itemIndex, param }: ItemInput): Promise<MultipartPart[]> {
	const rows = param('multipartParameters.parameters', []) as Array<{
		parameterType?: string;
		name?: string;
		value?: string;
		inputBinaryField?: string;
	}>;
	const parts: MultipartPart[] = [];
	for (const row of rows) {
		const name = String(row.name ?? '').trim();
		if (!name)
			throw new ZohoInputError(
				'Multipart Fields',
				`Multipart Fields: field ${parts.length + 1} has no name.`,
				'Give every field a name (Zoho CRM attachments use "file").',
			);
		if (row.parameterType !== 'file') {
			parts.push({ name, value: String(row.value ?? '') });
			continue;
		}
		const field = String(row.inputBinaryField ?? '').trim() || 'data';
		const binary = ctx.getInputData()[itemIndex]?.binary?.[field];
		if (!binary) {
			const present = Object.keys(ctx.getInputData()[itemIndex]?.binary ?? {});
			throw new ZohoInputError(
				'Input Binary Field',
				`Input item ${itemIndex} has no binary field "${field}" (Input Binary Field).`,
				present.length
					? `Its binary fields are: ${present.join(', ')}. Enter one of them in Input Binary Field.`
					: 'The input item carries no file. Add a node before this one that reads or downloads the file (e.g. Read/Write Files from Disk).',
			);
		}
		const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, field);
		parts.push({
			name,
			data,
			fileName:
				binary.fileName ?? `${field}${binary.fileExtension ? `.${binary.fileExtension}` : ''}`,
			contentType: binary.mimeType || 'application/octet-stream',
		});
	}
	return parts;
}
