/** The instant trigger's parameters, read and checked once (every problem names its field). */
import type { InstantEvent } from '../../zoho/crm/notifications/instantLedger';
import { checkFieldNames, type ModuleTarget } from '../../zoho/crm/module';
import type { WatchEvent } from '../../zoho/crm/notifications/channel';
import { TIME_FIELDS } from '../../zoho/crm/records/changes';
import { checkListFields } from '../../zoho/crm/metadata/listFields';
import { WATCH_CRM_VERSION } from '../../zoho/crm/notifications/watchApi';
import { ZohoInputError } from '../../zoho/errors';
import { commaList } from '../../zoho/formats';
import {
	nodeParams,
	positiveInteger,
	readModule,
	startFromOption,
	timeoutOption,
	type NodeParameterSource,
} from '../shared/parameters';
import { DEFAULT_CHECK_MINUTES } from './instant.description';

const EVENT_OF: Record<InstantEvent, WatchEvent> = {
	created: 'create',
	edited: 'edit',
	deleted: 'delete',
};

export interface InstantSettings {
	target: ModuleTarget;
	events: InstantEvent[];
	/** What Zoho is subscribed to. */
	watchEvents: WatchEvent[];
	/** The user's Fields with the time fields; undefined: the module's own. */
	fields?: string[];
	/** Fields to Watch: an edit notifies only when these changed. */
	condition?: { fields: string[]; operator: 'and' | 'or' };
	catchUp: boolean;
	checkIntervalMs: number;
	changedValues: boolean;
	relatedRecords: boolean;
	startFrom?: number;
	timeoutMs: number;
}

export function readInstantSettings(ctx: NodeParameterSource): InstantSettings {
	const param = nodeParams(ctx);
	const module = readModule(param);
	const events = readEvents(param('events', ['created', 'edited']));
	const fields = commaList(param('fields', ''));
	const options = param('options', {}) as Record<string, unknown>;
	const watchFields = commaList(options.watchFields);
	return {
		target: { product: 'crm', crmVersion: WATCH_CRM_VERSION, module },
		events,
		watchEvents: events.map((event) => EVENT_OF[event]),
		...(fields.length > 0 ? { fields: checkedFields(fields) } : {}),
		...(watchFields.length > 0
			? {
					condition: {
						fields: watchFields,
						operator: options.watchOperator === 'and' ? ('and' as const) : ('or' as const),
					},
				}
			: {}),
		catchUp: options.catchUp !== false,
		checkIntervalMs:
			(options.checkMinutes === undefined
				? DEFAULT_CHECK_MINUTES
				: positiveInteger(options.checkMinutes, 'Check Interval (Minutes)')) * 60_000,
		changedValues: options.changedValues === true,
		relatedRecords: options.relatedRecords !== false,
		startFrom: startFromOption(options.startFrom),
		timeoutMs: timeoutOption(options.timeout),
	};
}

/** The user's Fields with the time fields the ledger reads: API names, at most 50 in all. */
function checkedFields(fields: readonly string[]): string[] {
	checkFieldNames(fields, 'Fields');
	return checkListFields(fields, { required: TIME_FIELDS, label: 'Fields' });
}

/** What the trigger's state belongs to: a state of another module starts afresh. */
export function stateSource(settings: InstantSettings): string {
	return `crm:${settings.target.module}`;
}

function readEvents(raw: unknown): InstantEvent[] {
	// The nodes panel's "On created" action sets the one event it names, as text.
	const chosen = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
	const events = (['created', 'edited', 'deleted'] as const).filter((event) =>
		chosen.includes(event),
	);
	if (events.length === 0)
		throw new ZohoInputError(
			'Events',
			'No event is selected, so Zoho would send nothing.',
			'Select Created, Edited, Deleted, or several.',
		);
	return events;
}
