/**
 * Runs a Bulk Read export at Zoho: creates the job, waits for it (its state asked with
 * backoff, the wait cancellable by the caller's signal and bounded), downloads each result
 * page as a stream, and creates the job of the next page while Zoho has more records.
 *
 * Zoho's callback is not used: a node cannot take an HTTP call while it runs, and many
 * n8n instances cannot be reached from Zoho; asking for the state costs a credit a look,
 * a handful per job with the backoff.
 *
 * Sources: spec `v8.0/bulk_read.json` (Create Bulk Read Job, Get Bulk Read Job Details,
 * Download Result); https://www.zoho.com/crm/developer/docs/api/bulk-read/limitations.html
 * (200,000 records a page, 10 downloads a minute, 429 past it, served again after a minute).
 */
import { z } from 'zod';

import { restateApiError } from '../../api/apiErrors';
import type { ZohoApi } from '../../api/apiClient';
import type { Clock } from '../../clock';
import { isZohoError, ZohoApiError, ZohoTransportError } from '../../errors';
import type { RetryPolicy } from '../../http/retry';
import { pause } from '../../http/wait';
import {
	BULK_READ_DOWNLOADS_PER_MINUTE,
	buildBulkReadRequest,
	bulkReadCreatedSchema,
	bulkReadJobAnswerSchema,
	bulkReadJobSchema,
	DEFAULT_POLL_SCHEDULE,
	jobPollDelayMs,
	type BulkReadJob,
	type BulkReadRequestOptions,
	type BulkReadResult,
	type PollSchedule,
} from './request';

export interface JobTiming {
	poll: PollSchedule;
	/** How a result download Zoho refused (its per-minute limit) or lost is tried again. */
	downloadRetry: RetryPolicy;
}

export const DEFAULT_JOB_TIMING: JobTiming = {
	poll: DEFAULT_POLL_SCHEDULE,
	// Past the limit, Zoho serves downloads again after a minute.
	downloadRetry: { retries: 3, baseDelayMs: 30_000, maxDelayMs: 60_000 },
};

export interface BulkExportOptions {
	/** CRM API version of the bulk path, e.g. v8. */
	version: string;
	request: Omit<BulkReadRequestOptions, 'pageToken'>;
	timing: JobTiming;
	clock: Clock;
	/** How long one job may take before the export fails. */
	maxWaitMs: number;
}

export interface BulkExportPage {
	job: BulkReadJob;
	result: BulkReadResult;
	/** The result zip's bytes: read them (or stop) before asking for the next page. */
	zip: AsyncIterable<Uint8Array>;
}

/**
 * The export's result pages, one job each, in order. Nothing is held past the page being
 * read: the next job is created only when the caller asks for the next page.
 */
export async function* bulkExportPages(
	api: ZohoApi,
	options: BulkExportOptions,
): AsyncGenerator<BulkExportPage> {
	let pageToken: string | undefined;
	for (;;) {
		const body = buildBulkReadRequest({
			...options.request,
			...(pageToken === undefined ? {} : { pageToken }),
		});
		const jobId = await api
			.fetch(
				{ method: 'POST', path: bulkReadPath(options.version), json: body },
				{ schema: createdJobId, what: 'the created Bulk Read job', hint: EXPORT_HINT },
			)
			.catch((error: unknown) => {
				throw createRefusal(error, options.request.module);
			});
		const { job, result } = await waitForJob(api, { ...options, jobId });
		const download = await downloadResult(api, { result, timing: options.timing });
		try {
			yield { job, result, zip: download.stream };
		} finally {
			download.release();
		}
		if (!result.more_records) return;
		if (!result.next_page_token)
			throw new ZohoTransportError(
				'INVALID_RESPONSE',
				`Zoho's Bulk Read job ${job.id} has more records but gave no next_page_token.`,
				{
					hint: 'Run the export again; if it stays so, narrow it with criteria to 200,000 records.',
				},
			);
		pageToken = result.next_page_token;
	}
}

const EXPORT_HINT = 'Run the export again; if the answer stays so, report it.';

const createdJobId = bulkReadCreatedSchema
	.transform((answer) => answer.data[0]?.details.id)
	.pipe(z.string());
const jobOfAnswer = bulkReadJobAnswerSchema
	.transform((answer) => answer.data[0])
	.pipe(bulkReadJobSchema);

function bulkReadPath(version: string): string {
	return `/crm/bulk/${version}/read`;
}

