// Bulk Read: `POST /crm/bulk/{v}/read` creates a job, `GET …/read/{id}` tells its state
// (ADDED → QUEUED → IN PROGRESS → COMPLETED, or FAILURE) on the simulator's clock, and
// `GET …/read/{id}/result` streams `{id}.zip`. One page is `bulkReadPageSize` records
// (Zoho: 200,000); further pages come from new jobs with `page_token` (or `page`).
// Sources: spec `v8.0/bulk_read.json` (Request_Wrapper, Query, CallBack, Job_Detail,
// Result, Success_Response `ADDED_SUCCESSFULLY`, the 400 codes, 404 RESOURCE_NOT_FOUND);
// https://www.zoho.com/crm/developer/docs/api/bulk-read/limitations.html (not for Notes,
// Attachments, Emails; 10 downloads a minute, 429 past it; the zip's name);
// https://www.zoho.com/crm/developer/docs/api/v6/bulk-read/job-details.html (scopes
// ZohoCRM.bulk.read or the module's; the job answers by state; per_page 200000).
// A failed job's `result.error_message` {code, message, details, status} is the shape
// issue #25 reads from Zoho's create-job page; the spec has no such field (open question
// in docs/zoho-conformance.md, as is the code a failed job names).
import { randomBytes } from 'node:crypto';
import { isObject, jsonBody } from './body';
import { compileBulkCriteria, type RecordTest } from './crm-bulk-criteria';
import { csvLines, streamZip } from './crm-bulk-export';
import { recordModuleMeta } from './crm-metadata';
import { simUser } from './crm-records';
import { tooManyRequests, zohoError, type ZohoErrorBody } from './errors';
import type { ApiRoute, Exchange } from './exchange';
import { IdSequence } from './ids';
import { coversCrmModule, type ScopeSet } from './scopes';
import type { DcState } from './state';
import { zohoDateTime } from './time';
import { DC_IDS, type CrmRecord, type FieldMeta } from './types';

const BULK_PATH = /^\/crm\/bulk\/v([2-8]|2\.1)\/read(?:\/(\d{1,25})(\/result)?)?\/?$/;
const UNSUPPORTED_MODULES = new Set(['notes', 'attachments', 'emails']);
/** Spec `Query.page`: pages 1 to 50. */
const MAX_PAGE = 50;
const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60_000;
const LOOKUP_TYPES = new Set(['lookup', 'ownerlookup', 'userlookup']);
/** What a failed job says when a test names nothing else (the code is our choice). */
const DEFAULT_FAILURE = { code: 'INTERNAL_ERROR', message: 'Internal server error' };

export type BulkReadState = 'ADDED' | 'QUEUED' | 'IN PROGRESS' | 'COMPLETED' | 'FAILURE';

/** What a test asks of the next jobs created on a DC. */
export interface BulkReadPlan {
	/** Simulator ms from ADDED to the end; default the `bulkReadJobMs` config. */
	durationMs?: number;
	/** End in FAILURE instead of COMPLETED. */
	fail?: boolean;
	/** Zoho's code and message in the failed job's `result.error_message`. */
	failure?: { code: string; message: string };
	/** How many jobs the plan applies to, default 1. */
	times?: number;
}

/** A callback the simulator made (or, for a host off this machine, did not make). */
export interface BulkReadCallbackRecord {
	jobId: string;
	url: string;
	state: BulkReadState;
	/** HTTP status of the callback's answer; 0 when it failed or was not sent. */
	status: number;
	delivered: boolean;
	body: Record<string, unknown>;
}

interface Selection {
	moduleKey: string;
	moduleName: string;
	columns: string[];
	test: RecordTest;
	page: number;
}

interface Job {
	id: string;
	version: string;
	selection: Selection;
	/** The query as the job details echo it. */
	query: Record<string, unknown>;
	createdAt: number;
	durationMs: number;
	fail: boolean;
	failure: { code: string; message: string };
	callbackUrl?: string;
	callbackDone: boolean;
	createdBy: { id: string; name: string };
	/** Taken when the job is first seen finished. */
	result?: {
		records: CrmRecord[];
		count: number;
		more: boolean;
		nextPageToken?: string;
		completedAt: number;
	};
}

interface PageToken {
	selection: Selection;
	expiresAt: number;
}

interface BulkState {
	jobs: Map<string, Job>;
	ids: IdSequence;
	tokens: Map<string, PageToken>;
	plans: Array<Required<Omit<BulkReadPlan, 'times'>> & { remaining: number }>;
	downloads: number[];
	callbacks: BulkReadCallbackRecord[];
	/** Custom views a test defined: cvid → module and criteria. */
	views: Map<string, { moduleKey: string; criteria: unknown }>;
}

