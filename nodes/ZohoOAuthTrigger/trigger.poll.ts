/**
 * One poll: what changed in the module since the watermark kept in the workflow's
 * static data, one item per record. The watermark is written only after every page
 * was read, so a poll that fails (throttled, 5xx, network) moves nothing and the next
 * poll reads the same changes again. A manual test run reads a few recent records and
 * leaves the watermark alone. The Deleted event reads CRM's deleted-records list the same
 * way (zoho/crm/records/deletedRecords.ts).
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { readChanges, readRecent, type ChangeReader } from '../../zoho/crm/records/changes';
import { readDeletions, readRecentDeletions } from '../../zoho/crm/records/deletedRecords';
import {
	initialWatermark,
	readWatermark,
	type TriggerRecord,
	type Watermark,
} from '../../zoho/crm/records/watermark';
import { CredentialSource } from '../shared/credentialSource';
import { toNodeError } from '../shared/nodeErrors';
import { zohoApi, zohoAccess } from '../shared/zohoRuntime';
import { readTriggerSettings } from './trigger.settings';

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

/** One poll's items: changed records, or deletions for the Deleted event. */
export async function poll(ctx: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	// A manual test run leaves the watermark alone, so it need not wait for anyone.
	const key =
		ctx.getMode() === 'manual' ? undefined : `${String(ctx.getWorkflow().id)}:${ctx.getNode().id}`;
	if (key !== undefined && inFlight.has(key)) return null;
	if (key !== undefined) inFlight.add(key);
	try {
		return await pollOnce(ctx);
	} catch (error) {
		throw toNodeError(ctx.getNode(), error);
	} finally {
		if (key !== undefined) inFlight.delete(key);
	}
}

/** How one event is read: a few recent records for a test run, and what came after a watermark. */
interface EventReads {
	/** What the watermark in static data belongs to (product, module, event). */
	key: string;
	startFrom: number | undefined;
	recent: () => Promise<TriggerRecord[]>;
	since: (watermark: Watermark) => Promise<{ records: TriggerRecord[]; next: Watermark }>;
}

/**
 * One poll of an event. A test run shows recent records and leaves the watermark alone;
 * the first activation starts at now (or Start From); later polls read past the stored
 * watermark, which moves only once every page was read.
 */
async function pollEvent(
	ctx: IPollFunctions,
	options: EventReads & { now: number },
): Promise<INodeExecutionData[][] | null> {
	if (ctx.getMode() === 'manual') return toItems(ctx, await options.recent());
	const state = ctx.getWorkflowStaticData('node') as TriggerState;
	// A watermark of another module or event says nothing about this one: start afresh.
	const stored = state.source === options.key ? readWatermark(state.watermark) : undefined;
	if (!stored && options.startFrom === undefined) {
		// First activation: from now on, nothing to read yet.
		state.source = options.key;
		state.watermark = { ...initialWatermark(options.now) };
		return null;
	}
	const { records, next } = await options.since(
		stored ?? initialWatermark(options.startFrom ?? options.now),
	);
	state.source = options.key;
	state.watermark = { ...next };
	return toItems(ctx, records);
}

async function pollOnce(ctx: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readTriggerSettings(ctx);
	const zoho = zohoAccess(ctx);
	const credentials = await new CredentialSource(ctx).read();
	const access = zohoApi(zoho, { credentials, timeoutMs: settings.timeoutMs });
	const common = { startFrom: settings.startFrom, now: zoho.runtime.clock.now() };
	if (settings.event === 'deleted') {
		const { target } = settings;
		return await pollEvent(ctx, {
			...common,
			key: `${target.product}:${target.module}:deleted`,
			recent: async () => await readRecentDeletions(access, { target, count: TEST_RUN_RECORDS }),
			since: async (watermark) => await readDeletions(access, { target, watermark }),
		});
	}
	const { source } = settings;
	const reader: ChangeReader = { api: access, fieldLists: zoho.runtime.listFields };
	return await pollEvent(ctx, {
		...common,
		key: `${source.product}:${source.module}:${source.event}`,
		recent: async () => await readRecent(reader, { source, count: TEST_RUN_RECORDS }),
		since: async (watermark) => await readChanges(reader, { source, watermark }),
	});
}

function toItems(ctx: IPollFunctions, records: TriggerRecord[]): INodeExecutionData[][] | null {
	if (records.length === 0) return null;
	return [ctx.helpers.returnJsonArray(records as IDataObject[])];
}