/** Zoho's refusals of a new job that are its Bulk Read limits, said as such. */
function createRefusal(error: unknown, module: string): unknown {
	if (!isZohoError(error) || error.code !== 'API_ERROR') return error;
	switch (error.zohoCode) {
		case 'TOO_MANY_REQUESTS': {
			const limit = (error.body as { details?: Record<string, unknown> } | undefined)?.details
				?.limit;
			return restateApiError(error, {
				message: `Zoho refused a new Bulk Read job (TOO_MANY_REQUESTS): the org already runs as many export jobs as Zoho allows${limit === undefined ? '' : ` (${String(limit)})`}.`,
				hint: 'Wait for running Bulk Read jobs (of this and other workflows or integrations) to finish, then run the export again; run exports one after another.',
			});
		}
		case 'MODULE_NOT_SUPPORTED':
		case 'MODULE_NOT_AVAILABLE':
			return restateApiError(error, {
				message: `Zoho's Bulk Read does not export the module ${module} (${error.zohoCode}).`,
				field: 'Module',
				hint: 'Bulk Read exports every module but Notes, Attachments, Emails and related lists. Check the module, or read it with Query (COQL) or API Request.',
			});
		default:
			return error;
	}
}

async function waitForJob(
	api: ZohoApi,
	options: BulkExportOptions & { jobId: string },
): Promise<{ job: BulkReadJob; result: BulkReadResult }> {
	const { clock, jobId } = options;
	const started = clock.now();
	for (let attempt = 0; ; attempt += 1) {
		await pause(jobPollDelayMs(attempt, options.timing.poll), { signal: api.options.signal });
		const job = await api.fetch(
			{ path: `${bulkReadPath(options.version)}/${jobId}` },
			{ schema: jobOfAnswer, what: 'the Bulk Read job details', hint: EXPORT_HINT },
		);
		if (job.state === 'FAILURE') throw jobFailed(job, options.request.module);
		if (job.state === 'COMPLETED') {
			if (!job.result)
				throw new ZohoTransportError(
					'INVALID_RESPONSE',
					`Zoho's Bulk Read job ${jobId} is COMPLETED but names no result to download.`,
					{ hint: EXPORT_HINT },
				);
			return { job, result: job.result };
		}
		const waited = clock.now() - started;
		if (waited >= options.maxWaitMs)
			throw new ZohoApiError(
				'JOB_TIMEOUT',
				`Zoho's Bulk Read job ${jobId} (${options.request.module}) was still ${job.state} after ${Math.round(waited / 1000)} s.`,
				{
					zohoCode: job.state,
					hint: "Zoho queues an org's export jobs. Raise Max Wait, or run the export when fewer jobs run; the job goes on at Zoho either way.",
				},
			);
	}
}

/** A job Zoho ended in FAILURE: its code and message when it gives them, the job id, what to do. */
function jobFailed(job: BulkReadJob & { state: 'FAILURE' }, module: string): ZohoApiError {
	const failure = job.result?.error_message;
	const said = failure ? ` (${failure.code})${failure.message ? `: ${failure.message}` : ''}` : '';
	return new ZohoApiError(
		'JOB_FAILED',
		`Zoho's Bulk Read job ${job.id} (${module}) ended in FAILURE${said}.`,
		{
			zohoCode: failure?.code ?? job.state,
			...(failure?.message ? { zohoMessage: failure.message } : {}),
			...(failure ? { body: failure } : {}),
			hint: `Run the export again; if it fails again, narrow it (fewer fields, criteria) or give Zoho support the job id ${job.id}.`,
		},
	);
}

async function downloadResult(
	api: ZohoApi,
	options: { result: BulkReadResult; timing: JobTiming },
): Promise<{ stream: AsyncIterable<Uint8Array>; release: () => void }> {
	const { downloadRetry } = options.timing;
	try {
		// Zoho gives the path on the API host (older versions a full URL): the host check applies either way.
		return await api.with({ retry: downloadRetry }).stream({
			path: options.result.download_url,
			headers: { accept: 'application/zip, application/json' },
		});
	} catch (error) {
		if (!isZohoError(error) || error.code !== 'RATE_LIMITED') throw error;
		throw restateApiError(error, {
			message: `Zoho refused the Bulk Read download (${error.zohoCode ?? 'HTTP 429'}): it allows ${BULK_READ_DOWNLOADS_PER_MINUTE} downloads a minute per org, and the limit held through ${downloadRetry.retries + 1} tries.`,
			hint: "Other exports of the org are downloading too. Run this one again in a few minutes (a job's result stays at Zoho for a day).",
		});
	}
}
