// Filling a DC with records for tests and demos.
import { newBooksRecord, singularOf } from './books';
import type { SimCore } from './core';
import { knownModuleMeta } from './crm-metadata';
import { simUser, storeRecord } from './crm-records';
import { changedFields } from './notifications';
import type { DcState } from './state';
import { zohoDateTime } from './time';
import type { CrmRecord, SeedBooksOptions, SeedCrmOptions, TouchCrmOptions } from './types';

const MODULE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const MAX_SEED = 1_000_000;
/** Seeded records were modified one minute apart, the last one now. */
const SPREAD_MS = 60_000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Adds `count` records to a CRM (or Bigin) module; returns their ids in creation order. */
export function seedCrm(core: SimCore, dc: DcState, options: SeedCrmOptions): string[] {
	if (!MODULE_NAME.test(options.module)) throw new Error(`invalid module name: ${options.module}`);
	checkCount(options.count);
	const namespace = options.product ?? 'crm';
	// Zoho has no module the org did not create: a custom one is defined first, never on the fly.
	const meta = knownModuleMeta(dc, { namespace, module: options.module });
	if (!meta?.api_supported)
		throw new Error(
			`${namespace} module ${options.module} is not defined: define it first with defineCrmModule (POST /__sim/crm/modules)`,
		);
	const module = dc.crmModule(namespace, meta.api_name);
	const prefix = options.module.toLowerCase().replace(/s$/, '');
	const user = simUser(dc);
	const by = { name: user.name, id: user.id };
	const now = core.now();
	const ids: string[] = [];
	for (let i = 1; i <= options.count; i += 1) {
		const modified = now - (options.count - i) * SPREAD_MS;
		const fields = options.make ? options.make(i) : defaultCrmFields({ prefix, i });
		const id = typeof fields.id === 'string' ? fields.id : dc.recordIds.next();
		if (module.byId.has(id)) throw new Error(`record ${id} already exists in ${options.module}`);
		const record: CrmRecord = {
			Owner: user,
			Created_Time: zohoDateTime(modified - DAY_MS),
			Modified_Time: zohoDateTime(modified),
			Created_By: by,
			Modified_By: by,
			...fields,
			id,
		};
		storeRecord(module, record);
		ids.push(id);
	}
	return ids;
}

/**
 * Changes a CRM (or Bigin) record as a user in Zoho would: the fields given, and
 * Modified_Time set to the simulator's clock (or `at`, for a record changed in the past).
 * Returns the record's new Modified_Time.
 */
export function touchCrm(core: SimCore, dc: DcState, options: TouchCrmOptions): string {
	const module = dc.crm.get(`${options.product ?? 'crm'}:${options.module.toLowerCase()}`);
	const record = module?.byId.get(options.id);
	if (!record) throw new Error(`record ${options.id} is not in ${options.module}`);
	const changed = changedFields(record, options.fields ?? {});
	for (const [key, value] of Object.entries(options.fields ?? {}))
		if (key !== 'id') record[key] = value;
	const modifiedTime = zohoDateTime(options.at ?? core.now());
	record.Modified_Time = modifiedTime;
	// A user's edit: Zoho's notification channels hear of it as of an API update.
	core.notifications.note({
		dc,
		batch: {},
		namespace: options.product ?? 'crm',
		module: options.module,
		operation: 'update',
		record,
		changed,
	});
	return modifiedTime;
}

function defaultCrmFields(options: { prefix: string; i: number }): Record<string, unknown> {
	const { prefix, i } = options;
	return {
		First_Name: `First${i}`,
		Last_Name: `Last${i}`,
		Email: `${prefix}${i}@example.com`,
		Company: `Company ${((i - 1) % 50) + 1}`,
	};
}

/** Creates the organisation when needed and adds `count` records to a collection. */
export function seedBooks(core: SimCore, dc: DcState, options: SeedBooksOptions): string[] {
	const product = options.product ?? 'books';
	if (!/^\d{1,20}$/.test(options.organizationId)) throw new Error('organizationId must be digits');
	if (!/^[a-z][a-z0-9_]*$/i.test(options.collection))
		throw new Error(`invalid collection: ${options.collection}`);
	checkCount(options.count);
	const key = `${product}:${options.organizationId}`;
	let org = dc.books.get(key);
	if (!org) {
		org = {
			organizationId: options.organizationId,
			name: `Simulated ${product} organization`,
			collections: new Map(),
		};
		dc.books.set(key, org);
	}
	const list = org.collections.get(options.collection) ?? [];
	org.collections.set(options.collection, list);
	const now = core.now();
	const ids: string[] = [];
	const start = list.length;
	const idField = `${singularOf(options.collection)}_id`;
	for (let i = 1; i <= options.count; i += 1) {
		const record = newBooksRecord({
			dc,
			collection: options.collection,
			fields: {},
			time: now - (options.count - i) * SPREAD_MS,
			index: start + i,
		});
		list.push(record);
		ids.push(String(record[idField]));
	}
	return ids;
}

function checkCount(count: number): void {
	if (!Number.isInteger(count) || count < 0 || count > MAX_SEED)
		throw new Error(`count must be an integer from 0 to ${MAX_SEED}`);
}
