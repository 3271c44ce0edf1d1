/** The owner account and a logged-in session on n8n's REST API. */
import { tail } from './process';

export interface N8nOwner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

/** Meets n8n's password rules (8+ characters, a digit, an upper-case letter). Local demo use only. */
export const DEMO_OWNER: N8nOwner = {
	email: 'demo@example.com',
	password: 'ZohoDemo-2026',
	firstName: 'Demo',
	lastName: 'Owner',
};

/** A logged-in session on a running n8n's REST API. */
export interface N8nSession {
	baseUrl: string;
	/** `n8n-auth=…`, to send as the Cookie header. */
	cookie: string;
	get(pathname: string): Promise<unknown>;
	/** POST with a JSON body; throws unless n8n answers 200. */
	post(pathname: string, body?: unknown): Promise<unknown>;
}

/**
 * Sets up the instance owner through the REST API the editor uses on first
 * open (`POST /rest/owner/setup`, 1.x and 2.x) and returns the logged-in session.
 */
export async function setupOwner(
	baseUrl: string,
	owner: N8nOwner = DEMO_OWNER,
): Promise<N8nSession> {
	const response = await fetch(`${baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(owner),
		signal: AbortSignal.timeout(30_000),
	});
	const text = await response.text();
	if (response.status !== 200)
		throw new Error(`POST /rest/owner/setup answered ${response.status}: ${tail(text, 1000)}`);
	return sessionFrom(baseUrl, response);
}

/** Logs in with e-mail and password (`POST /rest/login`). */
export async function login(baseUrl: string, owner: N8nOwner = DEMO_OWNER): Promise<N8nSession> {
	const response = await fetch(`${baseUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		// 2.x calls the field emailOrLdapLoginId, 1.x email; each ignores the other.
		body: JSON.stringify({
			email: owner.email,
			emailOrLdapLoginId: owner.email,
			password: owner.password,
		}),
		signal: AbortSignal.timeout(30_000),
	});
	const text = await response.text();
	if (response.status !== 200)
		throw new Error(`POST /rest/login answered ${response.status}: ${tail(text, 1000)}`);
	return sessionFrom(baseUrl, response);
}

function sessionFrom(baseUrl: string, response: Response): N8nSession {
	const auth = response.headers
		.getSetCookie()
		.map((cookie) => cookie.split(';')[0] ?? '')
		.find((cookie) => cookie.startsWith('n8n-auth='));
	if (!auth) throw new Error('n8n set no n8n-auth cookie');
	const send = async (pathname: string, init: RequestInit = {}): Promise<unknown> => {
		const res = await fetch(`${baseUrl}${pathname}`, {
			...init,
			headers: { cookie: auth, 'content-type': 'application/json' },
			signal: AbortSignal.timeout(30_000),
		});
		const body = await res.text();
		if (res.status !== 200)
			throw new Error(
				`${init.method ?? 'GET'} ${pathname} answered ${res.status}: ${tail(body, 1000)}`,
			);
		return JSON.parse(body) as unknown;
	};
	const get = (pathname: string) => send(pathname);
	const post = (pathname: string, body: unknown = {}) =>
		send(pathname, { method: 'POST', body: JSON.stringify(body) });
	return { baseUrl, cookie: auth, get, post };
}
