/**
 * Create, Update, Upsert or Delete Records (CRM and Bigin): one record per input item,
 * up to 100 records per call, one output item per input item, in order. The batching and
 * the mapping of Zoho's per-record answers live in zoho/crm/records/writes.ts; this file reads
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
	type WritePayload,
	type WriteSettings,
	type WriteTrigger,
} from '../../../zoho/crm/records/writes';
import { ZohoInputError, type ZohoError } from '../../../zoho/errors';
import { commaList } from '../../../zoho/formats';
import { toNodeError } from '../../shared/nodeErrors';
import {
	itemParams,
	maxConcurrencyOption,
	oneOf,
	parseJsonParam,
	positiveInteger,
	readCrmTarget,
	readModule,
	text,
	timeoutOption,
	type ParamReader,
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

interface NodeSettings extends WriteSettings, CrmTarget {
	batchSize: number;
	concurrency: number;
	timeoutMs: number;
}

/** One input item (by its index): what it sends, or why it cannot be sent. */
type Prepared = { module: string; payload: WritePayload } | { error: unknown };

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
		settings = readSettings(itemParams(ctx, 0));
	} catch (error) {
		return failAll(error);
	}
	const prepared = Array.from({ length: count }, (_, itemIndex) =>
		prepare(ctx, { itemIndex, operation: settings.operation }),
	);
	// Items may name different modules (an expression): each module is written in its own batches.
	const modules = new Map<string, Array<{ itemIndex: number; payload: WritePayload }>>();
	for (const [itemIndex, entry] of prepared.entries()) {
		// Without Continue On Fail a bad item stops the node before anything is written.
		if ('error' in entry && !continueOnFail)
			throw toNodeError(ctx.getNode(), entry.error, itemIndex);
		if ('error' in entry) continue;
		const group = modules.get(entry.module) ?? [];
		group.push({ itemIndex, payload: entry.payload });
		modules.set(entry.module, group);
	}
	const outcomes: Array<RecordOutcome | undefined> = [];
	if (modules.size > 0) {
		let credentials;
		try {
			credentials = await input.credentials.read();
		} catch (error) {
			return failAll(error);
		}
		for (const [module, entries] of modules) {
			const results = await writeRecords({
				api: zohoApi(input, { credentials, timeoutMs: settings.timeoutMs }),
				target: { product: settings.product, crmVersion: settings.crmVersion, module },
				settings,
				payloads: entries.map((entry) => entry.payload),
				batchSize: settings.batchSize,
				concurrency: settings.concurrency,
			});
			entries.forEach((entry, index) => (outcomes[entry.itemIndex] = results[index]));
		}
	}
	if (!continueOnFail)
		throwOnFailures({ ctx, outcomes, total: count, operation: settings.operation });
	return prepared.map((entry, itemIndex): ItemOutcome => {
		if ('error' in entry) return { error: entry.error };
		const outcome = outcomes[itemIndex];
		if (outcome?.ok) return { items: [{ json: outcome.entry as IDataObject }] };
		return { error: outcome?.error };
	});
}

function readSettings(param: ParamReader): NodeSettings {
	const operation = oneOf<RecordWriteOperation>(param('writeOperation', 'upsert'), {
		allowed: ['create', 'update', 'upsert', 'delete'],
		field: 'Write',
		what: 'write',
		hint: 'Pick Create, Update, Upsert or Delete.',
	});
	const options = param('writeOptions', {}) as IDataObject;
	const batchSize =
		options.batchSize === undefined
			? MAX_RECORDS_PER_WRITE
			: positiveInteger(options.batchSize, 'Batch Size');
	if (batchSize > MAX_RECORDS_PER_WRITE)
		throw new ZohoInputError(
			'Batch Size',
			`Batch Size must be at most ${MAX_RECORDS_PER_WRITE} (got ${batchSize}).`,
			`Zoho takes up to ${MAX_RECORDS_PER_WRITE} records per call: enter 1 to ${MAX_RECORDS_PER_WRITE}.`,
		);
	return {
		...readCrmTarget(param),
		operation,
		batchSize,
		concurrency: maxConcurrencyOption(options.maxConcurrency),
		timeoutMs: timeoutOption(options.timeout),
		...(operation === 'delete'
			? param('deleteWorkflows', true) === false
				? { runWorkflowsOnDelete: false }
				: {}
			: readTrigger(param)),
		...(operation === 'upsert' ? readDuplicateCheckFields(param) : {}),
	};
}

function readTrigger(param: ParamReader): { trigger?: WriteTrigger[] } {
	const mode = param('trigger', 'default');
	if (mode === 'default') return {};
	if (mode === 'none') return { trigger: [] };
	const trigger = (param('triggerList', []) as unknown[]).map((name) =>
		oneOf(name, {
			allowed: WRITE_TRIGGERS,
			field: 'Run Triggers',
			what: 'trigger',
			hint: 'Pick Workflow, Approval, Blueprint, Pathfinder or Orchestration.',
		}),
	);
	return { trigger };
}

function readDuplicateCheckFields(param: ParamReader): { duplicateCheckFields?: string[] } {
	const fields =
		param('recordSource', 'mapper') === 'mapper'
			? (param('columns.matchingColumns', []) as string[])
			: commaList(param('duplicateCheckFields', ''));
	return fields.length > 0 ? { duplicateCheckFields: fields } : {};
}

function prepare(
	ctx: IExecuteFunctions,
	options: { itemIndex: number; operation: RecordWriteOperation },
): Prepared {
	const { itemIndex, operation } = options;
	const param = itemParams(ctx, itemIndex);
	try {
		const module = readModule(param);
		const raw = operation === 'delete' ? text(param('recordId', '')) : readRecord(ctx, itemIndex);
		return { module, payload: checkPayload(raw, operation) };
	} catch (error) {
		return { error };
	}
}

function readRecord(ctx: IExecuteFunctions, itemIndex: number): unknown {
	const param = itemParams(ctx, itemIndex);
	if (param('recordSource', 'mapper') === 'json') {
		return parseJsonParam(param('recordJson', ''), 'Record (JSON)');
	}
	const columns = param('columns', {}) as Partial<ResourceMapperValue>;
	if (columns.mappingMode === 'autoMapInputData') return ctx.getInputData()[itemIndex]?.json;
	// Fields left empty in the mapper are not sent (Zoho would clear them on update).
	return Object.fromEntries(
		Object.entries(columns.value ?? {}).filter(
			([, value]) => value !== null && value !== undefined && value !== '',
		),
	);
}

/**
 * Without Continue On Fail: failures become one error saying how many, and which records
 * Zoho wrote anyway (by `details.id`); a failed call that wrote nothing is thrown as it is.
 */
function throwOnFailures(options: {
	ctx: IExecuteFunctions;
	outcomes: ReadonlyArray<RecordOutcome | undefined>;
	total: number;
	operation: RecordWriteOperation;
}): void {
	const failures: Array<{ itemIndex: number; error: ZohoError }> = [];
	const written: Array<{ itemIndex: number; id?: string }> = [];
	for (const [itemIndex, outcome] of options.outcomes.entries()) {
		if (outcome && !outcome.ok) failures.push({ itemIndex, error: outcome.error });
		if (!outcome?.ok) continue;
		const id = outcome.entry.details?.id;
		written.push({
			itemIndex,
			id: typeof id === 'string' || typeof id === 'number' ? String(id) : undefined,
		});
	}
	const first = failures[0];
	if (!first) return;
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
