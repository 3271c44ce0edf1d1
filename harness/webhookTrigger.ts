/**
 * Runs a trigger node with webhooks the way n8n's active-workflow manager and webhook
 * server do: a real HTTP server on 127.0.0.1 serves `/webhook/…` (production) and
 * `/webhook-test/…` (Listen for test event) and calls the node's `webhook()`; activation
 * runs `webhookMethods` (`checkExists`, then `create` when it says no) and `trigger()`;
 * deactivation calls the trigger's close function and `delete`. One workflow object for
 * the runner's life, so static data persists as n8n keeps it between executions. As in
 * n8n, `delete` runs in mode 'internal', and a test run's webhooks run on a workflow
 * object of their own that is not active (n8n's test-webhooks.ts).
 *
 *   const trigger = await startWebhookTrigger({ workflow, node: 'Zoho', nodeTypes, credentialTypes, credentials });
 *   await trigger.activate();               // webhooks first, then trigger(), as n8n 1.x does
 *   trigger.executions;                     // what trigger() emitted, one entry per emit
 *   trigger.answers;                        // every webhook request: path, status, whether it started an execution
 *   await trigger.deactivate();
 *   await trigger.close();
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ExecutionLifecycleHooks, HookContext, TriggerContext, WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	ITriggerResponse,
	IWebhookData,
	IWebhookDescription,
	IWorkflowExecuteAdditionalData,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { UserError, Workflow } from 'n8n-workflow';

import { activation, type ActivationOptions } from './activation';
import { createAdditionalData, runWorkflow, type RunWorkflowResult } from './runWorkflow';

export interface WebhookTriggerOptions extends ActivationOptions {
	/** The webhook server's port (an n8n started again on its old address); a free one when absent. */
	port?: number;
}

/** One request the webhook server answered. */
export interface WebhookAnswer {
	test: boolean;
	status: number;
	body: string;
	/** webhook() asked n8n to start an execution (`workflowData`). */
	startedExecution: boolean;
}

export interface WebhookTrigger {
	/** n8n's production webhook base, `http://127.0.0.1:<port>/webhook`. */
	readonly webhookBaseUrl: string;
	readonly port: number;
	/** What trigger() emitted, one entry per emit (the first output's items). */
	readonly executions: INodeExecutionData[][];
	/** What trigger() reported through emitError. */
	readonly errors: Error[];
	readonly answers: WebhookAnswer[];
	/** checkExists, then create when it says no (production URL); false when the channel existed. */
	addWebhooks(): Promise<boolean>;
	/** delete (production URL). */
	removeWebhooks(): Promise<boolean>;
	/** trigger() in mode trigger. */
	startTrigger(activation?: WorkflowActivateMode): Promise<void>;
	/** The trigger's close function (n8n stopping, or a step-down): webhooks stay. */
	stopTrigger(): Promise<void>;
	/** Webhooks, then trigger(), as n8n does at activation. */
	activate(): Promise<void>;
	/** Close, then delete, as n8n does at deactivation. */
	deactivate(): Promise<void>;
	/**
	 * Listen for test event: test webhooks added (test URL), then the first request to them
	 * starts the test execution (mode manual), whose result this resolves with; then the
	 * test webhooks are deleted.
	 */
	listenForTestEvent(options?: { timeoutMs?: number }): Promise<RunWorkflowResult>;
	/** A copy of the node's static data. */
	staticData(): IDataObject;
	close(): Promise<void>;
}

let executionCounter = 0;

