/**
 * Runs a polling trigger's `poll()` the way n8n's active-workflow manager does: one
 * workflow object for the activation (its static data lives there between polls), and
 * for each tick a fresh n8n-core `PollContext` in mode 'trigger' (or 'manual' for a
 * test run in the editor), with the harness's credentials helper. What a poll returns
 * is what n8n would emit; what it throws is what n8n would report.
 *
 *   const trigger = createPollRunner({ workflow, node: 'Trigger', nodeTypes, credentialTypes, credentials });
 *   const items = await trigger.poll();          // INodeExecutionData[][] | null
 *   trigger.staticData();                        // the node's static data after it
 *   await trigger.listSearch('searchModules');   // a resource locator's list, as the editor loads it
 */
import { ExecutionLifecycleHooks, LoadOptionsContext, PollContext } from 'n8n-core';
import type {
	IDataObject,
	INodeExecutionData,
	INodeListSearchResult,
	INodePropertyOptions,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { UserError } from 'n8n-workflow';

import { activation, type ActivationOptions } from './activation';
import { createAdditionalData } from './runWorkflow';

export type PollRunnerOptions = ActivationOptions;

export interface PollRunner {
	/** One tick. Default mode 'trigger' (an active workflow); 'manual' is the editor's test run. */
	poll(options?: {
		mode?: Extract<WorkflowExecuteMode, 'trigger' | 'manual'>;
	}): Promise<INodeExecutionData[][] | null>;
	/** A copy of the node's static data as it stands. */
	staticData(): IDataObject;
	/** Runs one of the node's `methods.loadOptions` with the node's parameters, as the editor does. */
	loadOptions(method: string): Promise<INodePropertyOptions[]>;
	/** Runs one of the node's `methods.listSearch` (a resource locator's list) with the node's parameters. */
	listSearch(method: string, filter?: string): Promise<INodeListSearchResult>;
}

let pollCounter = 0;

export function createPollRunner(options: PollRunnerOptions): PollRunner {
	const { credentialsHelper, workflow, workflowData, node, nodeType } = activation(options);
	const pollFunction = nodeType.poll;
	if (pollFunction === undefined)
		throw new UserError(`Node "${options.node}" is not a polling trigger`);

	const additionalDataFor = (mode: WorkflowExecuteMode) => {
		const executionId = `harness-poll-${++pollCounter}`;
		return createAdditionalData({
			credentialsHelper,
			hooks: new ExecutionLifecycleHooks(mode, executionId, workflowData),
			executionId,
			workflowId: workflowData.id,
		});
	};

	const loadOptionsContext = () =>
		new LoadOptionsContext(
			workflow,
			node,
			{ ...additionalDataFor('manual'), currentNodeParameters: node.parameters },
			'parameters',
		);

	return {
		async poll(pollOptions = {}) {
			const mode = pollOptions.mode ?? 'trigger';
			const additionalData = additionalDataFor(mode);
			const context = new PollContext(
				workflow,
				node,
				additionalData,
				mode,
				mode === 'manual' ? 'manual' : 'activate',
			);
			return await pollFunction.call(context);
		},
		staticData() {
			// n8n's static data is an observable proxy, which structuredClone refuses.
			return JSON.parse(JSON.stringify(workflow.getStaticData('node', node))) as IDataObject;
		},
		async loadOptions(method) {
			const load = nodeType.methods?.loadOptions?.[method];
			if (load === undefined)
				throw new UserError(`Node "${options.node}" has no loadOptions method "${method}"`);
			return await load.call(loadOptionsContext());
		},
		async listSearch(method, filter) {
			const search = nodeType.methods?.listSearch?.[method];
			if (search === undefined)
				throw new UserError(`Node "${options.node}" has no listSearch method "${method}"`);
			return await search.call(loadOptionsContext(), filter);
		},
	};
}
