/**
 * Runs a workflow JSON (as exported from n8n) in-process with n8n-core's
 * `WorkflowExecute`, the way n8n's own node tests do (n8n-io/n8n
 * packages/core/nodes-testing/node-test-harness.ts), but with real sockets: nodes make
 * their HTTP calls to whatever local server the test started.
 *
 *   const result = await runWorkflow({
 *     workflow: fixture,                                   // { nodes, connections, settings? }
 *     nodeTypes: { 'n8n-nodes-zoho-oauth.zohoOAuthRequest': new ZohoOAuthRequest() },
 *     credentialTypes: { zohoSelfClientApi: new ZohoSelfClientApi() },
 *     credentials: { 'cred-1': { type: 'zohoSelfClientApi', data: { ... } } },
 *   });
 *   result.outputs['Zoho'][0]   // items of the node's first output
 *   result.error                // the run's error, as the class the node threw
 *
 * See README.md beside this file for the settings it applies and why.
 */
import { ExecutionLifecycleHooks, ExternalSecretsProxy, WorkflowExecute } from 'n8n-core';
import type {
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	IRun,
	IRunData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, UserError, Workflow } from 'n8n-workflow';

import { builtinNodeTypes, MANUAL_TRIGGER_TYPE } from './builtinNodes';
import type {
	CredentialStore,
	CredentialTypeRegistry,
	CredentialUpdate,
	PreAuthenticationRun,
} from './credentialsHelper';
import { HarnessCredentialsHelper } from './credentialsHelper';
import { prepareHarnessEnvironment } from './environment';
import { restoreError } from './errors';
import type { NodeTypeRegistry } from './nodeTypes';
import { HarnessNodeTypes } from './nodeTypes';

/** A workflow as n8n exports it. Loosely typed so an imported `.json` fixture fits as is. */
export interface WorkflowJson {
	id?: string;
	name?: string;
	nodes: readonly object[];
	connections: object;
	settings?: object;
	/** Ignored: the run never uses pinned data (compare `outputs` with it instead). */
	pinData?: object;
	staticData?: object;
}

export interface RunWorkflowOptions {
	workflow: WorkflowJson;
	/** Full type name → node type; merged over the built-in manualTrigger and noOp. */
	nodeTypes?: NodeTypeRegistry;
	/** Credential type name (`ICredentialType.name`) → credential type. */
	credentialTypes?: CredentialTypeRegistry;
	/** Credential id → stored credential. Mutated in place, as n8n's database would be. */
	credentials?: CredentialStore;
	/** Items the trigger emits. Default: one empty item. */
	inputItems?: INodeExecutionData[];
	/** Node the run starts from. Default: the manual trigger, else n8n's own choice. */
	startNode?: string;
	/** Aborting it cancels the execution, as the Stop button does: `getExecutionCancelSignal()` fires. */
	signal?: AbortSignal;
	/** The run is cancelled and `runWorkflow` rejects after this long. Default 20 000 ms. */
	timeoutMs?: number;
	/** How long a cancelled run may take to wind down before `runWorkflow` rejects. Default 2 000 ms. */
	cancelGraceMs?: number;
	/** Default 'manual', as when a user clicks "Execute workflow". */
	mode?: WorkflowExecuteMode;
}

export interface RunWorkflowResult {
	/** 'success', 'error', or 'canceled' when `signal` stopped the run. */
	status: IRun['status'];
	/** Node name → items per output of the node's last run (`[0]` is the first output). */
	outputs: Record<string, INodeExecutionData[][]>;
	/** The run's error, as the class it was thrown with (NodeApiError, NodeOperationError …). */
	error?: Error;
	/** Node name → the error of its last run, for nodes that failed (also with continueOnFail off). */
	nodeErrors: Record<string, Error>;
	/** Node names in the order their runs finished. */
	executionOrder: string[];
	/** Every write to the credential store during the run (preAuthentication write-backs). */
	credentialUpdates: CredentialUpdate[];
	/** Every call of a credential type's preAuthentication during the run. */
	preAuthenticationRuns: PreAuthenticationRun[];
	runData: IRunData;
	run: IRun;
}

