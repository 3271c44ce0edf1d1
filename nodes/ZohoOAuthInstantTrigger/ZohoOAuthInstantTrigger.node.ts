import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { zohoSelfClientApiTest } from '../shared/methods/credentialTest';
import { toNodeError } from '../shared/nodeErrors';
import { searchWatchableModules } from '../shared/methods/listSearch';
import { instantProperties } from './instant.description';
import { checkExists, create, deleteChannel } from './instant.hooks';
import { InstantConsumer } from './instant.consumer';
import { readInstantSettings } from './instant.settings';
import { testRun } from './instant.testRun';
import { webhook } from './instant.webhook';

export class ZohoOAuthInstantTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Zoho OAuth Instant Trigger',
		name: 'zohoOAuthInstantTrigger',
		icon: { light: 'file:zohoInstant.svg', dark: 'file:zohoInstant.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ $parameter["events"].join(", ") + " in " + ($parameter["module"].value ?? $parameter["module"]) }}',
		description:
			'Starts the workflow within seconds when Zoho CRM records are created, edited or deleted, pushed by Zoho (n8n must be reachable over HTTPS)',
		defaults: { name: 'Zoho OAuth Instant Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'zohoSelfClientApi', required: true, testedBy: 'zohoSelfClientApiTest' }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'zoho' }],
		properties: instantProperties,
	};

	methods = { credentialTest: { zohoSelfClientApiTest }, listSearch: { searchWatchableModules } };

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await create.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await deleteChannel.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await webhook(this);
	}

	/** The consumer on an active workflow, the test run's pick-up in manual mode. */
	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		try {
			const settings = readInstantSettings(this);
			if (this.getMode() === 'manual') return testRun(this, settings);
			return new InstantConsumer(this, settings).start();
		} catch (error) {
			throw toNodeError(this.getNode(), error);
		}
	}
}
