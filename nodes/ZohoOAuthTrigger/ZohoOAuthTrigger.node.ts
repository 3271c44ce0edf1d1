import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { zohoSelfClientApiTest } from '../shared/methods/credentialTest';
import { searchModules } from '../shared/methods/listSearch';
import { triggerProperties } from './trigger.description';
import { poll } from './trigger.poll';

export class ZohoOAuthTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Zoho OAuth Trigger',
		name: 'zohoOAuthTrigger',
		icon: { light: 'file:zoho.svg', dark: 'file:zoho.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ ($parameter["event"] === "created" ? "New " : "New or changed ") + ($parameter["module"].value ?? $parameter["module"]) }}',
		description:
			'Starts the workflow when Zoho CRM or Bigin records are created or changed, by polling (no public URL needed)',
		defaults: { name: 'Zoho OAuth Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'zohoSelfClientApi', required: true, testedBy: 'zohoSelfClientApiTest' }],
		properties: triggerProperties,
	};

	methods = { credentialTest: { zohoSelfClientApiTest }, listSearch: { searchModules } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await poll(this);
	}
}
