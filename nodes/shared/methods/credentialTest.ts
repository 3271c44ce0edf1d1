import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { parseCredentials } from '../../../zoho/credentials';
import { isZohoError, userMessage } from '../../../zoho/errors';
import { sharedZohoRuntime } from '../../../zoho/runtime';

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
		const token = await sharedZohoRuntime({ logger: this.logger }).auth.getToken(credentials, {
			forceRefresh: true,
		});
		const scopes = token.scopes?.length ? ` Scopes: ${token.scopes.join(', ')}.` : '';
		return {
			status: 'OK',
			message: `Connection tested successfully. API domain: ${token.apiDomain}.${scopes}`,
		};
	} catch (error) {
		if (isZohoError(error)) return { status: 'Error', message: userMessage(error) };
		return { status: 'Error', message: error instanceof Error ? error.message : String(error) };
	}
}
