/**
 * The polling trigger's parameters, read and checked in one place (as readInstantSettings
 * does for the instant trigger).
 */
import type { ChangeSource } from '../../zoho/crm/records/changes';
import type { ModuleTarget } from '../../zoho/crm/module';
import { ZohoInputError } from '../../zoho/errors';
import { commaList } from '../../zoho/formats';
import {
	nodeParams,
	readCrmTarget,
	readModule,
	startFromOption,
	text,
	timeoutOption,
	type NodeParameterSource,
} from '../shared/parameters';

export type TriggerSettings = { startFrom?: number; timeoutMs: number } & (
	| { event: 'deleted'; target: ModuleTarget }
	| { event: ChangeSource['event']; source: ChangeSource }
);

export function readTriggerSettings(ctx: NodeParameterSource): TriggerSettings {
	const param = nodeParams(ctx);
	const crm = readCrmTarget(param);
	const event = param('event', 'createdOrUpdated');
	if (event === 'deleted' && crm.product !== 'crm')
		throw new ZohoInputError(
			'Event',
			'The Deleted event reads the deleted-records list of Zoho CRM.',
			'Pick Product CRM, or the event Created or Updated.',
		);
	const target: ModuleTarget = { ...crm, module: readModule(param) };
	const options = param('options', {}) as { startFrom?: unknown; timeout?: unknown };
	const common = {
		startFrom: startFromOption(options.startFrom),
		timeoutMs: timeoutOption(options.timeout),
	};
	if (event === 'deleted') return { ...common, event, target };
	const pipelineId = crm.product === 'bigin' ? text(param('pipelineId', '')) : '';
	const source: ChangeSource = {
		...target,
		event: event === 'created' ? 'created' : 'createdOrUpdated',
		fields: commaList(param('fields', '')),
		...(pipelineId ? { pipelineId } : {}),
	};
	return { ...common, event: source.event, source };
}
