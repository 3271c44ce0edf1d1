import type { IExecuteFunctions } from 'n8n-workflow';

import { parseCredentials, savedToken, type ZohoCredentials } from '../../../zoho/credentials';
import type { AccessToken } from '../../../zoho/tokenClient';

export const CREDENTIAL_TYPE = 'zohoSelfClientApi';

export interface NodeCredentials {
	credentials: ZohoCredentials;
	/** The token n8n saved in the credential (by preAuthentication), if complete. */
	saved?: AccessToken;
}

export async function readCredentials(
	ctx: IExecuteFunctions,
	options: { itemIndex: number; requireRefreshToken?: boolean },
): Promise<NodeCredentials> {
	const raw = await ctx.getCredentials(CREDENTIAL_TYPE, options.itemIndex);
	const credentials = parseCredentials(raw, { requireRefreshToken: options.requireRefreshToken });
	return { credentials, saved: savedToken(raw) };
}
