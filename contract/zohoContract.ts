/**
 * Every request the package sends to Zoho, as Zoho documents it. Sources: Zoho's CRM v8
 * OpenAPI files (github.com/zoho/crm-oas, v8.0/<file>.json and
 * v8.0/<file>/operations/<operationId>/operation.md), the CRM doc pages under
 * https://www.zoho.com/crm/developer/docs/api/v8/, Zoho's OAuth pages for the accounts
 * server, and the product API hosts listed in the project's Zoho notes. Facts only, in
 * our own form; where the spec and a page disagree the stricter is written here.
 */
import { checkBulkReadBody, checkCoqlBody } from './readBodies';
import { checkWatchBody } from './watchBodies';
import type { ContractRequest, Operation, ParamRule } from './rules';

const API_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const RECORD_ID = /^\d{1,19}$/;
/** record.json: `module` path parameter, maxLen 25. */
const MODULE = /^[A-Za-z][A-Za-z0-9_]{0,24}$/;
const CRM_VERSION = /^v(2|2\.1|[3-8])$/;
/** Page tokens reach 100,000 records; page numbers only 2,000 (record.json getRecords). */
export const DISCRETE_RECORD_LIMIT = 2000;
export const MAX_FIELDS = 50;
export const MAX_PER_PAGE = 200;
export const MAX_RECORDS_PER_WRITE = 100;
/** record.json createRecords/upsertRecords `trigger` items. */
export const TRIGGERS = ['workflow', 'approval', 'blueprint', 'pathfinder', 'orchestration'];

const page: ParamRule = { int: { min: 1 } };
const perPage: ParamRule = { int: { min: 1, max: MAX_PER_PAGE } };
const fieldsList: ParamRule = { list: { maxItems: MAX_FIELDS, item: API_NAME } };
const ids: ParamRule = { list: { maxItems: MAX_RECORDS_PER_WRITE, item: RECORD_ID } };
const bool: ParamRule = { enum: ['true', 'false'] };

/** CRM (v2..v8) and Bigin (v2) share record APIs; `base` tells them apart. */
function crmBase(product: 'crm' | 'bigin'): { prefix: string; segments: Record<string, RegExp> } {
	return product === 'crm'
		? { prefix: '/crm/{version}', segments: { version: CRM_VERSION } }
		: { prefix: '/bigin/v2', segments: {} };
}

function versionOf(path: string): number {
	const match = /^\/crm\/v(\d+)/.exec(path);
	return match ? Number(match[1]) : 2;
}

