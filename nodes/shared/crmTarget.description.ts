/** Where CRM/Bigin records live (product, API version, module), asked the same way by record writes and the trigger. */
import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { CRM_VERSIONS } from '../../zoho/api/services';

export function productProperty(): INodeProperties {
	return {
		displayName: 'Product',
		name: 'product',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'CRM', value: 'crm' },
			{ name: 'Bigin', value: 'bigin' },
		],
		default: 'crm',
	};
}

/** Shown for CRM only: `displayOptions` must include `product: ['crm']`. */
export function crmVersionProperty(displayOptions: IDisplayOptions): INodeProperties {
	return {
		displayName: 'API Version',
		name: 'crmVersion',
		type: 'options',
		options: CRM_VERSIONS.map((version) => ({ name: version, value: version })),
		default: 'v8',
		displayOptions,
	};
}

/**
 * The module: from the org's list (custom modules included) or by API name. The list is
 * `searchModules` (modules records can be written to; the trigger's: readable ones), or
 * with `readable` the modules whose records can be read (`searchReadableModules`), with
 * `watchable` those Zoho's Notification API watches (`searchWatchableModules`).
 */
export function moduleProperty(options: {
	defaultValue: string;
	example: string;
	description: string;
	displayOptions?: IDisplayOptions;
	readable?: boolean;
	watchable?: boolean;
}): INodeProperties {
	return {
		displayName: 'Module',
		name: 'module',
		type: 'resourceLocator',
		default: { mode: 'list', value: options.defaultValue },
		required: true,
		description: options.description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: {
					searchListMethod: options.watchable
						? 'searchWatchableModules'
						: options.readable
							? 'searchReadableModules'
							: 'searchModules',
					searchable: true,
				},
			},
			{
				displayName: 'By API Name',
				name: 'name',
				type: 'string',
				placeholder: `e.g. ${options.example}`,
				// No regex validation here: n8n runs it in a vm with a 250 ms timeout per item,
				// which fails under load; the operation checks the name itself (checkModuleName).
			},
		],
		...(options.displayOptions ? { displayOptions: options.displayOptions } : {}),
	};
}
