/** Turns a Zoho answer into output items: JSON, text, a file, or one item per record. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ApiResult } from '../../../zoho/api/apiClient';
import { parseJsonBody } from '../../../zoho/json';
import { headerValue } from '../../../zoho/http/transport';
import { recordsKey } from '../../../zoho/api/pagination';
import type { RequestParams } from './apiRequest.params';

export function listItems(options: {
	records: unknown[];
	key?: string;
	split: boolean;
}): INodeExecutionData[] {
	if (options.split) return options.records.map((record) => ({ json: asObject(record) }));
	return [{ json: { [options.key ?? 'data']: options.records } as IDataObject }];
}

/** The answer as a file in the item's binary data (Response Format: File). */
export async function fileItems(options: {
	ctx: IExecuteFunctions;
	params: RequestParams;
	res: ApiResult;
}): Promise<INodeExecutionData[]> {
	const { ctx, params, res } = options;
	const binary = await ctx.helpers.prepareBinaryData(res.body, fileName(res), mimeType(res));
	const json = params.options.fullResponse
		? { statusCode: res.status, headers: res.headers as IDataObject }
		: {};
	return [{ json, binary: { [params.binaryPropertyName]: binary } }];
}

/** The answer as JSON or text items (Response Format: JSON, Text). */
export function responseItems(options: {
	params: RequestParams;
	res: ApiResult;
}): INodeExecutionData[] {
	const { params, res } = options;
	const body = params.responseFormat === 'text' ? res.body.toString('utf8') : jsonOrText(res.body);
	if (params.options.splitIntoItems && params.responseFormat === 'json') {
		const list = recordsOf(body);
		if (list) return list.map((record) => ({ json: asObject(record) }));
	}
	if (params.options.fullResponse) {
		return [
			{
				json: {
					statusCode: res.status,
					headers: res.headers as IDataObject,
					body: body as IDataObject,
				},
			},
		];
	}
	if (params.responseFormat === 'text') return [{ json: { data: body as string } }];
	if (body === undefined) return [{ json: {} }]; // 204: Zoho's empty list
	return [{ json: asObject(body) }];
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