function recordOperations(product: 'crm' | 'bigin'): Operation[] {
	const { prefix, segments } = crmBase(product);
	const withModule = { ...segments, module: MODULE };
	const withId = { ...withModule, id: RECORD_ID };
	const tag = product === 'crm' ? 'crm' : 'bigin';
	const writeBody = (extra: readonly string[]) =>
		({
			kind: 'json',
			keys: [
				'data',
				'trigger',
				'lar_id',
				'apply_feature_execution',
				'skip_feature_execution',
				...extra,
			],
			required: ['data'],
			data: { max: MAX_RECORDS_PER_WRITE },
			trigger: TRIGGERS,
		}) as const;
	return [
		{
			id: `${tag}.getRecords`,
			source:
				'record.json getRecords (fields required, max 50; per_page ≤ 200; page_token past 2,000); docs api/v8/get-records.html; Bigin: pipeline_id for Pipelines',
			method: 'GET',
			path: `${prefix}/{module}`,
			segments: withModule,
			query: {
				fields: fieldsList,
				page,
				per_page: perPage,
				page_token: { maxLength: 96 },
				sort_by: { enum: ['id', 'Created_Time', 'Modified_Time'] },
				sort_order: { enum: ['asc', 'desc'] },
				cvid: { pattern: RECORD_ID },
				ids,
				uid: { pattern: RECORD_ID },
				converted: { enum: ['true', 'false', 'both'] },
				approved: { enum: ['true', 'false', 'both'] },
				territory_id: { pattern: RECORD_ID },
				include_child: bool,
				startDateTime: { dateTime: true },
				endDateTime: { dateTime: true },
				...(product === 'bigin' ? { pipeline_id: { pattern: RECORD_ID } } : {}),
			},
			headers: { ifModifiedSince: true },
			exclusive: [['page', 'page_token']],
			body: { kind: 'none' },
			also: (request, params) => {
				const problems: string[] = [];
				const version = versionOf(request.path);
				const tokens = product === 'crm' && version >= 3;
				if ((product === 'bigin' || version >= 3) && !params.get('fields'))
					problems.push(
						'fields is required when listing records (CRM v3 and later, Bigin): add fields=<API names, at most 50>',
					);
				if (!tokens && params.has('page_token'))
					problems.push(`page_token exists from CRM v3 on, not here`);
				const pageNumber = Number(params.get('page') ?? '1');
				const size = Number(params.get('per_page') ?? String(MAX_PER_PAGE));
				if (tokens && !params.has('page_token') && pageNumber * size > DISCRETE_RECORD_LIMIT)
					problems.push(
						`page ${pageNumber} × per_page ${size} reaches past record ${DISCRETE_RECORD_LIMIT}: use page_token`,
					);
				const module = request.path.split('/').pop() ?? '';
				if (
					product === 'bigin' &&
					module.toLowerCase() === 'pipelines' &&
					!params.get('pipeline_id')
				)
					problems.push('pipeline_id is required when listing Bigin Pipelines');
				return problems;
			},
		},
		{
			id: `${tag}.getRecord`,
			source: 'record.json getRecord',
			method: 'GET',
			path: `${prefix}/{module}/{id}`,
			segments: withId,
			query: {
				fields: fieldsList,
				approved: bool,
				converted: bool,
				cvid: { pattern: RECORD_ID },
				uid: { pattern: RECORD_ID },
			},
			headers: { ifModifiedSince: true },
			body: { kind: 'none' },
		},
		{
			id: `${tag}.createRecords`,
			source:
				'record.json createRecords (data 1..100, trigger items); docs api/v8/insert-records.html',
			method: 'POST',
			path: `${prefix}/{module}`,
			segments: withModule,
			query: {},
			body: writeBody([]),
		},
		{
			id: `${tag}.updateRecords`,
			source: 'record.json updateRecords',
			method: 'PUT',
			path: `${prefix}/{module}`,
			segments: withModule,
			query: {},
			body: writeBody([]),
		},
		{
			id: `${tag}.updateRecord`,
			source: 'record.json updateRecord',
			method: 'PUT',
			path: `${prefix}/{module}/{id}`,
			segments: withId,
			query: {},
			body: writeBody([]),
		},
		{
			id: `${tag}.upsertRecords`,
			source:
				'record.json upsertRecords (duplicate_check_fields, trigger incl. pathfinder and orchestration); docs api/v8/upsert-records.html',
			method: 'POST',
			path: `${prefix}/{module}/upsert`,
			segments: withModule,
			query: {},
			body: { ...writeBody(['duplicate_check_fields', 'wf_trigger']), duplicateCheckFields: true },
		},
		{
			id: `${tag}.deleteRecords`,
			source: 'record.json deleteRecords (ids ≤ 100, wf_trigger); docs api/v8/delete-records.html',
			method: 'DELETE',
			path: `${prefix}/{module}`,
			segments: withModule,
			query: { ids: { ...ids, required: true }, wf_trigger: bool },
			body: { kind: 'none' },
		},
		{
			id: `${tag}.deleteRecord`,
			source: 'record.json deleteRecord (wf_trigger)',
			method: 'DELETE',
			path: `${prefix}/{module}/{id}`,
			segments: withId,
			query: { wf_trigger: bool },
			body: { kind: 'none' },
		},
		{
			id: `${tag}.searchRecords`,
			source:
				'record.json searchRecords (criteria, email, phone or word; per_page ≤ 200); docs api/v8/search-records.html',
			method: 'GET',
			path: `${prefix}/{module}/search`,
			segments: withModule,
			query: {
				criteria: {},
				email: {},
				phone: {},
				word: {},
				converted: { enum: ['true', 'false', 'both'] },
				approved: { enum: ['true', 'false', 'both'] },
				page,
				per_page: perPage,
				fields: fieldsList,
				cvid: { pattern: RECORD_ID },
				type: {},
			},
			oneOf: ['criteria', 'email', 'phone', 'word'],
			body: { kind: 'none' },
		},
		{
			id: `${tag}.getAttachments`,
			source: 'attachments.json getAttachments',
			method: 'GET',
			path: `${prefix}/{module}/{id}/Attachments`,
			segments: withId,
			query: { fields: fieldsList, page, per_page: perPage, ids },
			body: { kind: 'none' },
		},
		{
			id: `${tag}.uploadAttachment`,
			source: 'attachments.json uploadAttachment (multipart file or attachmentUrl)',
			method: 'POST',
			path: `${prefix}/{module}/{id}/Attachments`,
			segments: withId,
			query: { attachmentUrl: {}, title: {} },
			body: { kind: 'multipart', parts: ['file', 'attachmentUrl', 'title'], required: [] },
		},
		{
			id: `${tag}.downloadAttachment`,
			source: 'attachments.json downloadAttachment',
			method: 'GET',
			path: `${prefix}/{module}/{id}/Attachments/{attachment}`,
			segments: { ...withId, attachment: RECORD_ID },
			query: {},
			body: { kind: 'none' },
		},
		{
			id: `${tag}.deleteAttachment`,
			source: 'attachments.json deleteAttachment',
			method: 'DELETE',
			path: `${prefix}/{module}/{id}/Attachments/{attachment}`,
			segments: { ...withId, attachment: RECORD_ID },
			query: {},
			body: { kind: 'none' },
		},
		{
			id: `${tag}.getModules`,
			source: 'modules.json getModules (status filter)',
			method: 'GET',
			path: `${prefix}/settings/modules`,
			segments,
			query: { status: {}, feature_name: {} },
			headers: { ifModifiedSince: true },
			body: { kind: 'none' },
		},
		{
			id: `${tag}.getFields`,
			source: 'fields.json getFields (module required; type all|used|unused)',
			method: 'GET',
			path: `${prefix}/settings/fields`,
			segments,
			query: {
				module: { required: true, pattern: MODULE },
				type: { enum: ['all', 'used', 'unused'] },
				include: {},
				feature_name: {},
				component: {},
			},
			body: { kind: 'none' },
		},
		{
			id: `${tag}.getOrg`,
			source: 'org.json getOrganization',
			method: 'GET',
			path: `${prefix}/org`,
			segments,
			query: {},
			body: { kind: 'none' },
		},
		{
			id: `${tag}.getUsers`,
			source: 'users.json getUsers (type, page, per_page ≤ 200)',
			method: 'GET',
			path: `${prefix}/users`,
			segments,
			query: {
				type: {
					enum: [
						'AllUsers',
						'ActiveUsers',
						'DeactiveUsers',
						'ConfirmedUsers',
						'NotConfirmedUsers',
						'DeletedUsers',
						'ActiveConfirmedUsers',
						'AdminUsers',
						'ActiveConfirmedAdmins',
						'CurrentUser',
					],
				},
				page,
				per_page: perPage,
				ids,
			},
			headers: { ifModifiedSince: true },
			body: { kind: 'none' },
		},
	];
}

