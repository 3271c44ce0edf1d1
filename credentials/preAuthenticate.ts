import { LoggerProxy, type ICredentialDataDecryptedObject, type IDataObject } from 'n8n-workflow';

import { zohoAccess } from '../nodes/shared/zohoRuntime';
import { parseCredentials, tokenFields } from '../zoho/credentials';
import type { ZohoRuntime } from '../zoho/runtime';

/**
 * n8n calls this when the saved access token is empty, after Zoho answered 401
 * with it, and when the credential is tested. It goes through the process-wide
 * cache, so the HTTP Request node and the Zoho OAuth Request node share tokens;
 * with a shared token store (queue mode) it shares the fleet's token and lease too.
 * It throws rather than return no token: n8n would go on without one. Zoho failures
 * are thrown as ZohoErrors; the credential class turns them into what n8n shows.
 */
export async function preAuthenticate(
	credentials: ICredentialDataDecryptedObject,
	processRuntime?: ZohoRuntime,
): Promise<IDataObject> {
	// n8n gives preAuthentication no execution: its messages go to n8n's own logger.
	const { runtime, scope } = zohoAccess({ logger: LoggerProxy }, processRuntime);
	const creds = parseCredentials(credentials);
	const saved = typeof credentials.accessToken === 'string' ? credentials.accessToken.trim() : '';
	// A saved token here means n8n saw it fail (or is testing): never hand it back.
	if (saved) await runtime.auth.invalidate(creds, { accessToken: saved, logger: scope.logger });
	const token = await runtime.auth.getToken(creds, scope);
	if (!token.accessToken || token.accessToken === saved) {
		// Never keep a token n8n just saw fail; the next attempt must ask Zoho again.
		await runtime.auth.invalidate(creds, { accessToken: token.accessToken, logger: scope.logger });
		throw new Error('Zoho returned no new access token. Test the credential again in a minute.');
	}
	return tokenFields(token);
}
