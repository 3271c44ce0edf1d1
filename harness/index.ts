export { runWorkflow } from './runWorkflow';
export { createPollRunner } from './pollNode';
export { startWebhookTrigger } from './webhookTrigger';
export type { WebhookAnswer, WebhookTrigger, WebhookTriggerOptions } from './webhookTrigger';
export type { PollRunner, PollRunnerOptions } from './pollNode';
export type { RunWorkflowOptions, RunWorkflowResult, WorkflowJson } from './runWorkflow';
export {
	builtinNodeTypes,
	HarnessManualTrigger,
	HarnessNoOp,
	MANUAL_TRIGGER_TYPE,
	NO_OP_TYPE,
} from './builtinNodes';
export { HarnessCredentialsHelper } from './credentialsHelper';
export type {
	CredentialStore,
	CredentialTypeRegistry,
	CredentialUpdate,
	PreAuthenticationRun,
	StoredCredential,
} from './credentialsHelper';
export type { NodeTypeRegistry } from './nodeTypes';
