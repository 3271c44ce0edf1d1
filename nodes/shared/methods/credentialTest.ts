import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { parseCredentials } from '../../../zoho/credentials';
import { plainError } from '../nodeErrors';
import { zohoAccess } from '../zohoRuntime';

/**
 * The credential modal's Test button. Mints a token with exactly the values in
 * the form (not a cached one, so a changed secret is really checked).
 */
export async function zohoSelfClientApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		const credentials = parseCredentials(credential.data ?? {});
		const { runtime, scope } = zohoAccess(this);
		const token = await runtime.auth.getToken(credentials, { ...scope, forceRefresh: true });
		const scopes = token.scopes?.length ? ` Scopes: ${token.scopes.join(', ')}.` : '';
		return {
			status: 'OK',
			message: `Connection tested successfully. API domain: ${token.apiDomain}.${scopes}`,
		};
	} catch (error) {
		return { status: 'Error', message: plainError(error).message };
	}
}
