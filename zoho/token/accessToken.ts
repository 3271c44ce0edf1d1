/** A credential's access token as the process holds it: the token, where its APIs live, and when it expires. */
import type { TokenTimes } from './expiry';

export interface AccessToken extends TokenTimes {
	accessToken: string;
	/** Where this token's APIs live, from the token answer (falls back to the data centre's default). */
	apiDomain: string;
	tokenType: string;
	/** Scopes, when Zoho said them. */
	scopes?: string[];
}

/** What a grant-code exchange yields: an access token and the refresh token it came with. */
export interface GrantExchangeResult extends AccessToken {
	refreshToken: string;
}
