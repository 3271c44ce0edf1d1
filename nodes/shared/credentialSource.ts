import type { ICredentialDataDecryptedObject, IExecuteFunctions } from 'n8n-workflow';

import { parseCredentials, savedToken, type ZohoCredentials } from '../../zoho/credentials';
import type { AccessToken } from '../../zoho/token/accessToken';

export const CREDENTIAL_TYPE = 'zohoSelfClientApi';

export interface NodeCredentials {
	readonly credentials: ZohoCredentials;
	/** The token n8n saved in the credential (by preAuthentication), if complete. */
	readonly saved?: AccessToken;
}

/**
 * The node's credential, decrypted once per execution (it is the same for every
 * item) and checked per use, so a bad field fails each item with its own error.
 * A successful check is kept for the execution: parsing (URL checks, the cache
 * key's hash) is not repeated for every item.
 */
export class CredentialSource {
	private raw?: Promise<ICredentialDataDecryptedObject>;
	private readonly checked = new Map<boolean, NodeCredentials>();

	/** Any n8n context that reads the node's credential: an execution, or the editor loading options. */
	constructor(private readonly ctx: Pick<IExecuteFunctions, 'getCredentials'>) {}

	async read(options: { requireRefreshToken?: boolean } = {}): Promise<NodeCredentials> {
		this.raw ??= this.ctx.getCredentials(CREDENTIAL_TYPE, 0);
		const raw = await this.raw;
		const requireRefreshToken = options.requireRefreshToken !== false;
		const known = this.checked.get(requireRefreshToken);
		if (known) return known;
		const credentials = parseCredentials(raw, { requireRefreshToken: options.requireRefreshToken });
		const result: NodeCredentials = Object.freeze({ credentials, saved: savedToken(raw) });
		this.checked.set(requireRefreshToken, result);
		return result;
	}
}