const states = new WeakMap<DcState, BulkState>();

function stateOf(dc: DcState): BulkState {
	let state = states.get(dc);
	if (!state) {
		state = {
			jobs: new Map(),
			ids: new IdSequence(`4150868${DC_IDS.indexOf(dc.id)}77`),
			tokens: new Map(),
			plans: [],
			downloads: [],
			callbacks: [],
			views: new Map(),
		};
		states.set(dc, state);
	}
	return state;
}

export function planBulkRead(dc: DcState, plan: BulkReadPlan): void {
	const times = plan.times ?? 1;
	if (!Number.isInteger(times) || times < 1) throw new Error('times must be a positive integer');
	if (plan.durationMs !== undefined && (!Number.isFinite(plan.durationMs) || plan.durationMs < 0))
		throw new Error('durationMs must be a non-negative number');
	stateOf(dc).plans.push({
		durationMs: plan.durationMs ?? Number.NaN,
		fail: plan.fail === true,
		failure: plan.failure ?? DEFAULT_FAILURE,
		remaining: times,
	});
}

export function bulkReadCallbacks(dc: DcState): BulkReadCallbackRecord[] {
	return structuredClone(stateOf(dc).callbacks);
}

/** Defines a custom view for `cvid`: its criteria in the Bulk Read criteria form. Returns the cvid. */
export function defineCustomView(
	dc: DcState,
	options: { module: string; criteria: unknown; id?: string },
): string {
	const state = stateOf(dc);
	const id = options.id ?? state.ids.next();
	state.views.set(id, { moduleKey: options.module.toLowerCase(), criteria: options.criteria });
	return id;
}

export function matchBulkRead(ex: Exchange): ApiRoute | undefined {
	const match = BULK_PATH.exec(ex.path);
	if (!match) return undefined;
	const [, version = '8', jobId, result] = match;
	if (jobId === undefined) {
		if (ex.method !== 'POST') return undefined;
		const module = requestedModule(ex);
		return {
			allowed: (scopes) =>
				hasBulkRead(scopes) &&
				(module === undefined || coversCrmModule(scopes, { module, operations: ['read'] })),
			credits: ex.core.config.bulkReadJobCredits,
			handle: (e) => handleCreate(e, version),
		};
	}
	if (ex.method !== 'GET') return undefined;
	return {
		allowed: (scopes) =>
			hasBulkRead(scopes) || scopes.hasAny('zohocrm.modules.all', 'zohocrm.modules.read'),
		handle: (e) => (result ? handleDownload(e, jobId) : handleDetails(e, jobId)),
	};
}

function hasBulkRead(scopes: ScopeSet): boolean {
	return scopes.hasAny('zohocrm.bulk.read', 'zohocrm.bulk.all');
}

function requestedModule(ex: Exchange): string | undefined {
	const parsed = jsonBody(ex);
	if (!parsed.ok || !isObject(parsed.value) || !isObject(parsed.value.query)) return undefined;
	const module = parsed.value.query.module;
	const name = isObject(module) ? module.api_name : module;
	return typeof name === 'string' ? name : undefined;
}

// ---- Create ----

class Refusal extends Error {
	constructor(
		readonly status: number,
		readonly body: ZohoErrorBody,
	) {
		super(body.message);
	}
}

const refuse = (code: string, message: string, details: Record<string, unknown> = {}) =>
	new Refusal(400, zohoError(code, message, details));

