/** A credential's access token as the process holds it: the token, where its APIs live, and when it expires. */
import { secondsLeft, type TokenTimes } from './expiry';

export interface AccessToken extends TokenTimes {
	accessToken: string;
	/** Where this token's APIs live, from the token answer (falls back to the data centre's default). */
	apiDomain: string;
	tokenType: string;
	/** Scopes, when Zoho said them. */
	scopes?: string[];
}

/** What a grant-code exchange yields: an access token and the refresh token it came with. */
export type GrantExchangeResult = AccessToken & { refreshToken: string };

/** A token as Get Access Token outputs it (and index.js's getAccessToken returns it): what a later step sends. */
export type TokenDescription = ReturnType<typeof describeToken>;

export function describeToken(token: AccessToken, now: number) {
	return {
		access_token: token.accessToken,
		token_type: token.tokenType,
		api_domain: token.apiDomain,
		expires_at: new Date(token.expiresAt).toISOString(),
		expires_in_s: secondsLeft(token, now),
		scope: token.scopes?.join(' ') ?? '',
		authorization_header: `Zoho-oauthtoken ${token.accessToken}`,
	};
}
