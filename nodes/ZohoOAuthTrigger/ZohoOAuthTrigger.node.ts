import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { zohoSelfClientApiTest } from '../shared/methods/credentialTest';
import { searchReadableModules } from '../shared/methods/listSearch';
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
			'={{ ({ created: "New ", deleted: "Deleted " }[$parameter["event"]] ?? "New or changed ") + ($parameter["module"].value ?? $parameter["module"]) }}',
		description:
			'Starts the workflow when Zoho CRM or Bigin records are created or changed, or CRM records deleted, by polling (no public URL needed)',
		defaults: { name: 'Zoho OAuth Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'zohoSelfClientApi', required: true, testedBy: 'zohoSelfClientApiTest' }],
		properties: triggerProperties,
	};

	// The shared Module parameter asks for searchModules: here, the modules whose records can be listed.
	methods = {
		credentialTest: { zohoSelfClientApiTest },
		listSearch: { searchModules: searchReadableModules },
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await poll(this);
	}
}
