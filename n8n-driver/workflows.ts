/** Workflow JSON the real-n8n tests and the benchmark build alike. */
import type { Workflow } from './instance';

export interface ManyItemsWorkflowOptions {
	id: string;
	name: string;
	/** The array field the Set node makes, and the expression that builds it (`={{ … }}`). */
	field: string;
	arrayExpression: string;
	/** First 8 hex digits of the node ids, so each workflow's ids are its own. */
	idPrefix: string;
	/** The node the items go to: name, type, typeVersion, parameters, credentials, onError … */
	target: { name: string } & Record<string, unknown>;
}

/**
 * Manual Trigger → Set (one array built by an expression) → Split Out → `target`:
 * thousands of input items made inside n8n, with no API call before the node under test.
 */
export function manyItemsWorkflow(options: ManyItemsWorkflowOptions): Workflow {
	const nodeId = (n: number): string => `${options.idPrefix}-0000-4000-8000-00000000000${n}`;
	return {
		id: options.id,
		name: options.name,
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		nodes: [
			{
				id: nodeId(1),
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: nodeId(2),
				name: 'Build Items',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [200, 0],
				parameters: {
					mode: 'manual',
					assignments: {
						assignments: [
							{
								id: options.field,
								name: options.field,
								value: options.arrayExpression,
								type: 'array',
							},
						],
					},
					options: {},
				},
			},
			{
				id: nodeId(3),
				name: 'Items',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [400, 0],
				parameters: { fieldToSplitOut: options.field, options: {} },
			},
			{ id: nodeId(4), position: [600, 0], ...options.target },
		],
		connections: {
			Start: { main: [[{ node: 'Build Items', type: 'main', index: 0 }]] },
			'Build Items': { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: options.target.name, type: 'main', index: 0 }]] },
		},
	};
}

export const INSTANT_TRIGGER_TYPE = 'n8n-nodes-zoho-oauth.zohoOAuthInstantTrigger';
export const POLLING_TRIGGER_TYPE = 'n8n-nodes-zoho-oauth.zohoOAuthTrigger';

export interface ReportingWorkflowOptions {
	id: string;
	/** The trigger node: name, type, typeVersion, parameters, credentials, webhookId … */
	trigger: { name: string } & Record<string, unknown>;
	/** Where the HTTP Request node reports each execution (a Receiver's url). */
	reportTo: string;
}

/**
 * A trigger → HTTP Request (once per execution) posting `{ execution, items }` to
 * `reportTo`: every execution is seen once, with its items.
 */
export function reportingWorkflow(options: ReportingWorkflowOptions): Workflow {
	const nodeId = (n: number): string =>
		`7b2f0c1e-0000-4000-8000-${options.id.length.toString(16).padStart(4, '0')}${String(n).padStart(8, '0')}`;
	return {
		id: options.id,
		name: `reporting ${options.id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		nodes: [
			{ id: nodeId(1), position: [0, 0], typeVersion: 1, ...options.trigger },
			{
				id: nodeId(2),
				name: 'Report',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [220, 0],
				executeOnce: true,
				parameters: {
					method: 'POST',
					url: options.reportTo,
					sendBody: true,
					specifyBody: 'json',
					jsonBody:
						'={{ JSON.stringify({ execution: $execution.id, items: $input.all().map(item => item.json) }) }}',
					options: {},
				},
			},
		],
		connections: {
			[options.trigger.name]: { main: [[{ node: 'Report', type: 'main', index: 0 }]] },
		},
	};
}

/** Zoho OAuth Instant Trigger (webhook `/webhook/<webhookId>/zoho`) reporting each execution. */
export function instantTriggerWorkflow(options: {
	id: string;
	/** The trigger's parameters (module, events, fields, options). */
	parameters: Record<string, unknown>;
	credential: { id: string; name: string };
	reportTo: string;
	webhookId: string;
}): Workflow {
	return reportingWorkflow({
		id: options.id,
		reportTo: options.reportTo,
		trigger: {
			name: 'Zoho Instant',
			type: INSTANT_TRIGGER_TYPE,
			webhookId: options.webhookId,
			parameters: options.parameters,
			credentials: { zohoSelfClientApi: options.credential },
		},
	});
}