function handleCreate(ex: Exchange, version: string): void {
	const now = ex.core.now();
	const state = stateOf(ex.dc);
	settleJobs(ex, now);
	try {
		const request = readRequest(ex);
		const unfinished = [...state.jobs.values()].filter((job) => !isFinished(job, now)).length;
		if (unfinished >= ex.core.config.bulkReadMaxJobs)
			throw refuse('TOO_MANY_REQUESTS', 'too many bulk read jobs are in progress', {
				limit: ex.core.config.bulkReadMaxJobs,
			});
		const plan = state.plans[0];
		if (plan) {
			plan.remaining -= 1;
			if (plan.remaining <= 0) state.plans.shift();
		}
		const durationMs =
			plan && !Number.isNaN(plan.durationMs) ? plan.durationMs : ex.core.config.bulkReadJobMs;
		const user = simUser(ex.dc);
		const job: Job = {
			id: state.ids.next(),
			version,
			selection: request.selection,
			query: request.echo,
			createdAt: now,
			durationMs,
			fail: plan?.fail ?? false,
			failure: plan?.failure ?? DEFAULT_FAILURE,
			callbackDone: false,
			createdBy: { id: user.id, name: user.name },
			...(request.callbackUrl ? { callbackUrl: request.callbackUrl } : {}),
		};
		state.jobs.set(job.id, job);
		if (job.callbackUrl) {
			// Wakes up when the job ends in real time; a clock moved ahead is noticed by the next bulk call.
			void ex.core.sleep(durationMs + 1).then(() => settleJobs(ex, ex.core.now()));
		}
		ex.json(201, {
			data: [
				{
					status: 'success',
					code: 'ADDED_SUCCESSFULLY',
					message: 'Added successfully.',
					details: {
						id: job.id,
						operation: 'read',
						state: 'ADDED',
						created_by: job.createdBy,
						created_time: zohoDateTime(now),
					},
				},
			],
			info: {},
		});
	} catch (error: unknown) {
		if (!(error instanceof Refusal)) throw error;
		ex.json(error.status, error.body);
	}
}

interface CreateRequest {
	selection: Selection;
	echo: Record<string, unknown>;
	callbackUrl?: string;
}

function readRequest(ex: Exchange): CreateRequest {
	if (ex.body.length === 0) throw refuse('REQUEST_BODY_IS_EMPTY', 'the request body is empty');
	const parsed = jsonBody(ex);
	if (!parsed.ok || !isObject(parsed.value))
		throw refuse('REQUEST_BODY_NOT_READABLE', 'the request body is not a JSON object');
	const body = parsed.value;
	const callbackUrl = readCallback(body.callback);
	const fileType = body.file_type ?? 'csv';
	if (fileType !== 'csv' && fileType !== 'ics')
		throw refuse('INVALID_REQUEST', 'file_type must be csv or ics', { api_name: 'file_type' });
	const query = body.query;
	if (!isObject(query))
		throw refuse('MANDATORY_NOT_FOUND', 'required field not found', {
			api_name: 'query',
			json_path: '$.query',
		});
	const selection =
		query.page_token !== undefined
			? fromPageToken(ex, query)
			: freshSelection(ex, { query, fileType });
	const echo: Record<string, unknown> = {
		module: { api_name: selection.moduleName },
		page: selection.page,
	};
	for (const key of ['fields', 'criteria', 'cvid', 'page_token'])
		if (query[key] !== undefined) echo[key] = query[key];
	return { selection, echo, ...(callbackUrl ? { callbackUrl } : {}) };
}

function readCallback(callback: unknown): string | undefined {
	if (callback === undefined) return undefined;
	if (!isObject(callback)) throw refuse('INVALID_CALLBACK_URL', 'the callback must be an object');
	if (callback.method !== 'post')
		throw refuse('INVALID_CALLBACK_METHOD', 'the callback method must be post', {
			api_name: 'method',
		});
	const url = callback.url;
	const valid = typeof url === 'string' && /^https?:\/\//i.test(url) && URL.canParse(url);
	if (!valid)
		throw refuse('INVALID_CALLBACK_URL', 'the callback url is invalid', { api_name: 'url' });
	return url;
}

function fromPageToken(ex: Exchange, query: Record<string, unknown>): Selection {
	if (query.page !== undefined)
		throw refuse('INVALID_REQUEST', 'page and page_token cannot be given together', {
			api_names: ['page', 'page_token'],
		});
	const token =
		typeof query.page_token === 'string' ? stateOf(ex.dc).tokens.get(query.page_token) : undefined;
	if (!token || token.expiresAt <= ex.core.now())
		throw refuse('INVALID_REQUEST', 'the page_token is invalid or has expired', {
			api_name: 'page_token',
		});
	const module = query.module;
	const name = isObject(module) ? module.api_name : undefined;
	if (typeof name === 'string' && name.toLowerCase() !== token.selection.moduleKey)
		throw refuse('INVALID_REQUEST', 'the page_token belongs to another module', {
			api_name: 'page_token',
		});
	return token.selection;
}

