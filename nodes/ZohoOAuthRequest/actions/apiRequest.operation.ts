/**
 * API Request: one Zoho API call per item (or a page walk with Return All), with the
 * cached token, the product's base URL and its required org id; out come JSON, text, a
 * file, or one item per record.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ApiRequest, ApiResult, RequestBody } from '../../../zoho/api/apiClient';
import { ZohoInputError } from '../../../zoho/errors';
import { listPageBody, recordsKey, walkPages, type PageQuery } from '../../../zoho/api/pagination';
import { describeUrl } from '../../../zoho/secrets';
import { SERVICES } from '../../../zoho/api/services';
import { parseJsonBody } from '../../../zoho/json';
import { headerValue } from '../../../zoho/http/transport';
import { zohoApi } from '../../shared/zohoRuntime';
import { readBody, readRequestParams, type RequestParams } from './apiRequest.params';
import type { ItemInput } from './types';

export { properties } from './apiRequest.description';
export { concurrency } from './apiRequest.params';

export const option = {
	name: 'API Request',
	value: 'apiRequest',
	action: 'Make a request',
	description: 'Call any Zoho API (CRM, Books, Desk …) with a cached access token',
};

export async function execute(input: ItemInput): Promise<INodeExecutionData[]> {
	const params = readRequestParams(input);
	const body = params.sendBody ? await readBody(input) : undefined;
	const api = zohoApi(input, {
		credentials: await input.credentials.read(),
		timeoutMs: params.timeoutMs,
		allowedHosts: params.allowedHosts,
		retryNonIdempotent: params.retryNonIdempotent,
		checkBooksCode: SERVICES[params.service].pagination === 'books',
	});

	if (params.returnAll || params.limit !== undefined) {
		const style = SERVICES[params.service].pagination;
		if (style === 'none' || params.method !== 'GET')
			throw new ZohoInputError(
				params.returnAll ? 'Return All' : 'Limit',
				`Return All and Limit page through GET lists of CRM, Bigin, Books, Inventory and Invoice (not ${params.method} on ${SERVICES[params.service].name}).`,
				'Turn Return All and Limit off, and pass paging parameters (e.g. page, per_page, from, limit) as query parameters yourself.',
			);
		const { records, key } = await walkPages({
			style,
			limit: params.returnAll ? undefined : params.limit,
			fetchPage: async (page) => {
				const res = await api.send(request({ params, query: pageQuery(params.query, page) }));
				return listPageBody(res.body, describeUrl(res.url));
			},
		});
		if (params.splitIntoItems) return records.map((record) => ({ json: asObject(record) }));
		return [{ json: { [key ?? 'data']: records } as IDataObject }];
	}

	const res = await api.send(request({ params, query: params.query, body }));
	if (params.responseFormat !== 'file') return responseItems({ params, res });
	// Response Format File: the answer as a file in the item's binary data.
	const file = await input.ctx.helpers.prepareBinaryData(res.body, fileName(res), mimeType(res));
	const json = params.fullResponse ? statusAndHeaders(res) : {};
	return [{ json, binary: { [params.binaryPropertyName]: file } }];
}

/** The call of the parameters, with the org id where the product requires one. */
function request(options: {
	params: RequestParams;
	query: Array<[string, string]>;
	body?: RequestBody;
}): ApiRequest {
	const { params } = options;
	const requires = SERVICES[params.service].requires;
	const query = [...options.query];
	const headers = { ...params.headers };
	if (requires && params.organizationId) {
		if (requires.query && !query.some(([name]) => name === requires.query))
			query.push([requires.query, params.organizationId]);
		if (requires.header) headers[requires.header] = params.organizationId;
	}
	return {
		method: params.method,
		base: { product: params.service, crmVersion: params.crmVersion || undefined },
		path: params.path,
		query,
		headers,
		body: options.body,
	};
}

function pageQuery(userQuery: Array<[string, string]>, page: PageQuery): Array<[string, string]> {
	const replaced = new Set([...page.remove, ...page.set.map(([name]) => name)]);
	return [...userQuery.filter(([name]) => !replaced.has(name)), ...page.set];
}

/** The answer as JSON or text items (Response Format: JSON, Text). */
function responseItems(options: { params: RequestParams; res: ApiResult }): INodeExecutionData[] {
	const { params, res } = options;
	const body = params.responseFormat === 'text' ? res.body.toString('utf8') : jsonOrText(res.body);
	if (params.splitIntoItems && params.responseFormat === 'json') {
		const list = recordsOf(body);
		if (list) return list.map((record) => ({ json: asObject(record) }));
	}
	if (params.fullResponse)
		return [{ json: { ...statusAndHeaders(res), body: body as IDataObject } }];
	if (params.responseFormat === 'text') return [{ json: { data: body as string } }];
	if (body === undefined) return [{ json: {} }]; // 204: Zoho's empty list
	return [{ json: asObject(body) }];
}

/** What Full Response adds to the body. */
function statusAndHeaders(res: ApiResult): IDataObject {
	return { statusCode: res.status, headers: res.headers as IDataObject };
}

function jsonOrText(body: Buffer): unknown {
	if (body.length === 0) return undefined;
	const json = parseJsonBody(body);
	return json === undefined ? body.toString('utf8') : json;
}

/** The records of a list answer: the array itself, CRM's `data`, or Books' named list. */
function recordsOf(body: unknown): unknown[] | undefined {
	if (body === undefined) return [];
	if (Array.isArray(body)) return body;
	if (!body || typeof body !== 'object') return undefined;
	const key = recordsKey(body as Record<string, unknown>);
	return key ? ((body as Record<string, unknown>)[key] as unknown[]) : undefined;
}

function asObject(value: unknown): IDataObject {
	return value && typeof value === 'object' && !Array.isArray(value)
		? (value as IDataObject)
		: { data: value as IDataObject[] };
}

function mimeType(res: ApiResult): string {
	return (
		headerValue(res.headers, 'content-type')?.split(';')[0].trim() || 'application/octet-stream'
	);
}

function fileName(res: ApiResult): string {
	const disposition = headerValue(res.headers, 'content-disposition') ?? '';
	const encoded = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(disposition)?.[1];
	if (encoded) return decodeURIComponent(encoded.trim().replace(/^"|"$/g, ''));
	const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition)?.[1];
	if (plain) return plain.trim();
	const last = new URL(res.url).pathname.split('/').filter(Boolean).pop();
	return last ? decodeURIComponent(last) : 'download';
}
