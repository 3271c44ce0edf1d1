/**
 * Where the token cache gets a token it does not hold: minted by this process, or shared
 * by the fleet (a Redis store). runtime.ts picks the one the environment asks for.
 */
import type { ZohoCredentials } from '../../credentials';
import type { Logger } from '../../logger';
import type { AccessToken } from '../accessToken';

/** Whose token, and where to tell what goes wrong with the store. */
interface SourceCall {
	credentials: ZohoCredentials;
	logger?: Logger;
}

export interface ObtainOptions extends SourceCall {
	/** Asks Zoho for a new token. */
	mint: (signal: AbortSignal) => Promise<AccessToken>;
	signal: AbortSignal;
	/** Mint even if a fresh shared token exists (the node's Force Refresh, the credential test). */
	force?: boolean;
}

/** Zoho answered 401 with `token`. */
export type RefusedOptions = SourceCall & { token: AccessToken };
/** Forget the shared token: only if it is `accessToken` when given. */
export type DiscardOptions = SourceCall & { accessToken?: string };

export interface TokenSource {
	/** A fresh token: one shared by another process, or one minted now. */
	obtain(options: ObtainOptions): Promise<AccessToken>;
	/** Zoho answered 401 with `token`: forget it where it is still the one held, and count a refusal of a fresh token. */
	refused(options: RefusedOptions): Promise<void>;
	/** Forget the shared token: only if it is `accessToken` when given, else whatever is held. */
	discard(options: DiscardOptions): Promise<void>;
	close(): Promise<void>;
}
