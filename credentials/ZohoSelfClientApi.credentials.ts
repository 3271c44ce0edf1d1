import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	INodeProperties,
} from 'n8n-workflow';

import { plainError } from '../nodes/shared/nodeErrors';
import { DATA_CENTRES, type DataCentreId } from '../zoho/dataCentres';
import { preAuthenticate } from './preAuthenticate';

const dataCentreOptions = (Object.keys(DATA_CENTRES) as DataCentreId[]).map((id) => ({
	name: DATA_CENTRES[id].name,
	value: id,
	description: DATA_CENTRES[id].accountsUrl,
}));

export class ZohoSelfClientApi implements ICredentialType {
	name = 'zohoSelfClientApi';

	displayName = 'Zoho Self Client API';

	icon = { light: 'file:zoho.svg', dark: 'file:zoho.dark.svg' } as const;

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-zoho-oauth#zoho-self-client-set-up';

	properties: INodeProperties[] = [
		{
			displayName: 'Data Centre',
			name: 'dataCentre',
			type: 'options',
			options: [
				...dataCentreOptions,
				{
					name: 'Custom Accounts URL',
					value: 'custom',
					description:
						'An accounts server given by its URL: a data centre not listed here, or a local Zoho simulator',
				},
			],
			default: 'us',
			description:
				'Where your Zoho account lives: the domain you log in at (accounts.zoho.eu → Europe). A Self Client works only in its own data centre.',
			hint: 'The one whose domain you log in at, e.g. accounts.zoho.eu → Europe (zoho.eu)',
		},
		{
			displayName: 'Custom Accounts URL',
			name: 'customAccountsUrl',
			type: 'string',
			default: '',
			placeholder: 'https://accounts.zoho.com',
			description:
				'Base URL of the accounts server that mints the tokens (its /oauth/v2/token). https only; http is accepted for 127.0.0.1 and localhost, e.g. the Zoho simulator at http://127.0.0.1:8917.',
			displayOptions: { show: { dataCentre: ['custom'] } },
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '1000.XXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
			description:
				'From the Zoho API Console of your data centre (api-console.zoho.com, .eu, .in …): Self Client → Client Secret tab',
			hint: 'In the Zoho API Console: Self Client → Client Secret tab (the Client Secret is there too)',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'From the Zoho API Console, next to the Client ID: Self Client → Client Secret tab',
		},
		{
			displayName: 'Refresh Token',
			name: 'refreshToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Long-lived token made from a Self Client grant code. No refresh token yet? Leave this empty, save, and run the Zoho OAuth Request node with the operation "Exchange Grant Code"; then paste the refresh token it returns here.',
			hint: 'None yet? Leave it empty, save, and run the Zoho OAuth Request node with Exchange Grant Code',
		},
		{
			displayName: 'Concurrency Limit',
			name: 'concurrencyLimit',
			type: 'options',
			options: [
				{
					name: 'No Limit',
					value: 'none',
					description:
						"Calls go out as the nodes send them (Max Concurrent Requests per run); above your edition's limit Zoho answers 429",
				},
				{ name: 'Free Edition (5 at Once)', value: 'free' },
				{ name: 'Standard Edition (10 at Once)', value: 'standard' },
				{ name: 'Professional Edition (15 at Once)', value: 'professional' },
				{ name: 'Enterprise Edition (20 at Once)', value: 'enterprise' },
				{ name: 'Ultimate Edition (25 at Once)', value: 'ultimate' },
				{
					name: 'Custom',
					value: 'custom',
					description: 'A number of your own, e.g. a share of the limit left for other apps',
				},
			],
			default: 'none',
			description:
				"Zoho's limit of API calls in flight at once for your organisation and app. Kept across every node, execution and, with a shared token store (queue mode), every n8n process: a call waits for a free slot within its Timeout instead of drawing a 429.",
		},
		{
			displayName: 'Custom Concurrency Limit',
			name: 'customConcurrencyLimit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 5,
			description: 'How many API calls may be in flight at Zoho at once with this credential',
			displayOptions: { show: { concurrencyLimit: ['custom'] } },
		},
		// Filled by preAuthentication and saved by n8n, so every process can reuse the token.
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Access Token Expires At',
			name: 'accessTokenExpiresAt',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Access Token Issued At',
			name: 'accessTokenIssuedAt',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'API Domain',
			name: 'apiDomain',
			type: 'hidden',
			default: '',
		},
	];

	async preAuthentication(
		this: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
	): Promise<IDataObject> {
		try {
			return await preAuthenticate(credentials);
		} catch (error) {
			throw plainError(error);
		}
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Zoho-oauthtoken {{$credentials.accessToken}}',
			},
		},
	};
}
