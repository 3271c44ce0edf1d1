/**
 * Zoho's token endpoint answers failures with HTTP 200 and `{error: "..."}`.
 * This maps each known value to a typed error that says what to fix.
 */
import { ZohoAuthError, type ZohoErrorCode } from '../errors';

export type TokenOperation = 'refresh' | 'exchange';

const THROTTLE_WINDOW_MS = 10 * 60_000;

export function tokenEndpointError(options: {
	error: string;
	description?: string;
	operation: TokenOperation;
	accountsUrl: string;
	now: number;
}): ZohoAuthError {
	const { error, description, operation, accountsUrl, now } = options;
	const zoho = { zohoCode: error, zohoMessage: description, url: `${accountsUrl}/oauth/v2/token` };
	const make = (
		code: ZohoErrorCode,
		message: string,
		hint: string,
		more: { field?: string; retryAfterMs?: number } = {},
	) => new ZohoAuthError(code, message, { ...zoho, ...more, hint, httpStatus: 200 });

	switch (error.toLowerCase()) {
		case 'invalid_client':
			return make(
				'INVALID_CLIENT',
				`Zoho's accounts server ${accountsUrl} does not know this Client ID (invalid_client).`,
				'A Self Client exists only in the data centre where it was created. Check the Data Centre field ' +
					'(accounts.zoho.eu for EU accounts, accounts.zoho.in for India, …) and that the Client ID was copied whole.',
				{ field: 'Data Centre' },
			);
		case 'invalid_client_secret':
			return make(
				'INVALID_CLIENT_SECRET',
				'Zoho rejected the Client Secret (invalid_client_secret).',
				'Copy the Client Secret again from the Zoho API Console (Self Client → Client Secret tab) into the credential.',
				{ field: 'Client Secret' },
			);
		case 'invalid_code':
			return operation === 'exchange'
				? make(
						'INVALID_GRANT_CODE',
						'Zoho rejected the grant code (invalid_code): it has expired or was already used.',
						'Grant codes live 3–10 minutes and work once. In the Zoho API Console open the Self Client, ' +
							'Generate Code with your scopes, and exchange the new code right away.',
						{ field: 'Grant Code' },
					)
				: make(
						'INVALID_REFRESH_TOKEN',
						'Zoho rejected the Refresh Token (invalid_code): it was revoked, mistyped, or belongs to another client or data centre.',
						'Check that the Refresh Token, Client ID and Data Centre come from the same Self Client. If it was revoked, ' +
							'generate a new grant code in the Zoho API Console, exchange it (operation Exchange Grant Code) and paste the new refresh token into the credential.',
						{ field: 'Refresh Token' },
					);
		case 'invalid_redirect_uri':
			return make(
				'INVALID_REDIRECT_URI',
				'Zoho rejected the redirect URI (invalid_redirect_uri).',
				'This client is not a Self Client, or its registered redirect URI differs. Use a Self Client from the Zoho API Console.',
				{ field: 'Client ID' },
			);
		case 'access denied':
		case 'access_denied':
			return make(
				'TOKEN_THROTTLED',
				`Zoho refused to issue an access token: too many token requests for this refresh token (${error}).`,
				'Zoho allows 10 access tokens per refresh token in any 10 minutes. Retry after ' +
					`${new Date(now + THROTTLE_WINDOW_MS).toISOString()} at the latest, and make sure no other script or workflow refreshes with the same refresh token on every run ` +
					'(this node caches tokens and reuses them for an hour).',
				{ retryAfterMs: THROTTLE_WINDOW_MS },
			);
		case 'missing_org_info':
			return make(
				'MISSING_ORG_INFO',
				'Zoho needs the organisation for this grant (missing_org_info).',
				'The client-credentials flow needs the organisation id (soid); a Self Client refresh token does not.',
			);
		default:
			return make(
				'TOKEN_REQUEST_FAILED',
				`Zoho's token endpoint answered "${error}"${description ? `: ${description}` : ''}.`,
				'Check the credential fields against the Self Client in the Zoho API Console.',
			);
	}
}
