// CRM record writes and single-record reads: insert, update, upsert, delete, get.
import { isObject, jsonBody } from './body';
import { logDeletion } from './crm-deleted-log';
import {
	combineRefusals,
	defaultDuplicateFields,
	duplicatesOf,
	recordModuleMeta,
	refusalsOf,
	type RecordRefusal,
} from './crm-metadata';
import { zohoError } from './errors';
import type { Exchange } from './exchange';
import { changedFields, type NotificationHub } from './notifications';
import type { CrmModuleState, DcState } from './state';
import { zohoDateTime } from './time';
import type { CrmRecord } from './types';

export interface CrmTarget {
	namespace: 'crm' | 'bigin';
	version: number;
	module: string;
}

/** Zoho refuses more than 100 records in one write. */
const MAX_WRITE = 100;
/** Fields the server owns; a client cannot set them. */
const SYSTEM_FIELDS = new Set(['id', 'Created_Time', 'Modified_Time', 'Created_By', 'Modified_By']);
/** record.json createRecords/upsertRecords `trigger` items; omitted: workflows, approvals and blueprints run. */
const TRIGGERS = ['workflow', 'approval', 'blueprint', 'pathfinder', 'orchestration'];

interface ResultEntry {
	code: string;
	details: Record<string, unknown>;
	message: string;
	status: 'success' | 'error';
	action?: 'insert' | 'update';
	duplicate_field?: string | null;
}

/** The module's records, after checking Zoho knows it. */
export function moduleOf(ex: Exchange, target: CrmTarget): CrmModuleState {
	return ex.dc.crmModule(target.namespace, target.module);
}

/**
 * The module's records, or undefined after answering 400 INVALID_MODULE: Zoho serves
 * only its own modules and the org's custom ones (record.json getRecords example
 * "invaliddata": details `resource_path_index` 0, the module's place in the path).
 */
export function knownModule(ex: Exchange, target: CrmTarget): CrmModuleState | undefined {
	if (recordModuleMeta(ex.dc, target)) return moduleOf(ex, target);
	ex.json(400, invalidModule());
	return undefined;
}

export function invalidModule(): ReturnType<typeof zohoError> {
	return zohoError('INVALID_MODULE', 'the module name given seems to be invalid', {
		resource_path_index: 0,
	});
}

export function simUser(dc: DcState): { name: string; id: string; email: string } {
	return { name: 'Sim User', id: dc.crmUserId, email: 'sim.user@example.com' };
}

export function storeRecord(module: CrmModuleState, record: CrmRecord): void {
	module.idsAscendingAt = -1;
	module.records.push(record);
	module.byId.set(record.id, record);
}

/** Keeps only the requested fields (and id), as `fields=` does. */
/**
 * A record with the `fields` asked for (all it has without `fields`), and its id. A field
 * of the module without a value comes back as null, as in Zoho's answers; names that are
 * no field of the module are left out.
 */
export function projectFields(
	ex: Exchange,
	options: { target: CrmTarget; fields: string | null },
): (record: CrmRecord) => CrmRecord {
	const { fields } = options;
	if (!fields) return (record) => record;
	const known = new Set(
		(recordModuleMeta(ex.dc, options.target)?.fields ?? []).map((field) => field.api_name),
	);
	const wanted = fields.split(',').map((field) => field.trim());
	return (record) => {
		const projected: CrmRecord = { id: record.id };
		for (const field of wanted) {
			if (field in record) projected[field] = record[field];
			else if (known.has(field)) projected[field] = null;
		}
		return projected;
	};
}

export function handleGetRecord(ex: Exchange, options: { target: CrmTarget; id: string }): void {
	const module = knownModule(ex, options.target);
	if (!module) return;
	const record = module.byId.get(options.id);
	if (!record) {
		ex.empty(204);
		return;
	}
	const project = projectFields(ex, { target: options.target, fields: ex.query.get('fields') });
	ex.json(200, { data: [project(record)] });
}

export function handleInsert(ex: Exchange, target: CrmTarget): void {
	const module = knownModule(ex, target);
	if (!module) return;
	const write = readWrite(ex);
	if (!write) return;
	const results = write.data.map((element, index) =>
		insertOne(ex, { target, module, element, index }),
	);
	ex.json(batchStatus(results, 201), { data: results });
}

