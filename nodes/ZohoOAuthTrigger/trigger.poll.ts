/**
 * One poll: what changed in the module since the watermark kept in the workflow's
 * static data, one item per record. The watermark is written only after every page
 * was read, so a poll that fails (throttled, 5xx, network) moves nothing and the next
 * poll reads the same changes again. A manual test run reads a few recent records and
 * leaves the watermark alone.
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import {
	readChanges,
	readRecent,
	type ChangeReader,
	type ChangeSource,
} from '../../zoho/crm/changes';
import {
	initialWatermark,
	readWatermark,
	type TriggerEvent,
	type TriggerRecord,
} from '../../zoho/crm/watermark';
import { CredentialSource } from '../shared/credentialSource';
import { toNodeError } from '../shared/nodeErrors';
import {
	nodeParams,
	readCrmTarget,
	readModule,
	startFromOption,
	timeoutOption,
} from '../shared/parameters';
import { zohoAccess } from '../shared/zohoRuntime';

/** Records a test run in the editor shows. */
const TEST_RUN_RECORDS = 5;

/** What the trigger keeps in static data: the watermark and what it belongs to. */
interface TriggerState extends IDataObject {
	source?: string;
	watermark?: IDataObject;
}

/**
 * Polls in flight, by workflow and node: a poll that starts while the previous one still
 * reads (a slow Zoho, a short interval) would read from the same watermark and emit the
 * same records again, so it yields to it.
 */
const inFlight = new Set<string>();

export async function poll(ctx: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	if (ctx.getMode() === 'manual') return await pollOnce(ctx);
	const key = `${String(ctx.getWorkflow().id)}:${ctx.getNode().id}`;
	if (inFlight.has(key)) return null;
	inFlight.add(key);
	try {
		return await pollOnce(ctx);
	} finally {
		inFlight.delete(key);
	}
}

async function pollOnce(ctx: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	try {
		const { source, startFrom, timeoutMs } = readParameters(ctx);
		const { runtime, scope } = zohoAccess(ctx);
		const credentials = await new CredentialSource(ctx).read();
		const reader: ChangeReader = {
			api: runtime.api,
			callOptions: { ...scope, ...credentials, timeoutMs },
		};

		if (ctx.getMode() === 'manual')
			return toItems(ctx, await readRecent(reader, { source, count: TEST_RUN_RECORDS }));

		const state = ctx.getWorkflowStaticData('node') as TriggerState;
		const key = sourceKey(source);
		// A watermark of another module or event says nothing about this one: start afresh.
		const stored = state.source === key ? readWatermark(state.watermark) : undefined;
		if (!stored && startFrom === undefined) {
			// First activation: from now on, nothing to read yet.
			state.source = key;
			state.watermark = { ...initialWatermark(runtime.clock.now()) };
			return null;
		}
		const watermark = stored ?? initialWatermark(startFrom ?? runtime.clock.now());
		const { records, next } = await readChanges(reader, { source, watermark });
		state.source = key;
		state.watermark = { ...next };
		return toItems(ctx, records);
	} catch (error) {
		throw toNodeError(ctx.getNode(), error);
	}
}

function toItems(ctx: IPollFunctions, records: TriggerRecord[]): INodeExecutionData[][] | null {
	if (records.length === 0) return null;
	return [ctx.helpers.returnJsonArray(records as IDataObject[])];
}

function sourceKey(source: ChangeSource): string {
	return `${source.product}:${source.module}:${source.event}`;
}

function readParameters(ctx: IPollFunctions): {
	source: ChangeSource;
	startFrom?: number;
	timeoutMs: number;
} {
	const param = nodeParams(ctx);
	const event: TriggerEvent =
		param('event', 'createdOrUpdated') === 'created' ? 'created' : 'createdOrUpdated';
	const fields = String(param('fields', ''))
		.split(',')
		.map((field) => field.trim())
		.filter((field) => field !== '');
	const options = param('options', {}) as { startFrom?: string; timeout?: unknown };
	const source: ChangeSource = {
		...readCrmTarget(param),
		module: readModule(param),
		event,
		fields,
	};
	return {
		source,
		startFrom: startFromOption(options.startFrom),
		timeoutMs: timeoutOption(options.timeout),
	};
}
