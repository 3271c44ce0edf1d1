// Token state of one DC: clients, grant codes, refresh and access tokens, and the
// throttle and caps that govern them.
import type { SimCore } from './core';
import { newClientId, newClientSecret, zohoToken } from './ids';
import type { AccessTokenState, ClientState, DcState, RefreshTokenState } from './state';

export function registerClient(
	dc: DcState,
	options: { clientId?: string; clientSecret?: string } = {},
): ClientState {
	const clientId = options.clientId ?? newClientId();
	const existing = dc.clients.get(clientId);
	if (existing) {
		if (options.clientSecret !== undefined) existing.clientSecret = options.clientSecret;
		return existing;
	}
	const client: ClientState = {
		clientId,
		clientSecret: options.clientSecret ?? newClientSecret(),
		refreshTokens: [],
	};
	dc.clients.set(clientId, client);
	return client;
}

function requireClient(dc: DcState, clientId: string): ClientState {
	const client = dc.clients.get(clientId);
	if (!client) throw new Error(`client ${clientId} is not registered in data centre '${dc.id}'`);
	return client;
}

export function createGrantCode(
	core: SimCore,
	dc: DcState,
	options: { clientId: string; scopes: readonly string[]; ttlMs?: number },
): string {
	requireClient(dc, options.clientId);
	const code = zohoToken();
	dc.grantCodes.set(code, {
		code,
		clientId: options.clientId,
		scopes: [...options.scopes],
		expiresAt: core.now() + (options.ttlMs ?? core.config.grantCodeTtlMs),
	});
	return code;
}

/** Issues a refresh token; the client's oldest is evicted beyond refreshTokenCap. */
export function createRefreshToken(
	core: SimCore,
	dc: DcState,
	options: { clientId: string; scopes: readonly string[]; token?: string },
): RefreshTokenState {
	const client = requireClient(dc, options.clientId);
	const token = options.token ?? zohoToken();
	if (dc.refreshTokens.has(token)) throw new Error('this refresh token already exists');
	for (
		let guard = 0;
		client.refreshTokens.length >= core.config.refreshTokenCap && guard < 10_000;
		guard += 1
	) {
		const oldest = client.refreshTokens[0];
		if (oldest === undefined) break;
		revokeRefreshToken(dc, oldest);
	}
	const state: RefreshTokenState = {
		token,
		clientId: client.clientId,
		scopes: [...options.scopes],
		mintLog: [],
		live: [],
	};
	dc.refreshTokens.set(token, state);
	client.refreshTokens.push(token);
	return state;
}

/** Removes a refresh token and every access token it minted. False if unknown. */
export function revokeRefreshToken(dc: DcState, token: string): boolean {
	const state = dc.refreshTokens.get(token);
	if (!state) return false;
	for (const access of state.live) dc.accessTokens.delete(access);
	dc.refreshTokens.delete(token);
	const client = dc.clients.get(state.clientId);
	if (client)
		client.refreshTokens = client.refreshTokens.filter((candidate) => candidate !== token);
	return true;
}

/**
 * Mints an access token for a refresh token, or returns undefined when the rolling mint
 * throttle refuses (a refused call is not a mint).
 */
export function mintAccessToken(
	core: SimCore,
	dc: DcState,
	refresh: RefreshTokenState,
): AccessTokenState | undefined {
	const now = core.now();
	const windowStart = now - core.config.mintWindowMs;
	const firstInWindow = refresh.mintLog.findIndex((time) => time > windowStart);
	refresh.mintLog = firstInWindow < 0 ? [] : refresh.mintLog.slice(firstInWindow);
	if (refresh.mintLog.length >= core.config.mintLimit) return undefined;
	refresh.mintLog.push(now);

	refresh.live = refresh.live.filter((token) => {
		const access = dc.accessTokens.get(token);
		if (access && access.expiresAt > now) return true;
		dc.accessTokens.delete(token);
		return false;
	});
	const overCap = refresh.live.length - core.config.liveTokenCap + 1;
	if (overCap > 0) {
		for (const evicted of refresh.live.slice(0, overCap)) dc.accessTokens.delete(evicted);
		refresh.live = refresh.live.slice(overCap);
	}
	const access = issueAccessToken(core, dc, {
		scopes: refresh.scopes,
		refreshToken: refresh.token,
	});
	refresh.live.push(access.token);
	return access;
}

/** A new access token; also used alone by the client-credentials grant. */
export function issueAccessToken(
	core: SimCore,
	dc: DcState,
	options: { scopes: readonly string[]; refreshToken?: string },
): AccessTokenState {
	const access: AccessTokenState = {
		token: zohoToken(),
		scopes: [...options.scopes],
		expiresAt: core.now() + core.config.tokenLifetimeSec * 1000,
		...(options.refreshToken !== undefined ? { refreshToken: options.refreshToken } : {}),
	};
	dc.accessTokens.set(access.token, access);
	core.counters.recordMint(options.refreshToken);
	return access;
}

/** The live access token behind a bearer string, or undefined (unknown, expired, evicted, revoked). */
export function resolveAccessToken(
	core: SimCore,
	dc: DcState,
	token: string,
): AccessTokenState | undefined {
	const access = dc.accessTokens.get(token);
	if (!access) return undefined;
	if (access.expiresAt <= core.now()) {
		dc.accessTokens.delete(token);
		return undefined;
	}
	return access;
}
