/** Revoke Refresh Token: revokes the credential's refresh token at Zoho and drops its cached tokens. */
import type { INodeProperties } from 'n8n-workflow';

import type { OperationInput, OperationOutput } from './types';

export const properties: INodeProperties[] = [
	{
		displayName:
			"This revokes the credential's refresh token at Zoho, together with every access token made from it. Workflows using this credential stop working until you put a new refresh token into it.",
		name: 'revokeNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { operation: ['revokeRefreshToken'] } },
	},
];

export async function execute(input: OperationInput): Promise<OperationOutput> {
	const { credentials } = await input.credentials.read();
	await input.runtime.auth.revoke(credentials, { signal: input.signal });
	return [
		{
			json: {
				revoked: true,
				message:
					'Zoho revoked the refresh token and its access tokens. Generate a new grant code and exchange it to use this credential again.',
			},
		},
	];
}
