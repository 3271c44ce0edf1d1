/**
 * What the editor's methods (module list, field mapper) share: the node's credential, the
 * CRM target its parameters name, and one error conversion.
 */
import type { ILoadOptionsFunctions } from 'n8n-workflow';

import type { ZohoApi } from '../../../zoho/api/zohoApi';
import type { CrmTarget } from '../../../zoho/crm/module';
import { CredentialSource } from '../credentialSource';
import { toNodeError } from '../nodeErrors';
import { DEFAULT_TIMEOUT_MS, nodeParams, readCrmTarget } from '../parameters';
import { zohoAccess, zohoApi } from '../zohoRuntime';

/** The Zoho client the editor's method calls, for the node's credential, and the CRM target its parameters name. */
export async function editorCall(
	ctx: ILoadOptionsFunctions,
): Promise<{ api: ZohoApi; target: CrmTarget }> {
	const target = readCrmTarget(nodeParams(ctx));
	const credentials = await new CredentialSource(ctx).read();
	return { api: zohoApi(zohoAccess(ctx), { credentials, timeoutMs: DEFAULT_TIMEOUT_MS }), target };
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