/** CRM endpoints other rooms of the simulator serve (Notification API, COQL, Bulk Read, deleted records). */
const CRM_OTHER: Operation[] = [
	{
		id: 'crm.watch.get',
		source:
			'notifications.json Get Notifications (page, per_page, channel_id, module); docs api/v8/notifications/get-details.html',
		method: 'GET',
		path: '/crm/{version}/actions/watch',
		segments: { version: CRM_VERSION },
		query: {
			page,
			per_page: perPage,
			channel_id: { pattern: RECORD_ID },
			module: { pattern: MODULE },
		},
		body: { kind: 'none' },
	},
	...(
		[
			['POST', 'Enable Notifications'],
			['PUT', 'Update Notifications'],
			['PATCH', 'Disable Notification (and update-info.html)'],
		] as const
	).map(
		([method, operationId]): Operation => ({
			id: `crm.watch.${method.toLowerCase()}`,
			source: `notifications.json ${operationId} (Body_Wrapper: watch, Notification)`,
			method,
			path: '/crm/{version}/actions/watch',
			segments: { version: CRM_VERSION },
			query: {},
			body: { kind: 'json', keys: ['watch'], required: ['watch'] },
			also: (request) => checkWatchBody(request),
		}),
	),
	{
		id: 'crm.watch.delete',
		source:
			'notifications.json Delete Notification (channel_ids required); docs api/v8/notifications/disable.html',
		method: 'DELETE',
		path: '/crm/{version}/actions/watch',
		segments: { version: CRM_VERSION },
		query: { channel_ids: { required: true, list: { item: RECORD_ID } } },
		body: { kind: 'none' },
	},
	{
		id: 'crm.coql',
		source:
			'coql.json getRecordsByCOQLQuery (select_query); docs api/v8/COQL-Limitations.html (LIMIT 2,000, 100,000 by OFFSET)',
		method: 'POST',
		path: '/crm/{version}/coql',
		segments: { version: CRM_VERSION },
		query: {},
		body: { kind: 'json', keys: ['select_query', 'include_meta'], required: ['select_query'] },
		also: (request) => checkCoqlBody(request),
	},
	{
		id: 'crm.deletedRecords',
		source: 'record.json getDeletedRecords (type all|recycle|permanent)',
		method: 'GET',
		path: '/crm/{version}/{module}/deleted',
		segments: { version: CRM_VERSION, module: MODULE },
		query: { type: { enum: ['all', 'recycle', 'permanent'] }, page, per_page: perPage },
		headers: { ifModifiedSince: true },
		body: { kind: 'none' },
	},
	{
		id: 'crm.bulkRead.create',
		source: 'bulk_read.json createBulkReadJob (Request_Wrapper, Query, CallBack, Criteria)',
		method: 'POST',
		path: '/crm/bulk/{version}/read',
		segments: { version: CRM_VERSION },
		query: {},
		body: { kind: 'json', keys: ['callback', 'query', 'file_type'], required: ['query'] },
		also: (request) => checkBulkReadBody(request),
	},
	{
		id: 'crm.bulkRead.status',
		source: 'bulk_read.json getBulkReadJobDetails',
		method: 'GET',
		path: '/crm/bulk/{version}/read/{job}',
		segments: { version: CRM_VERSION, job: RECORD_ID },
		query: {},
		body: { kind: 'none' },
	},
	{
		id: 'crm.bulkRead.result',
		source: 'bulk_read.json downloadBulkReadResult',
		method: 'GET',
		path: '/crm/bulk/{version}/read/{job}/result',
		segments: { version: CRM_VERSION, job: RECORD_ID },
		query: {},
		body: { kind: 'none' },
	},
];

