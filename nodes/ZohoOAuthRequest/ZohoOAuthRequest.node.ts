import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { operationProperties, operationSubtitle } from './actions/operations';
import { route } from './actions/router';
import { zohoSelfClientApiTest } from '../shared/methods/credentialTest';
import { searchModules, searchReadableModules } from '../shared/methods/listSearch';
import { getModuleFields, getRecordFields } from '../shared/methods/resourceMapping';

export class ZohoOAuthRequest implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Zoho OAuth Request',
		name: 'zohoOAuthRequest',
		icon: { light: 'file:zoho.svg', dark: 'file:zoho.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle,
		description:
			'Call any Zoho API with a cached Self Client access token, get a token for later steps, exchange a grant code or revoke',
		defaults: { name: 'Zoho OAuth Request' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'zohoSelfClientApi', required: true, testedBy: 'zohoSelfClientApiTest' }],
		properties: operationProperties,
	};

	methods = {
		credentialTest: { zohoSelfClientApiTest },
		listSearch: { searchModules, searchReadableModules },
		loadOptions: { getModuleFields },
		resourceMapping: { getRecordFields },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await route(this)];
	}
}
