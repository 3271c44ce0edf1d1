/**
 * The floor for any node inside n8n: a minimal node that does nothing but the
 * plain undici loop's GETs (same Agent settings, pool and header) and returns
 * each parsed answer as an item. Its gap to the plain loop is n8n-core's own
 * per-item cost, which no node can avoid.
 */
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { Agent, request, type Dispatcher } from 'undici';

export const FLOOR_NODE_TYPE = 'n8n-nodes-bench.floor';

const agent = new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 });
let dispatcher: Dispatcher = agent;

export function closeFloorAgent(): Promise<void> {
	return agent.close();
}

/** For overhead.ts: the floor node's calls go to this dispatcher instead of its Agent. */
export function setFloorDispatcher(replacement: Dispatcher): void {
	dispatcher = replacement;
}

export class FloorNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Bench Floor',
		name: 'floor',
		group: ['transform'],
		version: 1,
		description: 'Plain undici GETs, one per item',
		defaults: { name: 'Floor' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Token', name: 'token', type: 'string', default: '' },
			{ displayName: 'Concurrency', name: 'concurrency', type: 'number', default: 1 },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const count = this.getInputData().length;
		const url = String(this.getNodeParameter('url', 0));
		const headers = {
			accept: 'application/json',
			authorization: `Zoho-oauthtoken ${String(this.getNodeParameter('token', 0))}`,
		};
		const concurrency = Number(this.getNodeParameter('concurrency', 0));
		const out: INodeExecutionData[] = new Array<INodeExecutionData>(count);
		let next = 0;
		const worker = async (): Promise<void> => {
			while (next < count) {
				const index = next++;
				const res = await request(url, { method: 'GET', headers, dispatcher });
				out[index] = {
					json: (await res.body.json()) as INodeExecutionData['json'],
					pairedItem: { item: index },
				};
			}
		};
		await Promise.all(Array.from({ length: concurrency }, worker));
		return [out];
	}
}
