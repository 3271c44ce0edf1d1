/**
 * The "Deleted" event: what was deleted from a CRM module since the watermark kept in the
 * workflow's static data, one item per record, exactly once (zoho/crm/deletedChanges.ts).
 * As for changes, the watermark moves only once every page was read; a manual test run
 * shows the latest deletions and leaves it alone.
 */
import type { INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { readDeletions, readRecentDeletions } from '../../zoho/crm/deletedChanges';
import type { ModuleTarget } from '../../zoho/crm/module';
import { initialWatermark, readWatermark } from '../../zoho/crm/watermark';
import { ZohoInputError } from '../../zoho/errors';
import { CredentialSource } from '../shared/credentialSource';
import { toNodeError } from '../shared/nodeErrors';
import { nodeParams, readCrmTarget, readModule, timeoutOption } from '../shared/parameters';
import { apiAccess, zohoAccess } from '../shared/zohoRuntime';
import { readStartFrom, TEST_RUN_RECORDS, toItems, type TriggerState } from './trigger.poll';

export async function pollDeletions(ctx: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	try {
		const param = nodeParams(ctx);
		const crm = readCrmTarget(param);
		if (crm.product !== 'crm')
			throw new ZohoInputError(
				'Event',
				'The Deleted event reads the deleted-records list of Zoho CRM.',
				'Pick Product CRM, or the event Created or Updated.',
			);
		const target: ModuleTarget = { ...crm, module: readModule(param) };
		const options = param('options', {}) as { startFrom?: string; timeout?: unknown };
		const startFrom = readStartFrom(options.startFrom);
		const zoho = zohoAccess(ctx);
		const access = apiAccess(zoho, {
			credentials: await new CredentialSource(ctx).read(),
			timeoutMs: timeoutOption(options.timeout),
		});
		if (ctx.getMode() === 'manual')
			return toItems(ctx, await readRecentDeletions(access, { target, count: TEST_RUN_RECORDS }));

		const state = ctx.getWorkflowStaticData('node') as TriggerState;
		const key = `${target.product}:${target.module}:deleted`;
		// A watermark of another module or event says nothing about this one: start afresh.
		const stored = state.source === key ? readWatermark(state.watermark) : undefined;
		const now = zoho.runtime.clock.now();
		state.source = key;
		if (!stored && startFrom === undefined) {
			state.watermark = { ...initialWatermark(now) };
			return null;
		}
		const { records, next } = await readDeletions(access, {
			target,
			watermark: stored ?? initialWatermark(startFrom ?? now),
		});
		state.watermark = { ...next };
		return toItems(ctx, records);
	} catch (error) {
		throw toNodeError(ctx.getNode(), error);
	}
}
