/**
 * API Request: one Zoho API call per item (or a page walk with Return All),
 * with the cached token, the product's base URL and its required org id.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import type { ApiCall, ApiCallOptions, RequestBody } from '../../../zoho/api/apiClient';
import type { ZohoCredentials } from '../../../zoho/credentials';
import { ZohoInputError } from '../../../zoho/errors';
import { deepFreeze } from '../../../zoho/frozen';
import { listPageBody, walkPages, type PageQuery } from '../../../zoho/api/pagination';
import { describeUrl } from '../../../zoho/secrets';
import { serviceUrl, SERVICES } from '../../../zoho/api/services';
import type { AccessToken } from '../../../zoho/token/accessToken';
import { readBody } from './apiRequest.body';
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
	const { ctx, itemIndex, runtime, scope } = input;
	const params = readRequestParams(ctx, itemIndex);
	const body = params.sendBody ? await readBody(ctx, itemIndex) : undefined;
	// After the first item the credential is known: no promise to wait for.
	const { credentials, saved } = input.credentials.known() ?? (await input.credentials.read());
	// Field by field: a spread of the scope is slow on this per-item path.
	const callOptions: ApiCallOptions = {
		signal: scope.signal,
		logger: scope.logger,
		tokenMemo: scope.tokenMemo,
		credentials,
		saved,
		allowedHosts: params.options.allowedHosts,
		timeoutMs: params.options.timeoutMs,
		retryNonIdempotent: params.options.retryNonIdempotent,
		checkBooksCode: SERVICES[params.service].pagination === 'books',
	};
	const build = (query: Array<[string, string]>) => (token: AccessToken) =>
		buildCall({ params, query, body, token, credentials });

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
				const res = await runtime.api.call(build(pageQuery(params.query, page)), callOptions);
				return listPageBody(res.body, describeUrl(res.url));
			},
		});
		return listItems({
			records: walk.records,
			key: walk.key,
			split: params.options.splitIntoItems,
		});
	}

	const res = await runtime.api.call(
		body ? build(params.query) : sameCall(params, credentials),
		callOptions,
	);
	return params.responseFormat === 'file'
		? fileItems({ ctx, params, res })
		: responseItems({ params, res });
}

/**
 * Calls built per parameter set for the token they were built with. Items whose
 * parameters hold no expression share one (frozen) parameter set, so they also share
 * the call (URL and headers), frozen too: the client then recognises it and skips
 * building and checking it again.
 */
const builtCalls = new WeakMap<RequestParams, { token: AccessToken; call: ApiCall }>();

function sameCall(
	params: RequestParams,
	credentials: ZohoCredentials,
): (token: AccessToken) => ApiCall {
	return (token) => {
		const built = builtCalls.get(params);
		if (built?.token === token) return built.call;
		const call = buildCall({ params, query: params.query, token, credentials });
		// Parameters of one item alone are not shared: nothing to remember.
		if (Object.isFrozen(params)) builtCalls.set(params, { token, call: deepFreeze(call) });
		return call;
	};
}

function buildCall(options: {
	params: RequestParams;
	query: Array<[string, string]>;
	body?: RequestBody;
	token: AccessToken;
	credentials: ZohoCredentials;
}): ApiCall {
	const { params, token } = options;
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
		url: resolveUrl(params, token, options.credentials),
		query,
		headers,
		body: options.body,
	};
}

function resolveUrl(
	params: RequestParams,
	token: AccessToken,
	credentials: ZohoCredentials,
): string {
	return serviceUrl({
		service: params.service,
		path: params.path,
		apiDomain: token.apiDomain,
		accountsUrl: credentials.accountsUrl,
		crmVersion: params.crmVersion || undefined,
	});
}

function pageQuery(userQuery: Array<[string, string]>, page: PageQuery): Array<[string, string]> {
	const replaced = new Set([...page.remove, ...page.set.map(([name]) => name)]);
	return [...userQuery.filter(([name]) => !replaced.has(name)), ...page.set];
}
