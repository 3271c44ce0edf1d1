/**
 * Create, Update, Upsert or Delete Records (CRM and Bigin): one record per input item,
 * up to 100 records per call, one output item per input item, in order. The batching and
 * the mapping of Zoho's per-record answers live in zoho/crm/writes.ts; this file reads
 * parameters and turns outcomes into item outcomes.
 */
import type { IDataObject, IExecuteFunctions, ResourceMapperValue } from 'n8n-workflow';

import type { CrmTarget } from '../../../zoho/crm/module';
import {
	checkPayload,
	MAX_RECORDS_PER_WRITE,
	refusalSummary,
	writeRecords,
	WRITE_TRIGGERS,
	type RecordOutcome,
	type RecordWriteOperation,
	type WriteEntry,
	type WritePayload,
	type WriteSettings,
	type WriteTrigger,
} from '../../../zoho/crm/writes';
import { ZohoInputError, type ZohoError } from '../../../zoho/errors';
import { commaList } from '../../../zoho/formats';
import type { NodeCredentials } from '../../shared/credentialSource';
import { toNodeError } from '../../shared/nodeErrors';
import {
	itemParams,
	maxConcurrencyOption,
	parseJsonParam,
	positiveInteger,
	readCrmTarget,
	readModule,
	text,
	timeoutOption,
} from '../../shared/parameters';
import { zohoApi } from '../../shared/zohoRuntime';
import { OPERATION } from './recordWrite.description';
import type { ItemOutcome, RunInput } from './types';

export { properties } from './recordWrite.description';

export const option = {
	name: 'Create, Update, Upsert or Delete Records',
	value: OPERATION,
	action: 'Write records in batches',
	description: 'Write one CRM or Bigin record per item, up to 100 records per API call',
};

const WRITE_OPERATIONS: readonly RecordWriteOperation[] = ['create', 'update', 'upsert', 'delete'];

interface NodeSettings extends WriteSettings, CrmTarget {
	batchSize: number;
	concurrency: number;
	timeoutMs: number;
}

/** One input item: what it sends, or why it cannot be sent. */
type Prepared =
	| { itemIndex: number; module: string; payload: WritePayload }
	| { itemIndex: number; error: unknown };

export async function executeAll(input: RunInput): Promise<ItemOutcome[]> {
	const { ctx } = input;
	const count = ctx.getInputData().length;
	const continueOnFail = ctx.continueOnFail();
	// A node-wide parameter or the credential fails every item alike.
	const failAll = (error: unknown): ItemOutcome[] => {
		if (!continueOnFail) throw toNodeError(ctx.getNode(), error, 0);
		return Array.from({ length: count }, () => ({ error }));
	};
	let settings: NodeSettings;
	try {
		settings = readSettings(ctx);
	} catch (error) {
		return failAll(error);
	}
	const prepared = Array.from({ length: count }, (_, itemIndex) =>
		prepare(ctx, { itemIndex, operation: settings.operation }),
	);
	const unsendable = prepared.find(
		(entry): entry is Extract<Prepared, { error: unknown }> => 'error' in entry,
	);
	// Without Continue On Fail a bad item stops the node before anything is written.
	if (unsendable && !continueOnFail)
		throw toNodeError(ctx.getNode(), unsendable.error, unsendable.itemIndex);

	const outcomes = new Map<number, RecordOutcome>();
	const sendable = prepared.filter(
		(entry): entry is Extract<Prepared, { payload: WritePayload }> => 'payload' in entry,
	);
	if (sendable.length > 0) {
		let credentials;
		try {
			credentials = await input.credentials.read();
		} catch (error) {
			return failAll(error);
		}
		// Items may name different modules (an expression): each module is written in its own batches.
		await writeModules({ input, settings, credentials, sendable, outcomes });
	}
	if (!continueOnFail)
		throwOnFailures({ ctx, outcomes, total: count, operation: settings.operation });
	return prepared.map((entry): ItemOutcome => {
		if ('error' in entry) return { error: entry.error };
		const outcome = outcomes.get(entry.itemIndex);
		if (outcome?.ok) return { items: [{ json: outcome.entry as IDataObject }] };
		return { error: outcome?.error };
	});
}

async function writeModules(options: {
	input: RunInput;
	settings: NodeSettings;
	credentials: NodeCredentials;
	sendable: ReadonlyArray<Extract<Prepared, { payload: WritePayload }>>;
	outcomes: Map<number, RecordOutcome>;
}): Promise<void> {
	const { input, settings, credentials, outcomes } = options;
	for (const [module, entries] of groupByModule(options.sendable)) {
		const results = await writeRecords({
			api: zohoApi(input, { credentials, timeoutMs: settings.timeoutMs }),
			target: { product: settings.product, crmVersion: settings.crmVersion, module },
			settings,
			payloads: entries.map((entry) => entry.payload),
			batchSize: settings.batchSize,
			concurrency: settings.concurrency,
		});
		entries.forEach((entry, index) => {
			const outcome = results[index];
			if (outcome) outcomes.set(entry.itemIndex, outcome);
		});
	}
}

