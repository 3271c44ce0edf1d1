/**
 * The "Deleted" event: what was deleted from a CRM module since the watermark kept in the
 * workflow's static data, one item per record, exactly once (zoho/crm/deletedChanges.ts).
 * As for changes, the watermark moves only once every page was read; a manual test run
 * shows the latest deletions and leaves it alone.
 */
import type { INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { readDeletions, readRecentDeletions } from '../../zoho/crm/deletedChanges';
import type { ModuleTarget } from '../../zoho/crm/module';
import { ZohoInputError } from '../../zoho/errors';
import { CredentialSource } from '../shared/credentialSource';
import {
	nodeParams,
	readCrmTarget,
	readModule,
	startFromOption,
	timeoutOption,
} from '../shared/parameters';
import { zohoApi, zohoAccess } from '../shared/zohoRuntime';
import { pollEvent, TEST_RUN_RECORDS } from './trigger.poll';

export async function pollDeletions(ctx: IPollFunctions): Promise<INodeExecutionData[][] | null> {
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
	const zoho = zohoAccess(ctx);
	const access = zohoApi(zoho, {
		credentials: await new CredentialSource(ctx).read(),
		timeoutMs: timeoutOption(options.timeout),
	});
	return await pollEvent(ctx, {
		key: `${target.product}:${target.module}:deleted`,
		startFrom: startFromOption(options.startFrom),
		now: zoho.runtime.clock.now(),
		recent: async () => await readRecentDeletions(access, { target, count: TEST_RUN_RECORDS }),
		since: async (watermark) => await readDeletions(access, { target, watermark }),
	});
}