export function handleUpdate(ex: Exchange, options: { target: CrmTarget; id?: string }): void {
	const module = knownModule(ex, options.target);
	if (!module) return;
	const write = readWrite(ex);
	if (!write) return;
	const results = write.data.map((element, index) => {
		if (!isObject(element)) return invalidElement();
		const id = options.id ?? element.id;
		if (typeof id !== 'string' || id === '') {
			return errorEntry({
				code: 'MANDATORY_NOT_FOUND',
				details: { api_name: 'id', json_path: `$.data[${index}].id` },
				message: 'required field not found',
			});
		}
		return updateOne(ex, { target: options.target, module, element, id, index });
	});
	ex.json(batchStatus(results, 200), { data: results });
}

export function handleUpsert(ex: Exchange, target: CrmTarget): void {
	const module = knownModule(ex, target);
	if (!module) return;
	const write = readWrite(ex);
	if (!write) return;
	const duplicateFields =
		write.duplicateCheckFields ??
		defaultDuplicateFields(ex.dc, { namespace: target.namespace, module: target.module });
	const lookup = new DuplicateIndex(module, duplicateFields);
	const results = write.data.map((element, index): ResultEntry => {
		if (!isObject(element)) return invalidElement();
		const match = lookup.find(element);
		if (match) {
			const entry = updateOne(ex, { target, module, element, id: match.record.id, index });
			if (entry.status === 'success') lookup.add(match.record);
			return entry.status === 'success'
				? { ...entry, action: 'update', duplicate_field: match.field }
				: entry;
		}
		const entry = insertOne(ex, { target, module, element, index });
		const added =
			typeof entry.details.id === 'string' ? module.byId.get(entry.details.id) : undefined;
		if (entry.status === 'success' && added) lookup.add(added);
		return entry.status === 'success'
			? { ...entry, action: 'insert', duplicate_field: null }
			: entry;
	});
	ex.json(batchStatus(results, 200), { data: results });
}

export function handleDelete(ex: Exchange, options: { target: CrmTarget; id?: string }): void {
	const module = knownModule(ex, options.target);
	if (!module) return;
	const ids =
		options.id !== undefined
			? [options.id]
			: (ex.query.get('ids') ?? '').split(',').filter((id) => id !== '');
	if (ids.length === 0) {
		// record.json deleteRecords example "missingparam".
		ex.json(
			400,
			zohoError('REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
				param_name: 'ids',
			}),
		);
		return;
	}
	if (ids.length > MAX_WRITE) {
		ex.json(
			400,
			zohoError('LIMIT_EXCEEDED', 'limit exceeded', { limit: MAX_WRITE, param_name: 'ids' }),
		);
		return;
	}
	// Omitted: Zoho runs the workflows of the deletion (record.json deleteRecords `wf_trigger`).
	const wfTrigger = ex.query.get('wf_trigger');
	if (wfTrigger !== null && wfTrigger !== 'true' && wfTrigger !== 'false') {
		ex.json(
			400,
			zohoError('INVALID_DATA', 'invalid data', {
				param_name: 'wf_trigger',
				supported_values: ['true', 'false'],
			}),
		);
		return;
	}
	ex.core.counters.recordWrite({
		dc: ex.dc.id,
		method: ex.method,
		path: ex.path,
		records: ids.length,
		...(wfTrigger === null ? {} : { wfTrigger }),
	});
	const removed = deleteRecords(ex.dc, {
		namespace: options.target.namespace,
		module: options.target.module,
		ids,
		at: ex.core.now(),
		notice: { hub: ex.core.notifications, batch: ex },
	});
	const results = ids.map(
		(id): ResultEntry =>
			removed.has(id)
				? { code: 'SUCCESS', details: { id }, message: 'record deleted', status: 'success' }
				: // record.json deleteRecords example "mixedresults".
					errorEntry({ code: 'INVALID_DATA', details: { id }, message: 'record not deleted' }),
	);
	ex.json(batchStatus(results, 200), { data: results });
}

/**
 * Removes records (and their attachments) from a module and notes each in the deleted log,
 * as the simulator's one user; `permanent` skips the recycle bin. Returns the ids removed.
 */
export function deleteRecords(
	dc: DcState,
	options: {
		namespace: 'crm' | 'bigin';
		module: string;
		ids: readonly string[];
		at: number;
		permanent?: boolean;
		/** Zoho's notification channels hear of each deletion (one batch: one callback per channel). */
		notice: { hub: NotificationHub; batch: object };
	},
): Set<string> {
	const module = dc.crmModule(options.namespace, options.module);
	const removed = new Set<string>();
	for (const id of options.ids) {
		const record = module.byId.get(id);
		if (!record) continue;
		module.byId.delete(id);
		module.attachments.delete(id);
		removed.add(id);
		logDeletion(dc, {
			namespace: options.namespace,
			module: module.apiName,
			record,
			at: options.at,
			by: simUser(dc),
			...(options.permanent ? { permanent: true } : {}),
		});
		options.notice.hub.note({
			dc,
			batch: options.notice.batch,
			namespace: options.namespace,
			module: module.apiName,
			operation: 'delete',
			record,
		});
	}
	if (removed.size > 0) module.records = module.records.filter((record) => !removed.has(record.id));
	return removed;
}

