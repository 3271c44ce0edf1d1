// A minimal client of the simulator for tests of its API over the wire: tokens with chosen
// scopes and JSON calls that keep the status, the headers and the raw body.
import { Agent, fetch, type RequestInit, type Response } from 'undici';
import type { ZohoSimulator } from '../../simulator';

/**
 * Connections are kept for a second only: a test that blocks its event loop for seconds
 * (reading a large export) must not reuse a socket the simulator is closing for idleness.
 */
const agent = new Agent({ keepAliveTimeout: 1000, keepAliveMaxTimeout: 1000 });

export function simFetch(url: string, init: RequestInit = {}): Promise<Response> {
	return fetch(url, { ...init, dispatcher: agent });
}

export interface SimAnswer {
	status: number;
	headers: Response['headers'];
	/** The parsed JSON body; {} for an empty body. */
	json: Record<string, unknown>;
}

/** An access token of `dc` with these scopes, minted through the token endpoint. */
export async function simToken(
	sim: ZohoSimulator,
	options: { scopes: string[]; dc?: string },
): Promise<string> {
	const dc = options.dc ?? 'us';
	const client = sim.registerClient(dc);
	const refreshToken = sim.createRefreshToken(dc, {
		clientId: client.clientId,
		scopes: options.scopes,
	});
	const res = await simFetch(`${sim.url(dc)}/oauth/v2/token`, {
		method: 'POST',
		body: new URLSearchParams({
			grant_type: 'refresh_token',
			client_id: client.clientId,
			client_secret: client.clientSecret,
			refresh_token: refreshToken,
		}),
	});
	const json = (await res.json()) as { access_token?: string };
	if (!json.access_token) throw new Error('the simulator minted no access token');
	return json.access_token;
}

export async function simCall(
	sim: ZohoSimulator,
	options: {
		path: string;
		token: string;
		method?: string;
		body?: unknown;
		/** Sent as is instead of `body` as JSON (a body that is not JSON). */
		rawBody?: string;
		headers?: Record<string, string>;
		dc?: string;
	},
): Promise<SimAnswer> {
	const res = await simFetch(`${sim.url(options.dc ?? 'us')}${options.path}`, {
		method: options.method ?? 'GET',
		headers: {
			Authorization: `Zoho-oauthtoken ${options.token}`,
			'Content-Type': 'application/json',
			...options.headers,
		},
		...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
		...(options.rawBody === undefined ? {} : { body: options.rawBody }),
	});
	const text = await res.text();
	return {
		status: res.status,
		headers: res.headers,
		json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
	};
}
