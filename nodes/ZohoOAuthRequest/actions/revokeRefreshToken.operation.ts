/** Revoke Refresh Token: revokes the credential's refresh token at Zoho and drops its cached tokens. */
import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { ItemInput } from './types';

export const option = {
	name: 'Revoke Refresh Token',
	value: 'revokeRefreshToken',
	action: 'Revoke the refresh token',
	description: "Revoke the credential's refresh token at Zoho and forget its cached tokens",
};

export const properties: INodeProperties[] = [
	{
		displayName:
			"This revokes the credential's refresh token at Zoho, together with every access token made from it. Workflows using this credential stop working until you put a new refresh token into it.",
		name: 'revokeNotice',
		type: 'notice',
		default: '',
	},
];

export async function execute(input: ItemInput): Promise<INodeExecutionData[]> {
	const { credentials } = await input.credentials.read();
	await input.runtime.auth.revoke(credentials, input.scope);
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