function freshSelection(
	ex: Exchange,
	options: { query: Record<string, unknown>; fileType: unknown },
): Selection {
	const { query } = options;
	const module = isObject(query.module) ? query.module.api_name : query.module;
	if (typeof module !== 'string' || module === '')
		throw refuse('MANDATORY_NOT_FOUND', 'required field not found', {
			api_name: 'module',
			json_path: '$.query.module',
		});
	if (UNSUPPORTED_MODULES.has(module.toLowerCase()))
		throw refuse('MODULE_NOT_SUPPORTED', 'the module is not supported for bulk read', {
			api_name: module,
		});
	const meta = recordModuleMeta(ex.dc, { namespace: 'crm', module });
	if (!meta)
		throw refuse('MODULE_NOT_AVAILABLE', 'the module is not available', { api_name: module });
	if (options.fileType === 'ics')
		throw refuse('NOT_SUPPORTED_FEATURE', 'this simulator exports csv only (ics is for Events)', {
			api_name: 'file_type',
		});
	const fields = new Map(meta.fields.map((field) => [field.api_name.toLowerCase(), field]));
	const columns = readColumns({ raw: query.fields, fields, meta: meta.fields });
	const tests: RecordTest[] = [];
	if (query.criteria !== undefined) tests.push(compileOrRefuse(query.criteria, fields));
	if (query.cvid !== undefined) {
		const view = typeof query.cvid === 'string' ? stateOf(ex.dc).views.get(query.cvid) : undefined;
		if (!view || view.moduleKey !== module.toLowerCase())
			throw refuse('CVID_NOT_SUPPORTED', 'the custom view is not available for bulk read', {
				api_name: 'cvid',
			});
		tests.push(compileOrRefuse(view.criteria, fields));
	}
	const page = query.page ?? 1;
	if (typeof page !== 'number' || !Number.isInteger(page) || page < 1)
		throw refuse('INVALID_REQUEST', 'page must be a positive integer', { api_name: 'page' });
	if (page > MAX_PAGE)
		throw refuse('PAGE_RANGE_EXCEEDED', 'the page is out of range', { max_limit: MAX_PAGE });
	return {
		moduleKey: module.toLowerCase(),
		moduleName: meta.api_name,
		columns,
		test: (record) => tests.every((test) => test(record)),
		page,
	};
}

function compileOrRefuse(raw: unknown, fields: ReadonlyMap<string, FieldMeta>): RecordTest {
	const compiled = compileBulkCriteria(raw, fields);
	if (!compiled.ok) throw new Refusal(400, compiled.error);
	return compiled.test;
}

/** CSV columns: `Id`, then the fields asked for (every field of the module without `fields`). */
function readColumns(options: {
	raw: unknown;
	fields: ReadonlyMap<string, FieldMeta>;
	meta: readonly FieldMeta[];
}): string[] {
	const { raw, fields } = options;
	if (raw === undefined) return ['Id', ...options.meta.map((field) => field.api_name)];
	if (!Array.isArray(raw) || raw.length === 0 || !raw.every((name) => typeof name === 'string'))
		throw refuse('INVALID_REQUEST', 'fields must be an array of field API names', {
			api_name: 'fields',
		});
	const columns = ['Id'];
	for (const name of raw as string[]) {
		if (name.toLowerCase() === 'id') continue;
		const [head = '', sub] = name.split('.', 2);
		const field = fields.get(head.toLowerCase());
		if (!field || (sub !== undefined && !LOOKUP_TYPES.has(field.data_type)))
			throw refuse('FIELD_NOT_AVAILABLE', 'the field is not available', { api_name: name });
		const column = sub === undefined ? field.api_name : `${field.api_name}.${sub}`;
		if (!columns.includes(column)) columns.push(column);
	}
	return columns;
}

// ---- Job life ----

function stateAt(job: Job, now: number): BulkReadState {
	const elapsed = now - job.createdAt;
	if (elapsed >= job.durationMs) return job.fail ? 'FAILURE' : 'COMPLETED';
	if (elapsed >= job.durationMs / 2) return 'IN PROGRESS';
	return elapsed >= job.durationMs / 4 ? 'QUEUED' : 'ADDED';
}

function isFinished(job: Job, now: number): boolean {
	const state = stateAt(job, now);
	return state === 'COMPLETED' || state === 'FAILURE';
}

/** Takes the result of jobs that have ended and sends their callbacks. */
function settleJobs(ex: Exchange, now: number): void {
	for (const job of stateOf(ex.dc).jobs.values()) {
		if (!isFinished(job, now)) continue;
		if (!job.result && !job.fail) job.result = takeResult(ex, { job, now });
		if (job.callbackUrl && !job.callbackDone) {
			job.callbackDone = true;
			void sendCallback(ex, { job, now });
		}
	}
}

