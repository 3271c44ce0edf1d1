/**
 * Runs the Zoho OAuth Request node in-process with n8n-core's WorkflowExecute
 * (harness/), as the node's workflow tests do, and reads the node's own
 * execution time from the run data.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { ZohoSelfClientApi } from '../credentials/ZohoSelfClientApi.credentials';
import { ZohoOAuthRequest } from '../nodes/ZohoOAuthRequest/ZohoOAuthRequest.node';
import { runWorkflow, type WorkflowJson } from '../harness';
import type { CredentialStore } from '../harness/credentialsHelper';
import { NODE_TYPE, zohoWorkflow as harnessZohoWorkflow } from '../harness/zohoWorkflow';
import { createZohoRuntime, setSharedZohoRuntime, type ZohoRuntime } from '../zoho/runtime';
import { FloorNode, FLOOR_NODE_TYPE } from './floorNode';
import { since } from './stats';

export const NODE_NAME = 'Zoho';

const nodeTypes = { [NODE_TYPE]: new ZohoOAuthRequest(), [FLOOR_NODE_TYPE]: new FloorNode() };
const credentialTypes = { zohoSelfClientApi: new ZohoSelfClientApi() };

/** Manual Trigger → one Zoho OAuth Request node named "Zoho" (the harness's workflow), with this credential. */
export function zohoWorkflow(parameters: IDataObject, credentialId: string): WorkflowJson {
	return harnessZohoWorkflow(parameters, { credentialId });
}

/** Manual Trigger → the floor node (see floorNode.ts), under the same node name. */
export function floorWorkflow(parameters: IDataObject): WorkflowJson {
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
				name: NODE_NAME,
				type: FLOOR_NODE_TYPE,
				typeVersion: 1,
				position: [220, 0],
				parameters,
			},
		],
		connections: { Start: { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

export function inputItems(count: number): INodeExecutionData[] {
	return Array.from({ length: count }, (_, i) => ({ json: { i } }));
}

export interface NodeRun {
	/** The Zoho node's executionTime as n8n recorded it (ms). */
	nodeMs: number;
	/** The whole runWorkflow call, engine and trigger included (ms). */
	wallMs: number;
	outputItems: number;
	output: INodeExecutionData[];
}

export async function runZohoNode(options: {
	workflow: WorkflowJson;
	credentials?: CredentialStore;
	items: INodeExecutionData[];
	timeoutMs?: number;
}): Promise<NodeRun> {
	const started = performance.now();
	const result = await runWorkflow({
		workflow: options.workflow,
		nodeTypes,
		credentialTypes,
		credentials: options.credentials,
		inputItems: options.items,
		timeoutMs: options.timeoutMs ?? 120_000,
	});
	const wallMs = since(started);
	if (result.error) throw new Error(`the benchmark workflow failed: ${result.error.message}`);
	const task = result.runData[NODE_NAME]?.at(-1);
	const output = result.outputs[NODE_NAME]?.[0] ?? [];
	return { nodeMs: task?.executionTime ?? Number.NaN, wallMs, outputItems: output.length, output };
}

/** A fresh runtime (cold token cache) installed as the one the node uses; the previous one is closed. */
export async function freshRuntime(previous?: ZohoRuntime): Promise<ZohoRuntime> {
	if (previous) await previous.close();
	const runtime = createZohoRuntime();
	setSharedZohoRuntime(runtime);
	return runtime;
}
