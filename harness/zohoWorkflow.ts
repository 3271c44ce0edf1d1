/** The one-node workflow the tests, the soak and the benchmark run: Manual Trigger → "Zoho". */
import type { IDataObject } from 'n8n-workflow';

import type { WorkflowJson } from '.';

export const NODE_TYPE = 'n8n-nodes-zoho-oauth.zohoOAuthRequest';
export const CREDENTIAL_ID = 'zoho-sim';

export function zohoWorkflow(
	parameters: IDataObject,
	options: { continueOnFail?: boolean; credentialId?: string } = {},
): WorkflowJson {
	return {
		nodes: [
			{
				id: 'n1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'n2',
				name: 'Zoho',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [220, 0],
				parameters,
				credentials: {
					zohoSelfClientApi: {
						id: options.credentialId ?? CREDENTIAL_ID,
						name: 'Zoho (simulator)',
					},
				},
				// Errors become items, so one failing item is counted instead of ending the run.
				...(options.continueOnFail ? { onError: 'continueRegularOutput' } : {}),
			},
		],
		connections: { Start: { main: [[{ node: 'Zoho', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

export const TRIGGER_TYPE = 'n8n-nodes-zoho-oauth.zohoOAuthTrigger';

/** The one-node workflow of the trigger tests: "Trigger" alone, polled by createPollRunner. */
export function zohoTriggerWorkflow(parameters: IDataObject): WorkflowJson {
	return {
		nodes: [
			{
				id: 't1',
				name: 'Trigger',
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters,
				credentials: { zohoSelfClientApi: { id: CREDENTIAL_ID, name: 'Zoho (simulator)' } },
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}
