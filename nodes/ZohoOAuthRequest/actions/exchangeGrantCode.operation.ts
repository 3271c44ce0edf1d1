/**
 * Exchange Grant Code: a Self Client grant code (one-time, 3–10 minutes) into a
 * refresh token. Works with a credential whose Refresh Token is still empty.
 */
import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { secondsLeft } from '../../../zoho/token/expiry';
import { requiredText } from '../../shared/parameters';
import type { ItemInput } from './types';

export const option = {
	name: 'Exchange Grant Code',
	value: 'exchangeGrantCode',
	action: 'Exchange a grant code for a refresh token',
	description: 'Turn a one-time Self Client grant code into a refresh token for the credential',
};

export const properties: INodeProperties[] = [
	{
		displayName: 'Grant Code',
		name: 'grantCode',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		required: true,
		placeholder: '1000.xxxxxxxx.xxxxxxxx',
		description:
			'From the Zoho API Console: Self Client → Generate Code, with your scopes (e.g. ZohoCRM.modules.ALL). It works once and expires in 3–10 minutes, so run this right after generating it.',
		hint: 'Works once, within 3–10 minutes of Generate Code. Then copy refresh_token from the output into the credential.',
	},
];

export async function execute(input: ItemInput): Promise<INodeExecutionData[]> {
	const { param, runtime, scope } = input;
	const code = requiredText(param('grantCode', ''), {
		field: 'Grant Code',
		hint: 'In the Zoho API Console open your Self Client, choose Generate Code with the scopes you need, and paste the code here within its lifetime (3–10 minutes).',
	});
	const { credentials } = await input.credentials.read({ requireRefreshToken: false });
	const result = await runtime.auth.exchangeGrantCode(credentials, { ...scope, code });
	return [
		{
			json: {
				refresh_token: result.refreshToken,
				access_token: result.accessToken,
				api_domain: result.apiDomain,
				scope: result.scopes?.join(' ') ?? '',
				token_type: result.tokenType,
				expires_at: new Date(result.expiresAt).toISOString(),
				expires_in_s: secondsLeft(result, runtime.clock.now()),
				next_step:
					'Copy refresh_token into the Refresh Token field of your "Zoho Self Client API" credential and save it. It does not expire until revoked; then remove this node or its grant code.',
			},
		},
	];
}