const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_CANCEL_GRACE_MS = 2_000;
const BASE_URL = 'http://localhost:5678';

let executionCounter = 0;

function unsupported(feature: string): never {
	throw new UserError(`${feature} is not available in the workflow test harness`);
}

export function createAdditionalData(options: {
	credentialsHelper: HarnessCredentialsHelper;
	hooks: ExecutionLifecycleHooks;
	executionId: string;
	workflowId: string;
}): IWorkflowExecuteAdditionalData {
	return {
		...options,
		userId: 'harness-user',
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: `${BASE_URL}/rest`,
		instanceBaseUrl: `${BASE_URL}/`,
		formBaseUrl: `${BASE_URL}/form`,
		formTestBaseUrl: `${BASE_URL}/form-test`,
		formWaitingBaseUrl: `${BASE_URL}/form-waiting`,
		webhookBaseUrl: `${BASE_URL}/webhook`,
		webhookTestBaseUrl: `${BASE_URL}/webhook-test`,
		webhookWaitingBaseUrl: `${BASE_URL}/webhook-waiting`,
		mcpBaseUrl: `${BASE_URL}/mcp`,
		mcpTestBaseUrl: `${BASE_URL}/mcp-test`,
		externalSecretsProxy: new ExternalSecretsProxy(),
		executeWorkflow: async () => unsupported('Executing a sub-workflow'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => undefined,
		startRunnerTask: async () => unsupported('The task runner (Code node)'),
	};
}

function pickStartNode(workflow: Workflow, startNode: string | undefined): INode {
	if (startNode !== undefined) {
		const node = workflow.getNode(startNode);
		if (node === null) throw new UserError(`Start node "${startNode}" is not in the workflow`);
		return node;
	}
	const trigger = Object.values(workflow.nodes).find((node) => node.type === MANUAL_TRIGGER_TYPE);
	const node = trigger ?? workflow.getStartNode();
	if (node === undefined) throw new UserError('The workflow has no node to start from');
	return node;
}

interface Deferred<T> {
	promise: Promise<T>;
	resolve: (value: T) => void;
}

function deferred<T>(): Deferred<T> {
	let resolve!: (value: T) => void;
	const promise = new Promise<T>((res) => {
		resolve = res;
	});
	return { promise, resolve };
}

/** Resolves with `promise`'s outcome, or with `'timeout'` after `ms`; never leaves its timer behind. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<'timeout'>((resolve) => {
		timer = setTimeout(() => resolve('timeout'), ms);
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

function lastRunOutputs(runData: IRunData): Record<string, INodeExecutionData[][]> {
	const outputs: Record<string, INodeExecutionData[][]> = {};
	for (const [nodeName, tasks] of Object.entries(runData)) {
		const main = tasks.at(-1)?.data?.main ?? [];
		outputs[nodeName] = main.map((items) => items ?? []);
	}
	return outputs;
}

export interface PreparedRun {
	workflow: Workflow;
	workflowData: IWorkflowBase;
	startNode: INode;
}

export function prepareWorkflow(
	options: RunWorkflowOptions,
	nodeTypes: HarnessNodeTypes,
): PreparedRun {
	const { workflow: json } = options;
	if (
		!Array.isArray(json.nodes) ||
		typeof json.connections !== 'object' ||
		json.connections === null
	) {
		throw new UserError('workflow must be an n8n workflow JSON with "nodes" and "connections"');
	}
	// The engine writes parameter defaults into the nodes: never touch the caller's fixture.
	// `pinData` is left out on purpose: n8n's own harness reads it as the expected output.
	const nodes = structuredClone(json.nodes) as INode[];
	const connections = structuredClone(json.connections) as IConnections;
	const settings = structuredClone(json.settings ?? {}) as IWorkflowSettings;
	const id = json.id ?? 'harness-workflow';
	const name = json.name ?? 'Harness workflow';

	const workflow = new Workflow({
		id,
		name,
		nodes,
		connections,
		settings,
		staticData: json.staticData as IDataObject | undefined,
		nodeTypes,
		active: false,
	});
	const workflowData: IWorkflowBase = {
		id,
		name,
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections,
		settings,
	};
	return { workflow, workflowData, startNode: pickStartNode(workflow, options.startNode) };
}

type CancelReason = 'signal' | 'timeout';

/**
 * Waits for the execution, cancelling it when `signal` aborts or `timeoutMs` passes. A
 * cancelled run still settles (n8n-core resolves it once the node in flight gives up),
 * so this waits `cancelGraceMs` more for that, and rejects if it does not come.
 */
async function awaitExecution(
	execution: ReturnType<WorkflowExecute['processRunExecutionData']>,
	options: RunWorkflowOptions,
): Promise<{ run: IRun; cancelReason?: CancelReason }> {
	const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	const graceMs = options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS;
	const finished = execution.then(
		(run) => ({ run }),
		(error: unknown) => ({ failure: error }),
	);
	const cancelled = deferred<CancelReason>();
	let cancelReason: CancelReason | undefined;
	const cancel = (reason: CancelReason) => {
		if (cancelReason !== undefined) return;
		cancelReason = reason;
		execution.cancel();
		cancelled.resolve(reason);
	};
	const onAbort = () => cancel('signal');
	options.signal?.addEventListener('abort', onAbort, { once: true });
	if (options.signal?.aborted) cancel('signal');
	const timer = setTimeout(() => cancel('timeout'), timeoutMs);

	let outcome: Awaited<typeof finished> | 'timeout';
	try {
		const first = await Promise.race([finished, cancelled.promise]);
		outcome = first === 'signal' || first === 'timeout' ? await within(finished, graceMs) : first;
	} finally {
		clearTimeout(timer);
		options.signal?.removeEventListener('abort', onAbort);
	}

	if (outcome === 'timeout') {
		throw new Error(
			`The workflow run did not stop within ${graceMs} ms of being cancelled: a node ignores getExecutionCancelSignal()`,
		);
	}
	if (cancelReason === 'timeout')
		throw new Error(`The workflow run took longer than ${timeoutMs} ms and was cancelled`);
	if ('failure' in outcome) throw outcome.failure;
	return { run: outcome.run, cancelReason };
}

export async function runWorkflow(options: RunWorkflowOptions): Promise<RunWorkflowResult> {
	prepareHarnessEnvironment();
	const { inputItems = [{ json: {} }], mode = 'manual' } = options;

	const thrownByNodes: unknown[] = [];
	const nodeTypes = new HarnessNodeTypes(
		{ ...builtinNodeTypes(), ...options.nodeTypes },
		(error) => {
			thrownByNodes.push(error);
		},
	);
	const credentialsHelper = new HarnessCredentialsHelper(
		options.credentialTypes ?? {},
		options.credentials ?? {},
	);
	const { workflow, workflowData, startNode } = prepareWorkflow(options, nodeTypes);

	const executionId = `harness-execution-${++executionCounter}`;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const executionOrder: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName) => {
		executionOrder.push(nodeName);
	});
	const additionalData = createAdditionalData({
		credentialsHelper,
		hooks,
		executionId,
		workflowId: workflowData.id,
	});
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{ node: startNode, data: { main: [structuredClone(inputItems)] }, source: null },
			],
		},
	});
	const execution = new WorkflowExecute(
		additionalData,
		mode,
		runExecutionData,
	).processRunExecutionData(workflow);
	const { run, cancelReason } = await awaitExecution(execution, options);

	const { runData } = run.data.resultData;
	const nodeErrors: Record<string, Error> = {};
	for (const [nodeName, tasks] of Object.entries(runData)) {
		const error = restoreError(tasks.at(-1)?.error, thrownByNodes);
		if (error) nodeErrors[nodeName] = error;
	}
	return {
		// n8n records a stopped run as 'canceled' (the status its cancel hook saves); the
		// engine's own final status depends on the message of the error the abort caused.
		status: cancelReason === 'signal' ? 'canceled' : run.status,
		outputs: lastRunOutputs(runData),
		error: restoreError(run.data.resultData.error, thrownByNodes),
		nodeErrors,
		executionOrder,
		credentialUpdates: credentialsHelper.updates,
		preAuthenticationRuns: credentialsHelper.preAuthenticationRuns,
		runData,
		run,
	};
}
