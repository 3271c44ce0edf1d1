/**
 * What n8n's active-workflow manager holds for an active trigger: one workflow object for
 * the activation (its static data lives there), the node types, the credentials, and the
 * trigger node itself. The poll and webhook-trigger runners start from it.
 */
import type { IDataObject, INode, INodeType, IWorkflowBase } from 'n8n-workflow';
import { UserError, type Workflow } from 'n8n-workflow';

import { builtinNodeTypes } from './builtinNodes';
import { HarnessCredentialsHelper } from './credentialsHelper';
import { prepareHarnessEnvironment } from './environment';
import { HarnessNodeTypes } from './nodeTypes';
import { prepareWorkflow, type RunWorkflowOptions } from './runWorkflow';

export interface ActivationOptions
	extends Pick<RunWorkflowOptions, 'workflow' | 'nodeTypes' | 'credentialTypes' | 'credentials'> {
	/** Name of the trigger node. */
	node: string;
	/** The node's static data as n8n loads it from its database. */
	staticData?: IDataObject;
}

export interface Activation {
	nodeTypes: HarnessNodeTypes;
	credentialsHelper: HarnessCredentialsHelper;
	workflow: Workflow;
	workflowData: IWorkflowBase;
	node: INode;
	nodeType: INodeType;
}

export function activation(options: ActivationOptions): Activation {
	prepareHarnessEnvironment();
	const nodeTypes = new HarnessNodeTypes(
		{ ...builtinNodeTypes(), ...options.nodeTypes },
		() => undefined,
	);
	const credentialsHelper = new HarnessCredentialsHelper(
		options.credentialTypes ?? {},
		options.credentials ?? {},
	);
	const { workflow, workflowData } = prepareWorkflow(
		{
			workflow: options.staticData
				? { ...options.workflow, staticData: { [`node:${options.node}`]: options.staticData } }
				: options.workflow,
			startNode: options.node,
		},
		nodeTypes,
	);
	const node = workflow.getNode(options.node);
	if (node === null) throw new UserError(`Node "${options.node}" is not in the workflow`);
	const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	return { nodeTypes, credentialsHelper, workflow, workflowData, node, nodeType };
}
