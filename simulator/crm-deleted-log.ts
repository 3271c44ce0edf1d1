// The log of deleted records: every record deleted through the API or the admin API, with
// when and by whom, and whether it is still in the recycle bin (60 days, then permanently
// deleted: https://www.zoho.com/crm/help/miscellaneous/recycle-bin.html).
import type { DcState } from './state';
import type { CrmRecord } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Fields that name a record, in the order Zoho's modules use them for display. */
const NAME_FIELDS = [
	'Full_Name',
	'Account_Name',
	'Deal_Name',
	'Product_Name',
	'Subject',
	'Event_Title',
	'Campaign_Name',
	'Name',
];

interface UserRef {
	id: string;
	name: string;
}

export interface DeletedEntry {
	id: string;
	/** `<namespace>:<module lower case>`, as DcState keys modules. */
	moduleKey: string;
	displayName: string | null;
	deletedBy: UserRef;
	createdBy: UserRef | null;
	deletedAt: number;
	/** Set when the record left the recycle bin before its time (emptied by an admin). */
	purgedAt?: number;
}

const logs = new WeakMap<DcState, DeletedEntry[]>();

export function logOf(dc: DcState): DeletedEntry[] {
	let log = logs.get(dc);
	if (!log) {
		log = [];
		logs.set(dc, log);
	}
	return log;
}

/** Notes a deletion; the record itself has already left (or is about to leave) the module. */
export function logDeletion(
	dc: DcState,
	options: {
		namespace: string;
		module: string;
		record: CrmRecord;
		at: number;
		by: UserRef;
		permanent?: boolean;
	},
): void {
	const { record } = options;
	const createdBy = record.Created_By;
	logOf(dc).push({
		id: record.id,
		moduleKey: `${options.namespace}:${options.module.toLowerCase()}`,
		displayName: displayNameOf(record),
		deletedBy: { id: options.by.id, name: options.by.name },
		createdBy: isUserRef(createdBy) ? { id: createdBy.id, name: createdBy.name } : null,
		deletedAt: options.at,
		...(options.permanent ? { purgedAt: options.at } : {}),
	});
}

/** 'recycle' while in the bin, 'permanent' once purged or past the retention. */
export function deletedTypeAt(
	entry: DeletedEntry,
	options: { now: number; recycleBinDays: number },
): 'recycle' | 'permanent' {
	if (entry.purgedAt !== undefined && entry.purgedAt <= options.now) return 'permanent';
	return options.now - entry.deletedAt >= options.recycleBinDays * DAY_MS ? 'permanent' : 'recycle';
}

/** Entries of one module, oldest first (a copy). */
export function deletedEntries(
	dc: DcState,
	options: { namespace: string; module: string },
): DeletedEntry[] {
	const key = `${options.namespace}:${options.module.toLowerCase()}`;
	return logOf(dc)
		.filter((entry) => entry.moduleKey === key)
		.map((entry) => ({ ...entry }));
}

function displayNameOf(record: CrmRecord): string | null {
	const person = [record.First_Name, record.Last_Name].filter(
		(part): part is string => typeof part === 'string' && part !== '',
	);
	for (const field of NAME_FIELDS) {
		const value = record[field];
		if (typeof value === 'string' && value !== '') return value;
		if (field === 'Full_Name' && person.length > 0) return person.join(' ');
	}
	return null;
}

function isUserRef(value: unknown): value is UserRef {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as UserRef).id === 'string' &&
		typeof (value as UserRef).name === 'string'
	);
}