interface WriteBody {
	data: unknown[];
	duplicateCheckFields?: string[];
}

/** The `data` array of a write (with its upsert fields), or undefined after answering 400. */
function readWrite(ex: Exchange): WriteBody | undefined {
	const parsed = jsonBody(ex);
	if (!parsed.ok || !isObject(parsed.value)) {
		ex.json(400, zohoError('INVALID_DATA', 'the request body must be a JSON object'));
		return undefined;
	}
	const { data, trigger, duplicate_check_fields: duplicateCheck } = parsed.value;
	if (!Array.isArray(data) || data.length === 0) {
		ex.json(
			400,
			zohoError('MANDATORY_NOT_FOUND', 'required field not found', {
				api_name: 'data',
				json_path: '$.data',
			}),
		);
		return undefined;
	}
	if (data.length > MAX_WRITE) {
		ex.json(
			400,
			zohoError('LIMIT_EXCEEDED', 'limit exceeded', {
				limit: MAX_WRITE,
				api_name: 'data',
				json_path: '$.data',
			}),
		);
		return undefined;
	}
	// Omitted: Zoho runs workflows, approvals and blueprints; [] runs none; anything else is refused.
	if (
		trigger !== undefined &&
		!(
			Array.isArray(trigger) &&
			trigger.every((name) => typeof name === 'string' && TRIGGERS.includes(name))
		)
	) {
		ex.json(
			400,
			zohoError('INVALID_DATA', 'invalid data', {
				api_name: 'trigger',
				json_path: '$.trigger',
				supported_values: [...TRIGGERS],
			}),
		);
		return undefined;
	}
	if (
		duplicateCheck !== undefined &&
		!(Array.isArray(duplicateCheck) && duplicateCheck.every((name) => typeof name === 'string'))
	) {
		ex.json(
			400,
			zohoError('INVALID_DATA', 'invalid data', {
				api_name: 'duplicate_check_fields',
				json_path: '$.duplicate_check_fields',
			}),
		);
		return undefined;
	}
	ex.core.counters.recordWrite({
		dc: ex.dc.id,
		method: ex.method,
		path: ex.path,
		records: data.length,
		...(trigger === undefined ? {} : { trigger: [...(trigger as string[])] }),
		...(duplicateCheck === undefined
			? {}
			: { duplicateCheckFields: [...(duplicateCheck as string[])] }),
	});
	return {
		data,
		...(duplicateCheck === undefined ? {} : { duplicateCheckFields: duplicateCheck as string[] }),
	};
}

interface WriteOne {
	target: CrmTarget;
	module: CrmModuleState;
	/** Place of the record in `data`, for Zoho's json_path. */
	index: number;
}

function insertOne(ex: Exchange, options: WriteOne & { element: unknown }): ResultEntry {
	const { element, module, target, index } = options;
	if (!isObject(element)) return invalidElement();
	const where = { namespace: target.namespace, module: target.module, element, index };
	const refusal = combineRefusals([
		...refusalsOf(ex.dc, { ...where, creating: true }),
		...duplicatesOf(ex.dc, { ...where, records: module.records }),
	]);
	if (refusal) return refusedEntry(refusal);
	const time = zohoDateTime(ex.core.now());
	const user = simUser(ex.dc);
	const record: CrmRecord = { id: ex.dc.recordIds.next(), Owner: user };
	for (const [key, value] of Object.entries(element))
		if (!SYSTEM_FIELDS.has(key)) record[key] = value;
	Object.assign(record, {
		Created_Time: time,
		Modified_Time: time,
		Created_By: byRef(user),
		Modified_By: byRef(user),
	});
	storeRecord(module, record);
	noteChange(ex, { target, operation: 'insert', record });
	return {
		code: 'SUCCESS',
		details: {
			Modified_Time: time,
			Modified_By: byRef(user),
			Created_Time: time,
			id: record.id,
			Created_By: byRef(user),
		},
		message: 'record added',
		status: 'success',
	};
}