export async function startWebhookTrigger(options: WebhookTriggerOptions): Promise<WebhookTrigger> {
	const { credentialsHelper, nodeTypes, workflow, workflowData, node, nodeType } =
		activation(options);
	// n8n's active-workflow manager builds the workflow active; its test webhooks, inactive.
	workflow.active = true;
	const testWorkflow = new Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes: structuredClone(workflowData.nodes),
		connections: workflowData.connections,
		settings: workflowData.settings,
		active: false,
		nodeTypes,
		staticData: {},
	});
	const description = nodeType.description.webhooks?.[0];
	const hooks = nodeType.webhookMethods?.[description?.name ?? 'default'];
	if (!description || !hooks || !nodeType.webhook || !nodeType.trigger)
		throw new UserError(
			`Node "${options.node}" has no webhooks, webhook methods, webhook() and trigger()`,
		);

	const executions: INodeExecutionData[][] = [];
	const errors: Error[] = [];
	const answers: WebhookAnswer[] = [];
	let triggerResponse: ITriggerResponse | undefined;
	let testListener:
		| { resolve: (result: RunWorkflowResult) => void; reject: (error: unknown) => void }
		| undefined;

	const server: Server = createServer((req, res) => {
		void serve(req, res).catch((error: unknown) => {
			if (!res.headersSent) res.writeHead(500);
			res.end(String(error));
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', resolve);
	});
	const port = (server.address() as AddressInfo).port;
	const origin = `http://127.0.0.1:${port}`;

	const additionalData = (
		mode: WorkflowExecuteMode,
		extra: Partial<IWorkflowExecuteAdditionalData> = {},
	) => {
		const executionId = `harness-webhook-trigger-${++executionCounter}`;
		return {
			...createAdditionalData({
				credentialsHelper,
				hooks: new ExecutionLifecycleHooks(mode, executionId, workflowData),
				executionId,
				workflowId: workflowData.id,
			}),
			webhookBaseUrl: `${origin}/webhook`,
			webhookTestBaseUrl: `${origin}/webhook-test`,
			...extra,
		};
	};

	const webhookData = (test: boolean, data: IWorkflowExecuteAdditionalData): IWebhookData => ({
		httpMethod: description.httpMethod as IWebhookData['httpMethod'],
		node: node.name,
		path: String(description.path),
		webhookDescription: description as IWebhookDescription,
		workflowId: workflowData.id,
		workflowExecuteAdditionalData: data,
		webhookId: node.webhookId,
		isTest: test,
	});

	const runHook = async (
		method: 'checkExists' | 'create' | 'delete',
		test: boolean,
	): Promise<boolean> => {
		// n8n removes webhooks, a test run's too, in mode 'internal' at an 'update'.
		const removing = method === 'delete';
		const mode: WorkflowExecuteMode = removing ? 'internal' : test ? 'manual' : 'trigger';
		const data = additionalData(mode);
		const context = new HookContext(
			test ? testWorkflow : workflow,
			node,
			data,
			mode,
			removing ? 'update' : test ? 'manual' : 'activate',
			webhookData(test, data),
		);
		const hook = hooks[method];
		if (!hook) throw new UserError(`webhookMethods has no ${method}`);
		return (await hook.call(context)) === true;
	};

	const addWebhooks = async (test: boolean): Promise<boolean> => {
		if (await runHook('checkExists', test)) return false;
		await runHook('create', test);
		return true;
	};

	async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const text = await readBody(req);
		const test = (req.url ?? '').startsWith('/webhook-test/');
		const mode: WorkflowExecuteMode = test ? 'manual' : 'webhook';
		const request = Object.assign(req, {
			body: parseBody(text),
			query: Object.fromEntries(new URL(req.url ?? '/', origin).searchParams),
			params: {},
		});
		const data = additionalData(mode, {
			httpRequest: request as never,
			httpResponse: res as never,
		});
		const context = new WebhookContext(
			test ? testWorkflow : workflow,
			node,
			data,
			mode,
			webhookData(test, data),
			[],
			null,
		);
		let body = '';
		const end = res.end.bind(res);
		res.end = ((chunk?: unknown, ...rest: unknown[]) => {
			if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) body += chunk.toString();
			return (end as (...args: unknown[]) => ServerResponse)(chunk, ...rest);
		}) as ServerResponse['end'];
		const answer = (status: number, startedExecution: boolean, json?: unknown) => {
			if (!res.headersSent && json !== undefined) {
				res.writeHead(status, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify(json));
			}
			answers.push({ test, status: res.statusCode, body, startedExecution });
		};
		let result;
		try {
			result = await (nodeType.webhook as NonNullable<INodeType['webhook']>).call(context);
		} catch (error) {
			// n8n answers 500 and records a failed execution.
			answer(500, true, { message: error instanceof Error ? error.message : String(error) });
			return;
		}
		if (result.noWebhookResponse) {
			answer(res.statusCode, false);
			return;
		}
		if (!result.workflowData) {
			answer(200, false, result.webhookResponse ?? {});
			return;
		}
		answer(200, true, { message: 'Workflow was started' });
		if (!test) return;
		const listener = testListener;
		testListener = undefined;
		if (!listener) return;
		try {
			listener.resolve(
				await runWorkflow({
					workflow: { ...options.workflow, id: workflowData.id },
					nodeTypes: options.nodeTypes,
					credentialTypes: options.credentialTypes,
					credentials: options.credentials,
					startNode: node.name,
					inputItems: result.workflowData[0] ?? [],
					mode: 'manual',
				}),
			);
		} catch (error) {
			listener.reject(error);
		}
	}

	const startTrigger = async (activation: WorkflowActivateMode = 'activate'): Promise<void> => {
		const data = additionalData('trigger');
		const context = new TriggerContext(
			workflow,
			node,
			data,
			'trigger',
			activation,
			(emitted) => {
				executions.push(emitted[0] ?? []);
			},
			(error) => {
				errors.push(error);
			},
		);
		triggerResponse = await (nodeType.trigger as NonNullable<INodeType['trigger']>).call(context);
	};

	const stopTrigger = async (): Promise<void> => {
		const response = triggerResponse;
		triggerResponse = undefined;
		await response?.closeFunction?.();
	};

	return {
		webhookBaseUrl: `${origin}/webhook`,
		port,
		executions,
		errors,
		answers,
		addWebhooks: () => addWebhooks(false),
		removeWebhooks: () => runHook('delete', false),
		startTrigger,
		stopTrigger,
		async activate() {
			await addWebhooks(false);
			await startTrigger();
		},
		async deactivate() {
			await stopTrigger();
			await runHook('delete', false);
		},
		async listenForTestEvent(listen = {}) {
			await addWebhooks(true);
			try {
				return await new Promise<RunWorkflowResult>((resolve, reject) => {
					const timer = setTimeout(
						() => reject(new Error('no test event came in time')),
						listen.timeoutMs ?? 20_000,
					);
					testListener = {
						resolve: (result) => {
							clearTimeout(timer);
							resolve(result);
						},
						reject: (error) => {
							clearTimeout(timer);
							reject(error);
						},
					};
				});
			} finally {
				testListener = undefined;
				await runHook('delete', true);
			}
		},
		staticData() {
			return JSON.parse(JSON.stringify(workflow.getStaticData('node', node))) as IDataObject;
		},
		async close() {
			await stopTrigger();
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.once('error', reject);
	});
}

function parseBody(text: string): unknown {
	if (text.trim() === '') return {};
	try {
		return JSON.parse(text) as unknown;
	} catch {
		// n8n hands webhooks a body it could not parse as is.
		return text;
	}
}