function readSettings(ctx: IExecuteFunctions): NodeSettings {
	const param = itemParams(ctx, 0);
	const operation = param('writeOperation', 'upsert') as RecordWriteOperation;
	if (!WRITE_OPERATIONS.includes(operation)) {
		throw new ZohoInputError(
			'Write',
			`Unknown write "${String(operation)}".`,
			'Pick Create, Update, Upsert or Delete.',
		);
	}
	const options = param('writeOptions', {}) as IDataObject;
	const batchSize =
		options.batchSize === undefined
			? MAX_RECORDS_PER_WRITE
			: positiveInteger(options.batchSize, 'Batch Size');
	if (batchSize > MAX_RECORDS_PER_WRITE) {
		throw new ZohoInputError(
			'Batch Size',
			`Batch Size must be at most ${MAX_RECORDS_PER_WRITE} (got ${batchSize}).`,
			`Zoho takes up to ${MAX_RECORDS_PER_WRITE} records per call: enter 1 to ${MAX_RECORDS_PER_WRITE}.`,
		);
	}
	return {
		...readCrmTarget(param),
		operation,
		batchSize,
		concurrency: maxConcurrencyOption(options.maxConcurrency),
		timeoutMs: timeoutOption(options.timeout),
		...(operation === 'delete' ? readDeleteWorkflows(ctx) : readTrigger(ctx)),
		...(operation === 'upsert' ? readDuplicateCheckFields(ctx) : {}),
	};
}

function readTrigger(ctx: IExecuteFunctions): { trigger?: WriteTrigger[] } {
	const mode = ctx.getNodeParameter('trigger', 0, 'default');
	if (mode === 'default') return {};
	if (mode === 'none') return { trigger: [] };
	const list = ctx.getNodeParameter('triggerList', 0, []) as unknown[];
	const unknown = list.find((name) => !WRITE_TRIGGERS.includes(name as WriteTrigger));
	if (unknown !== undefined)
		throw new ZohoInputError(
			'Run Triggers',
			`Unknown trigger "${String(unknown)}".`,
			'Pick Workflow, Approval, Blueprint, Pathfinder or Orchestration.',
		);
	return { trigger: list as WriteTrigger[] };
}

function readDeleteWorkflows(ctx: IExecuteFunctions): { runWorkflowsOnDelete?: boolean } {
	return ctx.getNodeParameter('deleteWorkflows', 0, true) === false
		? { runWorkflowsOnDelete: false }
		: {};
}

function readDuplicateCheckFields(ctx: IExecuteFunctions): { duplicateCheckFields?: string[] } {
	const fields =
		ctx.getNodeParameter('recordSource', 0, 'mapper') === 'mapper'
			? (ctx.getNodeParameter('columns.matchingColumns', 0, []) as string[])
			: commaList(ctx.getNodeParameter('duplicateCheckFields', 0, ''));
	return fields.length > 0 ? { duplicateCheckFields: fields } : {};
}

function prepare(
	ctx: IExecuteFunctions,
	options: { itemIndex: number; operation: RecordWriteOperation },
): Prepared {
	const { itemIndex, operation } = options;
	try {
		const module = readModule(itemParams(ctx, itemIndex));
		const raw =
			operation === 'delete'
				? text(ctx.getNodeParameter('recordId', itemIndex, ''))
				: readRecord(ctx, itemIndex);
		return { itemIndex, module, payload: checkPayload(raw, operation) };
	} catch (error) {
		return { itemIndex, error };
	}
}

function readRecord(ctx: IExecuteFunctions, itemIndex: number): unknown {
	if (ctx.getNodeParameter('recordSource', itemIndex, 'mapper') === 'json') {
		const raw = ctx.getNodeParameter('recordJson', itemIndex, '');
		return typeof raw === 'string' ? parseJsonParam(raw, 'Record (JSON)') : raw;
	}
	const columns = ctx.getNodeParameter('columns', itemIndex, {}) as Partial<ResourceMapperValue>;
	if (columns.mappingMode === 'autoMapInputData') return ctx.getInputData()[itemIndex]?.json;
	// Fields left empty in the mapper are not sent (Zoho would clear them on update).
	return Object.fromEntries(
		Object.entries(columns.value ?? {}).filter(
			([, value]) => value !== null && value !== undefined && value !== '',
		),
	);
}

function groupByModule<T extends { module: string }>(entries: readonly T[]): Map<string, T[]> {
	const groups = new Map<string, T[]>();
	for (const entry of entries) {
		const group = groups.get(entry.module);
		if (group) group.push(entry);
		else groups.set(entry.module, [entry]);
	}
	return groups;
}

/**
 * Without Continue On Fail: failures become one error saying how many, and which records
 * Zoho wrote anyway; a failed call that wrote nothing is thrown as it is.
 */
function throwOnFailures(options: {
	ctx: IExecuteFunctions;
	outcomes: Map<number, RecordOutcome>;
	total: number;
	operation: RecordWriteOperation;
}): void {
	const sorted = [...options.outcomes.entries()].sort(([a], [b]) => a - b);
	const failures = sorted
		.filter((entry): entry is [number, { ok: false; error: ZohoError }] => !entry[1].ok)
		.map(([itemIndex, outcome]) => ({ itemIndex, error: outcome.error }));
	const first = failures[0];
	if (!first) return;
	const written = sorted
		.filter((entry): entry is [number, { ok: true; entry: WriteEntry }] => entry[1].ok)
		.map(([itemIndex, outcome]) => ({ itemIndex, id: writtenId(outcome.entry) }));
	const node = options.ctx.getNode();
	if (written.length === 0 && first.error.code !== 'RECORD_REFUSED')
		throw toNodeError(node, first.error, first.itemIndex);
	const summary = refusalSummary({
		operation: options.operation,
		failures,
		written,
		total: options.total,
	});
	throw toNodeError(node, summary, first.itemIndex);
}

/** The record id in Zoho's answer for a written record (`details.id`). */
function writtenId(entry: WriteEntry): string | undefined {
	const id = entry.details?.id;
	return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}
