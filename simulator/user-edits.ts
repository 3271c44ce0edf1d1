// Records created as a user in Zoho's web UI would: no API call, no credit, and
// Zoho's notification channels hear of them. (touchCrm in seed.ts is the user's edit, deleteRecords in crm-records.ts the user's delete.)
import type { SimCore } from './core';
import { simUser, storeRecord } from './crm-records';
import type { DcState } from './state';
import { zohoDateTime } from './time';
import type { CrmRecord } from './types';

const MODULE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Set by Zoho on every record; a user cannot type them. */
const SYSTEM_FIELDS = new Set(['id', 'Created_Time', 'Modified_Time', 'Created_By', 'Modified_By']);

export interface UserRecordOptions {
	module: string;
	product?: 'crm' | 'bigin';
}

/** Creates a record now; returns a copy of it. */
export function createAsUser(
	core: SimCore,
	dc: DcState,
	options: UserRecordOptions & { fields?: Record<string, unknown> },
): CrmRecord {
	if (!MODULE_NAME.test(options.module)) throw new Error(`invalid module name: ${options.module}`);
	const namespace = options.product ?? 'crm';
	const module = dc.crmModule(namespace, options.module);
	const user = simUser(dc);
	const by = { name: user.name, id: user.id };
	const time = zohoDateTime(core.now());
	const record: CrmRecord = { id: dc.recordIds.next(), Owner: user };
	for (const [key, value] of Object.entries(options.fields ?? {}))
		if (!SYSTEM_FIELDS.has(key)) record[key] = value;
	Object.assign(record, {
		Created_Time: time,
		Modified_Time: time,
		Created_By: by,
		Modified_By: by,
	});
	storeRecord(module, record);
	core.notifications.note({
		dc,
		batch: {},
		namespace,
		module: module.apiName,
		operation: 'insert',
		record,
	});
	return structuredClone(record);
}
