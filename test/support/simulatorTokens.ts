/**
 * Access tokens from the simulator's token endpoint, for tests that call its APIs
 * over the wire.
 */
import type { ZohoSimulator } from '../../simulator';

export interface SimulatorClient {
	clientId: string;
	clientSecret: string;
	refreshToken: string;
}

/** A new client and refresh token with these scopes on a DC. */
export function simulatorClient(
	sim: ZohoSimulator,
	options: { dc?: string; scopes: string[] },
): SimulatorClient {
	const dc = options.dc ?? 'us';
	const client = sim.registerClient(dc);
	const refreshToken = sim.createRefreshToken(dc, {
		clientId: client.clientId,
		scopes: options.scopes,
	});
	return { ...client, refreshToken };
}

/** An access token minted through POST /oauth/v2/token (the simulator's clock decides its expiry). */
export async function mintAccessToken(
	sim: ZohoSimulator,
	options: { dc?: string; client: SimulatorClient },
): Promise<string> {
	const { client } = options;
	const res = await fetch(`${sim.url(options.dc)}/oauth/v2/token`, {
		method: 'POST',
		body: new URLSearchParams({
			grant_type: 'refresh_token',
			client_id: client.clientId,
			client_secret: client.clientSecret,
			refresh_token: client.refreshToken,
		}),
	});
	const json = (await res.json()) as { access_token?: string };
	if (!json.access_token) throw new Error(`no access token: ${JSON.stringify(json)}`);
	return json.access_token;
}
