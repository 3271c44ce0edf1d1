/**
 * What the package offers to code besides its n8n classes, through index.js: a Code node
 * (with NODE_FUNCTION_ALLOW_EXTERNAL=n8n-nodes-zoho-oauth) or another package. It runs on
 * the process's shared runtime: a token got here is the one the nodes of this process use,
 * and the other way round.
 */
import { parseCredentials } from './credentials';
import { sharedZohoRuntime } from './runtime';
import { describeToken, type TokenDescription } from './token/accessToken';

export { DATA_CENTRES } from './dataCentres';
export { isZohoError } from './errors';

/**
 * A valid access token for a Self Client, cached and refreshed like the nodes' (one mint
 * per hour per credential and process). `credential` has the fields of the "Zoho Self
 * Client API" credential: dataCentre (default us), customAccountsUrl, clientId,
 * clientSecret, refreshToken. Failures are ZohoErrors (isZohoError) with `code`, `hint`
 * and `field`.
 */
export async function getAccessToken(
	credential: Record<string, unknown>,
	options: { forceRefresh?: boolean; signal?: AbortSignal } = {},
): Promise<TokenDescription> {
	const runtime = sharedZohoRuntime();
	const token = await runtime.auth.getToken(parseCredentials(credential), options);
	return describeToken(token, runtime.clock.now());
}
