/**
 * The one way code calls Zoho: the process's ZohoApiClient bound to one caller's options
 * (credential, Timeout, cancel signal, logger). A path resolves against the token's
 * api_domain and the product's API root (serviceUrl keeps that rule); an answer is parsed
 * with a zod schema, and one that does not fit is the one INVALID_RESPONSE error, naming
 * what was expected.
 */
import type { ZodType, ZodTypeDef } from 'zod';

import type {
	ApiCallOptions,
	ApiRequest,
	ApiResult,
	ApiStreamResult,
	ZohoApiClient,
} from './apiClient';
import { ZohoTransportError } from '../errors';
import { parseJsonBody } from '../json';
import { describeUrl } from '../secrets';

export type { ApiRequest } from './apiClient';

/** What an answer must be: its schema, and what it is in words ("a list of modules"). */
export interface Expected<T> {
	schema: ZodType<T, ZodTypeDef, unknown>;
	what: string;
	hint?: string;
}

export class ZohoApi {
	constructor(
		readonly client: ZohoApiClient,
		readonly options: ApiCallOptions,
	) {}

	/** The same client with some options changed (e.g. POSTs that may be repeated). */
	with(changes: Partial<ApiCallOptions>): ZohoApi {
		return new ZohoApi(this.client, { ...this.options, ...changes });
	}

	/** The answer as it came (API Request: any URL and body, any answer). */
	send(request: ApiRequest): Promise<ApiResult> {
		return this.client.call(request, this.options);
	}

	/** The successful answer as a stream (a Bulk Read download). */
	stream(request: ApiRequest): Promise<ApiStreamResult> {
		return this.client.callStream(request, this.options);
	}

	/** The answer's JSON as `expected`; an empty answer (204, 304) is undefined. */
	async read<T>(request: ApiRequest, expected: Expected<T>): Promise<T | undefined> {
		const res = await this.send(request);
		return res.body.length === 0 ? undefined : parsed(res, request, expected);
	}

	/** The answer's JSON as `expected`; an empty answer does not fit. */
	async fetch<T>(request: ApiRequest, expected: Expected<T>): Promise<T> {
		return parsed(await this.send(request), request, expected);
	}
}

function parsed<T>(res: ApiResult, request: ApiRequest, expected: Expected<T>): T {
	const result = expected.schema.safeParse(parseJsonBody(res.body));
	if (result.success) return result.data;
	const url = describeUrl(res.url);
	throw new ZohoTransportError(
		'INVALID_RESPONSE',
		`Zoho's answer to ${request.method ?? 'GET'} ${url} is not ${expected.what}.`,
		{
			url,
			httpStatus: res.status,
			hint: expected.hint ?? 'Try again; if the answer stays so, report it.',
		},
	);
}