/** Zoho's accounts server: the token endpoint and revoke (Zoho OAuth docs, Self Client). */
const ACCOUNTS: Operation[] = [
	{
		id: 'accounts.token',
		source:
			'https://www.zoho.com/accounts/protocol/oauth/self-client/overview.html and …/refresh-access-token.html (parameters in the query or a form body)',
		method: 'POST',
		path: '/oauth/v2/token',
		query: {
			grant_type: { enum: ['authorization_code', 'refresh_token', 'client_credentials'] },
			client_id: {},
			client_secret: {},
			refresh_token: {},
			code: {},
			redirect_uri: {},
			scope: {},
			soid: {},
		},
		body: { kind: 'params' },
		also: (_request, params) => {
			const problems: string[] = [];
			const grant = params.get('grant_type');
			if (!grant) problems.push('grant_type is required');
			for (const name of ['client_id', 'client_secret'])
				if (!params.get(name)) problems.push(`${name} is required`);
			if (grant === 'refresh_token' && !params.get('refresh_token'))
				problems.push('refresh_token is required with grant_type=refresh_token');
			if (grant === 'authorization_code' && !params.get('code'))
				problems.push('code is required with grant_type=authorization_code');
			return problems;
		},
	},
	{
		id: 'accounts.revoke',
		source: 'Zoho OAuth docs: revoke a refresh token (token in the query)',
		method: 'POST',
		path: '/oauth/v2/token/revoke',
		query: { token: { required: true } },
		body: { kind: 'params' },
	},
];