function takeResult(ex: Exchange, options: { job: Job; now: number }): NonNullable<Job['result']> {
	const { selection } = options.job;
	const pageSize = ex.core.config.bulkReadPageSize;
	const records = ex.dc.crm.get(`crm:${selection.moduleKey}`)?.records ?? [];
	// Zoho exports without sorting; the simulator's records are in creation (id) order.
	const matching = records.filter(selection.test);
	const offset = (selection.page - 1) * pageSize;
	const page = matching.slice(offset, offset + pageSize);
	const more = offset + pageSize < matching.length;
	let nextPageToken: string | undefined;
	if (more) {
		nextPageToken = randomBytes(48).toString('hex');
		stateOf(ex.dc).tokens.set(nextPageToken, {
			selection: { ...selection, page: selection.page + 1 },
			expiresAt: options.now + DAY_MS,
		});
	}
	return {
		records: page,
		count: page.length,
		more,
		completedAt: options.now,
		...(nextPageToken ? { nextPageToken } : {}),
	};
}

function jobDetails(job: Job, now: number): Record<string, unknown> {
	const state = stateAt(job, now);
	const details: Record<string, unknown> = {
		id: job.id,
		operation: 'read',
		state,
		query: job.query,
		created_by: job.createdBy,
		created_time: zohoDateTime(job.createdAt),
		file_type: 'csv',
	};
	if (state === 'COMPLETED' && job.result) {
		details.result = {
			page: job.selection.page,
			per_page: 200_000,
			count: job.result.count,
			download_url: `/crm/bulk/v${job.version}/read/${job.id}/result`,
			more_records: job.result.more,
			...(job.result.nextPageToken ? { next_page_token: job.result.nextPageToken } : {}),
		};
	}
	if (state === 'FAILURE')
		details.result = {
			error_message: { ...job.failure, details: {}, status: 'error' },
		};
	return details;
}

/** Only hosts on this machine are called; a callback elsewhere is recorded, not sent. */
async function sendCallback(ex: Exchange, options: { job: Job; now: number }): Promise<void> {
	const { job } = options;
	const details = jobDetails(job, options.now);
	const { id, ...rest } = details;
	const body = { job_id: id, ...rest };
	const url = job.callbackUrl ?? '';
	const record: BulkReadCallbackRecord = {
		jobId: job.id,
		url,
		state: stateAt(job, options.now),
		status: 0,
		delivered: false,
		body,
	};
	stateOf(ex.dc).callbacks.push(record);
	if (!['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname)) return;
	try {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(10_000),
		});
		record.status = response.status;
		record.delivered = response.ok;
		await response.arrayBuffer();
	} catch (error: unknown) {
		// Zoho does not retry a callback; the failure stays in the record for tests to see.
		if (!(error instanceof Error)) throw error;
	}
}

// ---- Details and download ----

function notFound(status: number, resource: string): Refusal {
	return new Refusal(
		status,
		zohoError('RESOURCE_NOT_FOUND', 'the requested resource is not found', { resource }),
	);
}

function handleDetails(ex: Exchange, jobId: string): void {
	const now = ex.core.now();
	settleJobs(ex, now);
	const job = stateOf(ex.dc).jobs.get(jobId);
	if (!job) {
		const refusal = notFound(404, 'job_id');
		ex.json(refusal.status, refusal.body);
		return;
	}
	ex.json(200, { data: [jobDetails(job, now)] });
}

async function handleDownload(ex: Exchange, jobId: string): Promise<void> {
	const now = ex.core.now();
	settleJobs(ex, now);
	const state = stateOf(ex.dc);
	state.downloads = state.downloads.filter((time) => now - time < MINUTE_MS);
	if (state.downloads.length >= ex.core.config.bulkReadDownloadsPerMinute) {
		ex.json(
			429,
			tooManyRequests(
				`Only ${ex.core.config.bulkReadDownloadsPerMinute} downloads are allowed in a minute. Please try again after some time.`,
			),
		);
		return;
	}
	const job = state.jobs.get(jobId);
	const result = job?.result;
	if (!job || !result || now - result.completedAt >= DAY_MS) {
		// The spec's JSON says 400, its examples ("Job result not found error") 404: as the examples.
		const refusal = notFound(404, 'result');
		ex.json(refusal.status, refusal.body);
		return;
	}
	state.downloads.push(now);
	const res = ex.stream({
		status: 200,
		headers: {
			'Content-Type': 'application/zip',
			'Content-Disposition': `attachment; filename="${job.id}.zip"`,
		},
	});
	if (!res) return;
	await streamZip(res, {
		fileName: `${job.id}.csv`,
		lines: csvLines({ columns: job.selection.columns, records: result.records }),
	});
}
