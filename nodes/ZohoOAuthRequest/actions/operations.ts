/**
 * The node's parameters: the operation selector followed by each operation's
 * own properties (shown only for that operation).
 */
import type { INodeProperties } from 'n8n-workflow';

import * as apiRequest from './apiRequest.operation';
import * as exchangeGrantCode from './exchangeGrantCode.operation';
import * as getAccessToken from './getAccessToken.operation';
import * as recordWrite from './recordWrite.operation';
import * as revokeRefreshToken from './revokeRefreshToken.operation';

/** Operations run once per item. */
export const OPERATIONS = { apiRequest, getAccessToken, exchangeGrantCode, revokeRefreshToken };
/** Operations that take every item at once (they batch items into calls) and give one item back per input item. */
export const BATCH_OPERATIONS = { recordWrite };
export type OperationName = keyof typeof OPERATIONS;
export type BatchOperationName = keyof typeof BATCH_OPERATIONS;

export function isOperationName(value: unknown): value is OperationName {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(OPERATIONS, value);
}

export function isBatchOperationName(value: unknown): value is BatchOperationName {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(BATCH_OPERATIONS, value);
}

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'API Request',
			value: 'apiRequest',
			action: 'Make a request',
			description: 'Call any Zoho API (CRM, Books, Desk …) with a cached access token',
		},
		{
			name: 'Create, Update, Upsert or Delete Records',
			value: 'recordWrite',
			action: 'Write records in batches',
			description: 'Write one CRM or Bigin record per item, up to 100 records per API call',
		},
		{
			name: 'Exchange Grant Code',
			value: 'exchangeGrantCode',
			action: 'Exchange a grant code for a refresh token',
			description: 'Turn a one-time Self Client grant code into a refresh token for the credential',
		},
		{
			name: 'Get Access Token',
			value: 'getAccessToken',
			action: 'Get a valid access token',
			description:
				'Output a valid access token (cached, refreshed only when needed) for later steps',
		},
		{
			name: 'Revoke Refresh Token',
			value: 'revokeRefreshToken',
			action: 'Revoke the refresh token',
			description: "Revoke the credential's refresh token at Zoho and forget its cached tokens",
		},
	],
	default: 'apiRequest',
};

export const operationProperties: INodeProperties[] = [
	operation,
	...apiRequest.properties,
	...recordWrite.properties,
	...getAccessToken.properties,
	...exchangeGrantCode.properties,
	...revokeRefreshToken.properties,
];
