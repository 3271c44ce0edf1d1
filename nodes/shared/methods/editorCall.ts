/**
 * What the editor's methods (module list, field mapper) share: the node's credential, the
 * CRM target its parameters name, and one error conversion.
 */
import type { ILoadOptionsFunctions } from 'n8n-workflow';

import type { ApiCallOptions, ZohoApiClient } from '../../../zoho/api/apiClient';
import type { CrmTarget } from '../../../zoho/crm/module';
import { CredentialSource } from '../credentialSource';
import { toNodeError } from '../nodeErrors';
import { DEFAULT_TIMEOUT_MS, nodeParams, readCrmTarget } from '../parameters';
import { zohoAccess } from '../zohoRuntime';

interface EditorCall {
	api: ZohoApiClient;
	callOptions: ApiCallOptions;
	target: CrmTarget;
}

/** The Zoho call the editor's method makes, for the node's credential and CRM target. */
export async function editorCall(ctx: ILoadOptionsFunctions): Promise<EditorCall> {
	const target = readCrmTarget(nodeParams(ctx));
	const { runtime, scope } = zohoAccess(ctx);
	const credentials = await new CredentialSource(ctx).read();
	return {
		api: runtime.api,
		callOptions: { ...scope, ...credentials, timeoutMs: DEFAULT_TIMEOUT_MS },
		target,
	};
}

/** Runs an editor method; whatever fails is shown as n8n shows node errors. */
export async function editorMethod<T>(
	ctx: ILoadOptionsFunctions,
	run: () => Promise<T>,
): Promise<T> {
	try {
		return await run();
	} catch (error) {
		throw toNodeError(ctx.getNode(), error, 0);
	}
}
