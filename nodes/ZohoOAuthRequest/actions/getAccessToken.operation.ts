/**
 * Get Access Token: a valid token for later steps (n8n's HTTP Request node, a
 * Code node, another system): the refresh-then-call chain, minting only when needed.
 */
import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { describeToken } from '../../../zoho/token/accessToken';
import type { ItemInput } from './types';

export const option = {
	name: 'Get Access Token',
	value: 'getAccessToken',
	action: 'Get a valid access token',
	description: 'Output a valid access token (cached, refreshed only when needed) for later steps',
};

export const properties: INodeProperties[] = [
	{
		displayName: 'Force Refresh',
		name: 'forceRefresh',
		type: 'boolean',
		default: false,
		description:
			'Whether to mint a new token even if the cached one is still valid. Zoho allows 10 new tokens per refresh token in 10 minutes, so leave this off in workflows that run often.',
	},
];

export async function execute(input: ItemInput): Promise<INodeExecutionData[]> {
	const { param, runtime, scope } = input;
	const forceRefresh = param('forceRefresh', false) === true;
	const { credentials, saved } = await input.credentials.read();
	const token = await runtime.auth.getToken(credentials, { ...scope, saved, forceRefresh });
	return [{ json: describeToken(token, runtime.clock.now()) }];
}