function updateOne(
	ex: Exchange,
	options: WriteOne & { element: Record<string, unknown>; id: string },
): ResultEntry {
	const record = options.module.byId.get(options.id);
	if (!record) return invalidId(options.index);
	const where = {
		namespace: options.target.namespace,
		module: options.target.module,
		element: { ...options.element, id: options.id },
		index: options.index,
	};
	const refusal = combineRefusals([
		...refusalsOf(ex.dc, { ...where, creating: false }),
		...duplicatesOf(ex.dc, { ...where, records: options.module.records }),
	]);
	if (refusal) return refusedEntry(refusal);
	const changed = changedFields(record, options.element);
	for (const [key, value] of Object.entries(options.element))
		if (!SYSTEM_FIELDS.has(key)) record[key] = value;
	const time = zohoDateTime(ex.core.now());
	const user = byRef(simUser(ex.dc));
	record.Modified_Time = time;
	record.Modified_By = user;
	noteChange(ex, { target: options.target, operation: 'update', record, changed });
	return {
		code: 'SUCCESS',
		details: {
			Modified_Time: time,
			Modified_By: user,
			Created_Time: record.Created_Time,
			id: record.id,
			Created_By: record.Created_By,
		},
		message: 'record updated',
		status: 'success',
	};
}

/**
 * Finds the record an upsert updates: by id, else by the first duplicate check field
 * with a match (oldest record first, case-insensitive). Indexed once per call, so a
 * 100-record upsert into a large module does not scan it 100 times.
 */
class DuplicateIndex {
	private readonly byField = new Map<string, Map<string, CrmRecord>>();

	constructor(
		private readonly module: CrmModuleState,
		private readonly fields: readonly string[],
	) {}

	find(element: Record<string, unknown>): { record: CrmRecord; field: string } | undefined {
		const id = element.id;
		if (typeof id === 'string') {
			const record = this.module.byId.get(id);
			if (record) return { record, field: 'id' };
		}
		for (const field of this.fields) {
			const needle = keyOf(element[field]);
			if (needle === undefined) continue;
			const record = this.index(field).get(needle);
			if (!record) continue;
			if (this.module.byId.has(record.id) && keyOf(record[field]) === needle)
				return { record, field };
			// The indexed record changed earlier in this call: look the slow way.
			const other = this.module.records.find((candidate) => keyOf(candidate[field]) === needle);
			if (other) return { record: other, field };
		}
		return undefined;
	}

	add(record: CrmRecord): void {
		for (const [field, index] of this.byField) {
			const key = keyOf(record[field]);
			if (key !== undefined && !index.has(key)) index.set(key, record);
		}
	}

	private index(field: string): Map<string, CrmRecord> {
		let index = this.byField.get(field);
		if (!index) {
			index = new Map();
			for (const record of this.module.records) {
				const key = keyOf(record[field]);
				if (key !== undefined && !index.has(key)) index.set(key, record);
			}
			this.byField.set(field, index);
		}
		return index;
	}
}

function keyOf(value: unknown): string | undefined {
	return value === undefined || value === null || value === ''
		? undefined
		: String(value).toLowerCase();
}

/** Tells the notification channels, once this call has been answered. */
function noteChange(
	ex: Exchange,
	options: {
		target: CrmTarget;
		operation: 'insert' | 'update' | 'delete';
		record: CrmRecord;
		changed?: Record<string, unknown>;
	},
): void {
	const { target, ...change } = options;
	ex.core.notifications.note({
		dc: ex.dc,
		batch: ex,
		namespace: target.namespace,
		module: target.module,
		...change,
	});
}

function byRef(user: { name: string; id: string }): { name: string; id: string } {
	return { name: user.name, id: user.id };
}

function errorEntry(options: {
	code: string;
	details: Record<string, unknown>;
	message: string;
}): ResultEntry {
	return { ...options, status: 'error' };
}

function refusedEntry(refusal: RecordRefusal): ResultEntry {
	return errorEntry({ code: refusal.code, details: refusal.details, message: refusal.message });
}

/** An update of an id the module does not hold (record.json updateRecords, INVALID_DATA). */
function invalidId(index: number): ResultEntry {
	return errorEntry({
		code: 'INVALID_DATA',
		details: { api_name: 'id', json_path: `$.data[${index}].id` },
		message: 'the id given seems to be invalid',
	});
}

function invalidElement(): ResultEntry {
	return errorEntry({
		code: 'INVALID_DATA',
		details: {},
		message: 'each element of data must be an object',
	});
}

/** All succeeded: `ok`; none: 400; some: 207 Multi-Status, as Zoho answers batches. */
function batchStatus(results: readonly ResultEntry[], ok: number): number {
	const succeeded = results.filter((result) => result.status === 'success').length;
	if (succeeded === results.length) return ok;
	return succeeded === 0 ? 400 : 207;
}
