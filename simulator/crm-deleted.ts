// Deleted records: `GET /crm/{v}/{Module}/deleted?type=all|recycle|permanent` with page / per_page and
// If-Modified-Since. Source: spec `v8.0/record.json` operation "Get Deleted Records"
// (Deleted_Record: id, display_name, type, deleted_by, created_by, deleted_time) and
// https://www.zoho.com/crm/developer/docs/api/v2/get-deleted-records.html (type values,
// `all` by default). Per issue #25, not confirmed by a page read (docs/zoho-conformance.md, open
// questions): a bad `type` is 400 PATTERN_NOT_MATCHED {param_name: "type"} wrapped in
// `data: [...]`, and a permanently deleted entry's display_name is null.
import { deletedTypeAt, logOf } from './crm-deleted-log';
import { readPaging } from './crm-list';
import { knownModule, type CrmTarget } from './crm-records';
import { zohoError } from './errors';
import type { Exchange } from './exchange';
import { zohoDateTime } from './time';

const TYPES = ['all', 'recycle', 'permanent'] as const;

export function handleDeleted(ex: Exchange, target: CrmTarget): void {
	// Zoho keeps no recycle bin for a module it does not know: INVALID_MODULE, as for records.
	if (!knownModule(ex, target)) return;
	const type = ex.query.get('type') ?? 'all';
	if (!(TYPES as readonly string[]).includes(type)) {
		ex.json(400, {
			data: [
				zohoError('PATTERN_NOT_MATCHED', 'Please check whether the input values are correct', {
					param_name: 'type',
				}),
			],
		});
		return;
	}
	const paging = readPaging(ex);
	if (!paging) return;
	const { page, perPage } = paging;
	const since = readSince(ex);
	if (since === 'invalid') {
		ex.json(400, zohoError('INVALID_DATA', 'invalid data', { param_name: 'If-Modified-Since' }));
		return;
	}
	const now = ex.core.now();
	const timing = { now, recycleBinDays: ex.core.config.recycleBinDays };
	const key = `${target.namespace}:${target.module.toLowerCase()}`;
	const matching = logOf(ex.dc).filter(
		(entry) =>
			entry.moduleKey === key &&
			(since === undefined || secondOf(entry.deletedAt) > since) &&
			(type === 'all' || deletedTypeAt(entry, timing) === type),
	);
	// Newest deletion first, as the recycle bin lists them.
	const offset = (page - 1) * perPage;
	const slice = matching
		.slice()
		.reverse()
		.slice(offset, offset + perPage);
	// Zoho documents 200 and 204 here, no 304 (issue #25; spec `record.json` lists only 200):
	// nothing (since If-Modified-Since) is 204, whatever the records list answers.
	if (slice.length === 0) {
		ex.empty(204);
		return;
	}
	ex.json(200, {
		data: slice.map((entry) => {
			const kind = deletedTypeAt(entry, timing);
			return {
				deleted_by: entry.deletedBy,
				id: entry.id,
				display_name: kind === 'permanent' ? null : entry.displayName,
				type: kind,
				created_by: entry.createdBy,
				deleted_time: zohoDateTime(entry.deletedAt),
			};
		}),
		info: {
			per_page: perPage,
			count: slice.length,
			page,
			more_records: offset + perPage < matching.length,
		},
	});
}

/** Zoho's times have no fractions: compare whole seconds. */
function secondOf(ms: number): number {
	return Math.floor(ms / 1000) * 1000;
}

/** The header's time cut to the second, undefined without one, 'invalid' when unreadable. */
function readSince(ex: Exchange): number | undefined | 'invalid' {
	const header = ex.header('if-modified-since');
	if (header === undefined) return undefined;
	const time = Date.parse(header);
	return Number.isNaN(time) ? 'invalid' : Math.floor(time / 1000) * 1000;
}
