/**
 * API Request: one Zoho API call per item (or a page walk with Return All),
 * with the cached token, the product's base URL and its required org id.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import type { RequestBody } from '../../../zoho/api/apiClient';
import type { ApiRequest } from '../../../zoho/api/zohoApi';
import { ZohoInputError } from '../../../zoho/errors';
import { listPageBody, walkPages, type PageQuery } from '../../../zoho/api/pagination';
import { describeUrl } from '../../../zoho/secrets';
import { SERVICES } from '../../../zoho/api/services';
import { readBody } from './apiRequest.body';
import { zohoApi } from '../../shared/zohoRuntime';
import { readRequestParams, type RequestParams } from './apiRequest.params';
import { fileItems, listItems, responseItems } from './apiRequest.response';
import type { ItemInput } from './types';

export { properties } from './apiRequest.description';
export { readMaxConcurrency as concurrency } from './apiRequest.params';

export const option = {
	name: 'API Request',
	value: 'apiRequest',
	action: 'Make a request',
	description: 'Call any Zoho API (CRM, Books, Desk …) with a cached access token',
};

export async function execute(input: ItemInput): Promise<INodeExecutionData[]> {
	const { ctx, itemIndex } = input;
	const params = readRequestParams(ctx, itemIndex);
	const body = params.sendBody ? await readBody(ctx, itemIndex) : undefined;
	const api = zohoApi(input, {
		credentials: await input.credentials.read(),
		timeoutMs: params.options.timeoutMs,
		allowedHosts: params.options.allowedHosts,
		retryNonIdempotent: params.options.retryNonIdempotent,
		checkBooksCode: SERVICES[params.service].pagination === 'books',
	});

	if (params.options.returnAll || params.options.limit !== undefined) {
		const style = SERVICES[params.service].pagination;
		if (style === 'none' || params.method !== 'GET') {
			throw new ZohoInputError(
				params.options.returnAll ? 'Return All' : 'Limit',
				`Return All and Limit page through GET lists of CRM, Bigin, Books, Inventory and Invoice (not ${params.method} on ${SERVICES[params.service].name}).`,
				'Turn Return All and Limit off, and pass paging parameters (e.g. page, per_page, from, limit) as query parameters yourself.',
			);
		}
		const walk = await walkPages({
			style,
			limit: params.options.returnAll ? undefined : params.options.limit,
			fetchPage: async (page) => {
				const res = await api.send(request({ params, query: pageQuery(params.query, page) }));
				return listPageBody(res.body, describeUrl(res.url));
			},
		});
		return listItems({
			records: walk.records,
			key: walk.key,
			split: params.options.splitIntoItems,
		});
	}

	const res = await api.send(request({ params, query: params.query, body }));
	return params.responseFormat === 'file'
		? fileItems({ ctx, params, res })
		: responseItems({ params, res });
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
