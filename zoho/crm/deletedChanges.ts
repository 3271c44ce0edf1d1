/**
 * What was deleted from a CRM module since a watermark, for the trigger's "deleted" event:
 * Zoho's deleted-records list after one second before the watermark (If-Modified-Since),
 * every page (it lists the newest deletion first, with no other order), then oldest first
 * past the watermark on `deleted_time`, exactly once as for changed records (watermark.ts).
 * Nothing here keeps state: the caller stores the returned watermark once the read succeeded.
 */
import type { ZohoApi } from '../api/zohoApi';
import { deletedRecordPages, type DeletedRecord } from './deletedRecords';
import type { ModuleTarget } from './module';
import { advanceWatermark, type Watermark } from './watermark';

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
	for await (const page of deletedRecordPages(api, {
		target: options.target,
		limit: options.count,
	}))
		records.push(...page);
	return records;
}
