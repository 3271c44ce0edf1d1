/**
 * Deleted records: the request of `GET /crm/v8/{Module}/deleted` and the schema of its
 * answer. Sources: spec `v8.0/record.json` operation "Get Deleted Records" (parameters
 * type, page, per_page, header If-Modified-Since; Deleted_Record) and
 * https://www.zoho.com/crm/developer/docs/api/v2/get-deleted-records.html (type all,
 * recycle or permanent; `all` by default). Records stay 60 days in the recycle bin, then
 * count as permanently deleted.
 *
 * For the trigger's "deleted" event, the list is read after one second before a watermark
 * (If-Modified-Since), every page (it lists the newest deletion first, with no other order),
 * then oldest first past the watermark on `deleted_time`, exactly once as for changed
 * records (watermark.ts). Nothing here keeps state: the caller stores the returned
 * watermark once the read succeeded.
 */
import { z } from 'zod';
import { apiErrorSchema } from '../../api/schemas';
import type { ZohoApi } from '../../api/apiClient';
import { isZohoError, ZohoApiError } from '../../errors';
import { zohoTime } from '../../formats';
import { checkModuleName, type ModuleTarget } from '../module';
import { advanceWatermark, type Watermark } from './watermark';

export const DELETED_TYPES = ['all', 'recycle', 'permanent'] as const;
export type DeletedType = (typeof DELETED_TYPES)[number];
const DELETED_MAX_PER_PAGE = 200;

// Only what the reads use is checked; the rest of a record passes through as Zoho gave it.
export const deletedRecordSchema = z
	.object({
		id: z.string().min(1),
		type: z.enum(['recycle', 'permanent']),
		deleted_time: z.string().min(1),
	})
	.passthrough();
export type DeletedRecord = z.infer<typeof deletedRecordSchema>;

/** A page of deleted records (none: HTTP 204; a 304, which Zoho does not document here, reads alike). */
export const deletedRecordsAnswerSchema = z
	.object({
		data: z.array(deletedRecordSchema),
		info: z.object({ more_records: z.boolean().nullable().optional() }).passthrough(),
	})
	.passthrough();

/**
 * A module's deleted records, newest deletion first, a page at a time, read to the end or
 * to `limit` records. One page size for the whole read: pages are offsets of it.
 */
export async function* deletedRecordPages(
	api: ZohoApi,
	options: { target: ModuleTarget; type?: DeletedType; since?: Date; limit?: number },
): AsyncGenerator<DeletedRecord[]> {
	const { target } = options;
	checkModuleName(target.module);
	const wanted = options.limit ?? Number.POSITIVE_INFINITY;
	const perPage = Math.min(DELETED_MAX_PER_PAGE, wanted);
	const headers: Record<string, string> =
		options.since === undefined ? {} : { 'If-Modified-Since': zohoTime(options.since) };
	let read = 0;
	for (let page = 1; read < wanted; page += 1) {
		// 204 when nothing was deleted (since If-Modified-Since); a 304 would read the same.
		const answer = await api
			.read(
				{
					base: target,
					path: `/${target.module}/deleted`,
					query: [
						['type', options.type ?? 'all'],
						['page', String(page)],
						['per_page', String(perPage)],
					],
					headers,
				},
				{
					schema: deletedRecordsAnswerSchema,
					what: 'a list of deleted records',
					hint: 'Check the module and API version; if the answer stays so, report it.',
				},
			)
			.catch((error: unknown) => {
				throw deletedRefusal(error);
			});
		if (answer === undefined) return;
		const records = answer.data.slice(0, wanted - read);
		if (records.length > 0) yield records;
		read += records.length;
		if (answer.info.more_records !== true || answer.data.length < perPage) return;
	}
}

/** This API's refusals come wrapped in `data: [...]` (issue #25). */
const wrappedErrorSchema = z.object({ data: z.tuple([apiErrorSchema]).rest(z.unknown()) });

/** The node's parameter behind each query parameter Zoho may refuse. */
const PARAMETERS: Record<string, string> = {
	type: 'Deleted Records',
	'If-Modified-Since': 'Deleted Since',
	per_page: 'Limit',
};

/** Zoho's wrapped refusal read: its code, its message, and the parameter to change. */
function deletedRefusal(error: unknown): unknown {
	if (!isZohoError(error) || error.code !== 'API_ERROR' || error.zohoCode !== undefined)
		return error;
	const parsed = wrappedErrorSchema.safeParse(error.body);
	if (!parsed.success) return error;
	const { code, message, details } = parsed.data.data[0];
	const param = (details as { param_name?: unknown } | undefined)?.param_name;
	const field = typeof param === 'string' ? PARAMETERS[param] : undefined;
	return new ZohoApiError(
		error.code,
		`Zoho refused the list of deleted records (${String(code)})${typeof param === 'string' ? ` for its parameter ${param}` : ''}${message ? `: ${message}` : ''}.`,
		{
			...error,
			zohoCode: String(code),
			...(message ? { zohoMessage: message } : {}),
			...(field ? { field } : {}),
			hint: field
				? `Change ${field}: Zoho takes ${param === 'type' ? DELETED_TYPES.join(', ') : 'a value it documents'} there.`
				: "Check the module and the parameters against Zoho's message.",
			cause: error,
		},
	);
}

/** The deletions after `watermark`, oldest first, and the watermark past them. */
export async function readDeletions(
	api: ZohoApi,
	options: { target: ModuleTarget; watermark: Watermark },
): Promise<{ records: DeletedRecord[]; next: Watermark }> {
	const { watermark } = options;
	const newestFirst: DeletedRecord[] = [];
	// The watermark second itself is read again: more may have been deleted in it since.
	const since = new Date((watermark.second - 1) * 1000);
	for await (const page of deletedRecordPages(api, { target: options.target, since }))
		newestFirst.push(...page);
	const step = advanceWatermark(watermark, {
		records: newestFirst.reverse(),
		field: 'deleted_time',
	});
	return { records: step.fresh as DeletedRecord[], next: step.next };
}

/** The `count` most recent deletions, newest first (a test run in the editor). */
export async function readRecentDeletions(
	api: ZohoApi,
	options: { target: ModuleTarget; count: number },
): Promise<DeletedRecord[]> {
	const records: DeletedRecord[] = [];
	const pages = deletedRecordPages(api, { target: options.target, limit: options.count });
	for await (const page of pages) records.push(...page);
	return records;
}