/** Books, Inventory, Invoice: `organization_id` on every call but the organisations list. */
function booksFamily(name: string, prefix: string): Operation[] {
	const organizations: Operation = {
		id: `${name}.organizations`,
		source: `${name} API: GET /organizations`,
		method: 'GET',
		path: `${prefix}/organizations`,
		query: {},
		openQuery: true,
		body: { kind: 'none' },
	};
	return [
		organizations,
		...['GET', 'POST', 'PUT', 'DELETE'].map(
			(method): Operation => ({
				id: `${name}.${method.toLowerCase()}`,
				source: `${name} API: organization_id query parameter; page, per_page ≤ 200 (https://www.zoho.com/books/api/v3/pagination)`,
				method,
				path: `${prefix}/{rest*}`,
				query: {
					organization_id: { required: true, pattern: /^\d{1,20}$/ },
					page,
					per_page: perPage,
				},
				openQuery: true,
				body: { kind: 'any' },
			}),
		),
	];
}

/** Products reached through API Request without a detailed model: host prefix only. */
function openProduct(options: {
	id: string;
	prefix: string;
	source: string;
	orgId?: boolean;
}): Operation[] {
	return ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((method) => ({
		id: `${options.id}.${method.toLowerCase()}`,
		source: options.source,
		method,
		path: `${options.prefix}/{rest*}`,
		query: {},
		openQuery: true,
		...(options.orgId ? { headers: { orgId: 'required' as const } } : {}),
		body: { kind: 'any' as const },
	}));
}

export const OPERATIONS: readonly Operation[] = [
	...ACCOUNTS,
	...recordOperations('crm'),
	...recordOperations('bigin'),
	...CRM_OTHER,
	...booksFamily('books', '/books/v3'),
	...booksFamily('inventory', '/inventory/v1'),
	...booksFamily('invoice', '/invoice/v3'),
	{
		id: 'desk.organizations',
		source: 'Zoho Desk API v1: GET /organizations (no orgId header)',
		method: 'GET',
		path: '/api/v1/organizations',
		query: {},
		openQuery: true,
		body: { kind: 'none' },
	},
	...openProduct({
		id: 'desk',
		prefix: '/api/v1',
		source: 'Zoho Desk API v1: header orgId on every call but /organizations; limit ≤ 100',
		orgId: true,
	}),
	...openProduct({ id: 'projects', prefix: '/api/v3', source: 'Zoho Projects API v3' }),
	...openProduct({ id: 'people', prefix: '/people/api', source: 'Zoho People API' }),
	...openProduct({ id: 'analytics', prefix: '/restapi/v2', source: 'Zoho Analytics API v2' }),
	...openProduct({ id: 'creator', prefix: '/creator/v2.1', source: 'Zoho Creator API v2.1' }),
];

export type { ContractRequest };
