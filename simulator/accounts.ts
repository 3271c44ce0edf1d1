// The accounts server: POST /oauth/v2/token and /oauth/v2/token/revoke.
// Like Zoho, every token error is HTTP 200 with {"error": ...}.
import { formParams } from './body';
import type { Exchange } from './exchange';
import type { AccessTokenState, ClientState } from './state';
import {
	createRefreshToken,
	issueAccessToken,
	mintAccessToken,
	revokeRefreshToken,
} from './tokens';

const THROTTLE_DESCRIPTION =
	'You have made too many requests continuously. Please try again after some time.';
const GRANT_TYPES = new Set(['authorization_code', 'refresh_token', 'client_credentials']);

export function handleTokenRequest(ex: Exchange): void {
	if (ex.method !== 'POST') {
		ex.json(405, { error: 'invalid_request', error_description: 'use POST' });
		return;
	}
	const params = formParams(ex);
	const grantType = params.get('grant_type') ?? '';
	if (!GRANT_TYPES.has(grantType)) {
		refuse(ex, { outcome: 'unsupported_grant_type', body: { error: 'unsupported_grant_type' } });
		return;
	}
	if (grantType === 'client_credentials' && !params.get('soid')) {
		refuse(ex, {
			outcome: 'client_credentials:missing_org_info',
			body: { error: 'missing_org_info' },
		});
		return;
	}
	const client = ex.dc.clients.get(params.get('client_id') ?? '');
	if (!client) {
		refuse(ex, { outcome: `${grantType}:invalid_client`, body: { error: 'invalid_client' } });
		return;
	}
	if (client.clientSecret !== params.get('client_secret')) {
		refuse(ex, {
			outcome: `${grantType}:invalid_client_secret`,
			body: { error: 'invalid_client_secret' },
		});
		return;
	}
	if (grantType === 'authorization_code')
		exchangeGrantCode(ex, { client, code: params.get('code') ?? '' });
	else if (grantType === 'refresh_token')
		refresh(ex, { client, token: params.get('refresh_token') ?? '' });
	else clientCredentials(ex, splitScopes(params.get('scope') ?? ''));
}

function exchangeGrantCode(ex: Exchange, options: { client: ClientState; code: string }): void {
	const grant = ex.dc.grantCodes.get(options.code);
	if (!grant || grant.clientId !== options.client.clientId) {
		refuse(ex, { outcome: 'authorization_code:invalid_code', body: { error: 'invalid_code' } });
		return;
	}
	// Used or expired, a code is gone for good.
	ex.dc.grantCodes.delete(grant.code);
	if (grant.expiresAt <= ex.core.now()) {
		refuse(ex, { outcome: 'authorization_code:invalid_code', body: { error: 'invalid_code' } });
		return;
	}
	const refreshState = createRefreshToken(ex.core, ex.dc, {
		clientId: grant.clientId,
		scopes: grant.scopes,
	});
	const access = mintAccessToken(ex.core, ex.dc, refreshState);
	if (!access) throw new Error('a new refresh token cannot be throttled');
	ex.core.counters.recordTokenOutcome('authorization_code:success');
	ex.json(200, { ...tokenAnswer(ex, access), refresh_token: refreshState.token });
}

function refresh(ex: Exchange, options: { client: ClientState; token: string }): void {
	const refreshState = ex.dc.refreshTokens.get(options.token);
	if (!refreshState || refreshState.clientId !== options.client.clientId) {
		refuse(ex, { outcome: 'refresh_token:invalid_code', body: { error: 'invalid_code' } });
		return;
	}
	const access = mintAccessToken(ex.core, ex.dc, refreshState);
	if (!access) {
		refuse(ex, {
			outcome: 'throttled',
			body: { error: 'Access Denied', error_description: THROTTLE_DESCRIPTION },
		});
		return;
	}
	ex.core.counters.recordTokenOutcome('refresh_token:success');
	ex.json(200, tokenAnswer(ex, access));
}

function clientCredentials(ex: Exchange, scopes: string[]): void {
	const access = issueAccessToken(ex.core, ex.dc, { scopes });
	ex.core.counters.recordTokenOutcome('client_credentials:success');
	ex.json(200, tokenAnswer(ex, access));
}

function tokenAnswer(ex: Exchange, access: AccessTokenState): Record<string, unknown> {
	const lifetime = ex.core.config.tokenLifetimeSec;
	const common = {
		access_token: access.token,
		api_domain: ex.core.apiDomain(ex.dc.id),
		token_type: 'Bearer',
	};
	if (ex.core.config.legacyExpiresShape)
		return { ...common, expires_in_sec: lifetime, expires_in: lifetime * 1000 };
	return { ...common, expires_in: lifetime, scope: access.scopes.join(' ') };
}

function refuse(ex: Exchange, options: { outcome: string; body: Record<string, string> }): void {
	ex.core.counters.recordTokenOutcome(options.outcome);
	ex.json(200, options.body);
}

/** Zoho accepts scopes separated by commas or spaces. */
export function splitScopes(value: string): string[] {
	return value.split(/[\s,]+/).filter((scope) => scope.length > 0);
}

export function handleRevoke(ex: Exchange): void {
	if (ex.method !== 'POST') {
		ex.json(405, { error: 'invalid_request', error_description: 'use POST' });
		return;
	}
	const token = formParams(ex).get('token') ?? '';
	if (!revokeRefreshToken(ex.dc, token)) {
		ex.json(400, { error: 'invalid_token' });
		return;
	}
	ex.core.counters.recordRevoke();
	ex.json(200, { status: 'success' });
}
