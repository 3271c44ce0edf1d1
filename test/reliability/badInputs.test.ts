/**
 * Bad inputs, one table row each: a wrong credential field or a wrong node parameter.
 * Each must fail with a NodeOperationError (or NodeApiError, when only Zoho can tell)
 * whose message names the field and whose description says the fix, before anything
 * is sent where nothing should be. With Continue On Fail, a run that mixes good and bad
 * items gives one error item for each bad one, in place, and leaves the good ones alone.
 * Every run is scanned for secrets (secrets.test.ts checks the scanner itself).
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	ALL_SCOPES,
	findLeaks,
	installLogCapture,
	ORG_ID,
	runTexts,
	startRelKit,
	takeLogLines,
	writeSummarySection,
	type RelKit,
	type ScanTarget,
	type SelfClient,
} from './support';

let kit: RelKit;
let client: SelfClient;
let leadId = '';

beforeAll(async () => {
	installLogCapture();
	// Runs start from a cold token cache to count token requests exactly: lift Zoho's mint throttle (faults.test.ts covers it).
	kit = await startRelKit({ sim: { mintLimit: 100_000 } });
	client = kit.newClient({ scopes: [...ALL_SCOPES, 'Desk.tickets.READ'] });
	leadId = kit.sim.seedCrm('us', { module: 'Leads', count: 1 })[0] ?? '';
	kit.sim.seedBooks('us', { organizationId: ORG_ID, collection: 'invoices', count: 3 });
});
afterAll(async () => {
	await kit.close();
	await writeSummarySection('badInputs', summary());
});
beforeEach(() => {
	kit.sim.clearFaults();
	kit.useCredential(client.data);
});

// ---------------------------------------------------------------------------------------
// The table

interface Expected {
	class: 'NodeOperationError' | 'NodeApiError';
	/** Exact message, or a pattern where it carries a port or an item index. */
	message: string | RegExp;
	/** A piece of the description: the fix. */
	fix: string;
	/** Token requests a single bad item causes (0: refused before anything was sent). */
	tokenRequests: number;
}

interface Row {
	name: string;
	/** The field as the user sees it; the message must name it. */
	field: string;
	existing?: string;
	expected: Expected;
}

/** A credential field: every item of the run shares it. */
interface CredentialRow extends Row {
	kind: 'credential';
	change: (client: SelfClient) => Record<string, string>;
	parameters?: IDataObject;
}

/** A node parameter whose value comes from the item (`$json.v`), so good and bad items can mix. */
interface ParameterRow extends Row {
	kind: 'parameter';
	parameters: IDataObject;
	good: () => unknown | Promise<unknown>;
	bad: () => unknown | Promise<unknown>;
	/** The item for a value; default `{ json: { v: value } }`. */
	item?: (value: unknown, good: boolean) => INodeExecutionData;
	/** Read once per execution from the first item: a bad value fails the whole node. */
	nodeLevel?: boolean;
}

type BadInputRow = CredentialRow | ParameterRow;

const GET_ORG: IDataObject = { operation: 'apiRequest', method: 'GET', path: '/org' };
/** A CRM list as Zoho takes it from v3 on: with `fields`. */
const LEADS_FIELDS: IDataObject = {
	path: '/Leads',
	sendQuery: true,
	queryParameters: { parameters: [{ name: 'fields', value: 'Last_Name' }] },
};
const V = '={{ $json.v }}';

const credentialRow = (row: Omit<CredentialRow, 'kind'>): CredentialRow => ({
	kind: 'credential',
	...row,
});
const parameterRow = (row: Omit<ParameterRow, 'kind'>): ParameterRow => ({
	kind: 'parameter',
	...row,
});
const refused = (message: string | RegExp, fix: string, tokenRequests = 0): Expected => ({
	class: 'NodeOperationError',
	message,
	fix,
	tokenRequests,
});

const CLIENT_ID_FIX = 'Copy the Client ID from the Zoho API Console';
const SECRET_FIX = 'Copy the Client Secret from the Zoho API Console';
const REFRESH_FIX = 'exchange it with the operation "Exchange Grant Code"';
const PASTE_FIX = 'exactly as the Zoho API Console shows it';
const URL_FIX = 'Enter a full URL starting with https://';

const CREDENTIAL_ROWS: CredentialRow[] = [
	credentialRow({
		name: 'empty Client ID',
		field: 'Client ID',
		existing: 'test/credentials/ZohoSelfClientApi.test.ts › an empty client id',
		change: () => ({ clientId: '' }),
		expected: refused('Client ID is empty.', CLIENT_ID_FIX),
	}),
	credentialRow({
		name: 'whitespace-only Client ID',
		field: 'Client ID',
		change: () => ({ clientId: ' \t ' }),
		expected: refused('Client ID is empty.', CLIENT_ID_FIX),
	}),
	credentialRow({
		name: 'Client ID with a space inside',
		field: 'Client ID',
		change: (c) => ({ clientId: `${c.clientId.slice(0, 10)} ${c.clientId.slice(10)}` }),
		expected: refused('Client ID contains spaces or line breaks.', PASTE_FIX),
	}),
	credentialRow({
		name: 'empty Client Secret',
		field: 'Client Secret',
		change: () => ({ clientSecret: '' }),
		expected: refused('Client Secret is empty.', SECRET_FIX),
	}),
	credentialRow({
		name: 'whitespace-only Client Secret',
		field: 'Client Secret',
		change: () => ({ clientSecret: '   ' }),
		expected: refused('Client Secret is empty.', SECRET_FIX),
	}),
	credentialRow({
		name: 'Client Secret with a line break inside',
		field: 'Client Secret',
		change: (c) => ({
			clientSecret: `${c.clientSecret.slice(0, 20)}\n${c.clientSecret.slice(20)}`,
		}),
		expected: refused('Client Secret contains spaces or line breaks.', PASTE_FIX),
	}),
	credentialRow({
		name: 'empty Refresh Token',
		field: 'Refresh Token',
		existing:
			'test/credentials/ZohoSelfClientApi.test.ts › an empty field: Error naming it (Test button)',
		change: () => ({ refreshToken: '' }),
		expected: refused('Refresh Token is empty.', REFRESH_FIX),
	}),
	credentialRow({
		name: 'whitespace-only Refresh Token',
		field: 'Refresh Token',
		change: () => ({ refreshToken: '\n  ' }),
		expected: refused('Refresh Token is empty.', REFRESH_FIX),
	}),
	credentialRow({
		name: 'Refresh Token pasted in two pieces',
		field: 'Refresh Token',
		change: (c) => ({ refreshToken: c.refreshToken.replace('.', '. ') }),
		expected: refused('Refresh Token contains spaces or line breaks.', PASTE_FIX),
	}),
	credentialRow({
		name: 'empty Refresh Token with Get Access Token',
		field: 'Refresh Token',
		change: () => ({ refreshToken: '' }),
		parameters: { operation: 'getAccessToken' },
		expected: refused('Refresh Token is empty.', REFRESH_FIX),
	}),
	credentialRow({
		name: 'unknown data centre',
		field: 'Data Centre',
		existing: 'test/zoho/dataCentres.test.ts › refuses an unknown data centre',
		change: () => ({ dataCentre: 'mars' }),
		expected: refused(
			'Unknown data centre "mars".',
			'Pick one of United States (zoho.com), Europe (zoho.eu)',
		),
	}),
	credentialRow({
		name: 'empty Custom Accounts URL',
		field: 'Custom Accounts URL',
		change: () => ({ customAccountsUrl: '' }),
		expected: refused(
			'Custom Accounts URL is empty.',
			'Enter the accounts server of your Zoho data centre',
		),
	}),
	credentialRow({
		name: 'malformed Custom Accounts URL',
		field: 'Custom Accounts URL',
		change: () => ({ customAccountsUrl: 'accounts zoho com' }),
		expected: refused('Custom Accounts URL "accounts zoho com" is not a valid URL.', URL_FIX),
	}),
	credentialRow({
		name: 'Custom Accounts URL that is not http(s)',
		field: 'Custom Accounts URL',
		change: () => ({ customAccountsUrl: 'ftp://accounts.zoho.com' }),
		expected: refused(
			'Custom Accounts URL must use https (got ftp).',
			'plain http is only accepted for loopback hosts',
		),
	}),
	credentialRow({
		name: 'Custom Accounts URL over http to a non-loopback host',
		field: 'Custom Accounts URL',
		existing: 'test/credentials/ZohoSelfClientApi.test.ts › an http custom URL',
		change: () => ({ customAccountsUrl: 'http://accounts.zoho.com' }),
		expected: refused(
			'Custom Accounts URL must use https (got http).',
			'plain http is only accepted for loopback hosts',
		),
	}),
	credentialRow({
		name: 'Custom Accounts URL with a user name and password in it',
		field: 'Custom Accounts URL',
		change: () => ({ customAccountsUrl: 'https://me:pass@accounts.zoho.com' }),
		expected: refused(
			'Custom Accounts URL must not contain a user name, password, query string or fragment.',
			'Enter only the server address',
		),
	}),
	credentialRow({
		name: 'a refresh token already revoked, with Revoke Refresh Token',
		field: 'Refresh Token',
		change: () => {
			const revoked = kit.sim.createRefreshToken('us', {
				clientId: client.clientId,
				scopes: ['ZohoCRM.modules.ALL'],
			});
			kit.sim.revokeRefreshToken('us', revoked);
			return { refreshToken: revoked };
		},
		parameters: { operation: 'revokeRefreshToken' },
		expected: {
			class: 'NodeApiError',
			message: 'Zoho did not revoke the refresh token (HTTP 400, invalid_token).',
			fix: 'Nothing is left to revoke.',
			tokenRequests: 0,
		},
	}),
];

const JSON_FIX = 'Check quotes, commas and brackets';
const POSITIVE = (field: string, got: string) =>
	refused(
		`${field} must be a whole number of 1 or more (got ${got}).`,
		`Enter a positive whole number in ${field}.`,
	);
const withOption = (name: string, extra: IDataObject = {}): IDataObject => ({
	...GET_ORG,
	...extra,
	options: { [name]: V },
});
const bodyJson = (jsonBody: string): IDataObject => ({
	operation: 'apiRequest',
	method: 'POST',
	path: '/Leads',
	sendBody: true,
	bodyContentType: 'json',
	jsonBody,
});
const newLead = JSON.stringify({ data: [{ Last_Name: 'Input' }] });

const grantCodeRow = (row: {
	name: string;
	bad: () => unknown | Promise<unknown>;
	expected: Expected;
	existing?: string;
}): ParameterRow =>
	parameterRow({
		...row,
		field: 'Grant Code',
		parameters: { operation: 'exchangeGrantCode', grantCode: V },
		good: () =>
			kit.sim.createGrantCode('us', { clientId: client.clientId, scopes: ['ZohoCRM.modules.ALL'] }),
	});
const GRANT_FIX = 'Grant codes live 3–10 minutes and work once.';
const grantRefused = (tokenRequests: number): Expected => ({
	class: 'NodeApiError',
	message: 'Zoho rejected the grant code (invalid_code): it has expired or was already used.',
	fix: GRANT_FIX,
	tokenRequests,
});

const PARAMETER_ROWS: ParameterRow[] = [
	parameterRow({
		name: 'a path without a leading slash',
		field: 'Path or URL',
		existing:
			'test/nodes/failures.test.ts › with Continue On Fail, every input item yields exactly one output item',
		parameters: { ...GET_ORG, path: V },
		good: () => '/org',
		bad: () => 'org',
		expected: refused('Path or URL "org" must start with "/".', 'Write it as "/org"'),
	}),
	parameterRow({
		name: 'an empty path',
		field: 'Path or URL',
		parameters: { ...GET_ORG, path: V },
		good: () => '/org',
		bad: () => '  ',
		expected: refused('Path or URL is empty.', 'Enter a path such as /Leads'),
	}),
	parameterRow({
		name: 'a URL that is not http(s)',
		field: 'Path or URL',
		parameters: { ...GET_ORG, path: V },
		good: () => '/org',
		bad: () => 'ftp://www.zohoapis.com/crm/v8/org',
		expected: refused(
			'Path or URL "ftp://www.zohoapis.com/crm/v8/org" is not a valid http(s) URL.',
			URL_FIX,
		),
	}),
	parameterRow({
		name: 'a full URL to a non-Zoho host (the simulator under another name)',
		field: 'Path or URL',
		existing: 'test/nodes/failures.test.ts › refuses a full URL to a non-Zoho host before sending',
		parameters: { ...GET_ORG, path: V },
		good: () => '/org',
		bad: () => `${kit.sim.url('us').replace('127.0.0.1', 'localhost')}/crm/v8/org`,
		expected: refused(
			/^Refused to send the Zoho access token to http:\/\/localhost:\d+ \(Path or URL\): not a Zoho host of this credential's data centre\.$/,
			'add it under Options → Allowed Hosts',
			1,
		),
	}),
	parameterRow({
		name: 'a full https URL to a non-Zoho host',
		field: 'Path or URL',
		parameters: { ...GET_ORG, path: V },
		good: () => '/org',
		bad: () => 'https://collector.example.com/crm/v8/org',
		expected: refused(
			"Refused to send the Zoho access token to https://collector.example.com (Path or URL): not a Zoho host of this credential's data centre.",
			'add it under Options → Allowed Hosts',
			1,
		),
	}),
	parameterRow({
		name: 'invalid JSON body',
		field: 'JSON Body',
		parameters: bodyJson(V),
		good: () => newLead,
		bad: () => '{ "data": [ { "Last_Name": "Smith" } ',
		expected: refused(/^JSON Body is not valid JSON \(.+\)\.$/, JSON_FIX),
	}),
	parameterRow({
		name: 'empty JSON body with Send Body on',
		field: 'JSON Body',
		parameters: bodyJson(V),
		good: () => newLead,
		bad: () => ' ',
		expected: refused('JSON Body is empty.', 'Enter the JSON to send, or turn Send Body off.'),
	}),
	parameterRow({
		name: 'invalid header JSON',
		field: 'JSON Header',
		parameters: { ...GET_ORG, sendHeaders: true, specifyHeader: 'json', jsonHeader: V },
		good: () => '{ "X-Test": "1" }',
		bad: () => '{ "X-Test": }',
		expected: refused(/^JSON Header is not valid JSON \(.+\)\.$/, JSON_FIX),
	}),
	parameterRow({
		name: 'header JSON that is an array',
		field: 'JSON Header',
		parameters: { ...GET_ORG, sendHeaders: true, specifyHeader: 'json', jsonHeader: V },
		good: () => '{ "X-Test": "1" }',
		bad: () => '[ "X-Test" ]',
		expected: refused(
			'JSON Header must be a JSON object of names to values.',
			'Write it like { "name": "value" }.',
		),
	}),
	parameterRow({
		name: 'invalid query JSON',
		field: 'JSON Query',
		parameters: { ...GET_ORG, path: '/Leads', sendQuery: true, specifyQuery: 'json', jsonQuery: V },
		good: () => '{ "fields": "Last_Name" }',
		bad: () => "{ 'fields': 'Last_Name' }",
		expected: refused(/^JSON Query is not valid JSON \(.+\)\.$/, JSON_FIX),
	}),
	parameterRow({
		name: 'a query parameter with a value but no name',
		field: 'Query Parameters',
		parameters: {
			...GET_ORG,
			path: '/Leads',
			sendQuery: true,
			specifyQuery: 'keypair',
			queryParameters: { parameters: [{ name: V, value: 'Last_Name' }] },
		},
		good: () => 'fields',
		bad: () => '',
		expected: refused(
			'Query Parameters: row 1 has a value but no name.',
			'Give it a name or remove the row.',
		),
	}),
	parameterRow({
		name: 'a header with a value but no name',
		field: 'Header Parameters',
		parameters: {
			...GET_ORG,
			sendHeaders: true,
			specifyHeader: 'keypair',
			headerParameters: { parameters: [{ name: V, value: 'x' }] },
		},
		good: () => 'X-Test',
		bad: () => ' ',
		expected: refused(
			'Header Parameters: row 1 has a value but no name.',
			'Give it a name or remove the row.',
		),
	}),
	parameterRow({
		name: 'Limit 0',
		field: 'Limit',
		parameters: withOption('limit', LEADS_FIELDS),
		good: () => 1,
		bad: () => 0,
		expected: POSITIVE('Limit', '0'),
	}),
	parameterRow({
		name: 'Limit negative',
		field: 'Limit',
		parameters: withOption('limit', LEADS_FIELDS),
		good: () => 1,
		bad: () => -5,
		expected: POSITIVE('Limit', '-5'),
	}),
	parameterRow({
		name: 'Limit not a number',
		field: 'Limit',
		parameters: withOption('limit', LEADS_FIELDS),
		good: () => 1,
		bad: () => 'ten',
		expected: POSITIVE('Limit', '"ten"'),
	}),
	parameterRow({
		name: 'Limit not whole',
		field: 'Limit',
		parameters: withOption('limit', LEADS_FIELDS),
		good: () => 1,
		bad: () => 2.5,
		expected: POSITIVE('Limit', '2.5'),
	}),
	parameterRow({
		name: 'Timeout 0',
		field: 'Timeout',
		parameters: withOption('timeout'),
		good: () => 5_000,
		bad: () => 0,
		expected: POSITIVE('Timeout', '0'),
	}),
	parameterRow({
		name: 'Timeout negative',
		field: 'Timeout',
		parameters: withOption('timeout'),
		good: () => 5_000,
		bad: () => -1,
		expected: POSITIVE('Timeout', '-1'),
	}),
	parameterRow({
		name: 'Timeout not a number',
		field: 'Timeout',
		existing:
			'test/nodes/failures.test.ts › rejects zero, negative and non-numeric limits and concurrency',
		parameters: withOption('timeout'),
		good: () => 5_000,
		bad: () => 'soon',
		expected: POSITIVE('Timeout', '"soon"'),
	}),
	parameterRow({
		name: 'Max Concurrent Requests 0',
		field: 'Max Concurrent Requests',
		existing:
			'test/nodes/failures.test.ts › rejects zero, negative and non-numeric limits and concurrency',
		nodeLevel: true,
		parameters: withOption('maxConcurrency'),
		good: () => 2,
		bad: () => 0,
		expected: POSITIVE('Max Concurrent Requests', '0'),
	}),
	parameterRow({
		name: 'Max Concurrent Requests negative',
		field: 'Max Concurrent Requests',
		nodeLevel: true,
		parameters: withOption('maxConcurrency'),
		good: () => 2,
		bad: () => -3,
		expected: POSITIVE('Max Concurrent Requests', '-3'),
	}),
	parameterRow({
		name: 'Max Concurrent Requests not a number',
		field: 'Max Concurrent Requests',
		nodeLevel: true,
		parameters: withOption('maxConcurrency'),
		good: () => 2,
		bad: () => 'many',
		expected: POSITIVE('Max Concurrent Requests', '"many"'),
	}),
	parameterRow({
		name: 'a multipart file from a binary property the item does not have',
		field: 'Input Binary Field',
		parameters: {
			operation: 'apiRequest',
			method: 'POST',
			path: `/Leads/${'{{LEAD}}'}/Attachments`,
			sendBody: true,
			bodyContentType: 'multipart',
			multipartParameters: {
				parameters: [{ parameterType: 'file', name: 'file', inputBinaryField: 'data' }],
			},
		},
		good: () => 'with file',
		bad: () => 'without file',
		item: (value, good) => ({
			json: { v: value as string },
			...(good
				? {
						binary: {
							data: {
								data: Buffer.from('hello').toString('base64'),
								mimeType: 'text/plain',
								fileName: 'hello.txt',
							},
						},
					}
				: {}),
		}),
		expected: refused(
			/^Input item \d+ has no binary field "data" \(Input Binary Field\)\.$/,
			'The input item carries no file.',
		),
	}),
	parameterRow({
		name: 'a multipart field without a name',
		field: 'Multipart Fields',
		parameters: {
			operation: 'apiRequest',
			method: 'POST',
			path: `/Leads/${'{{LEAD}}'}/Attachments`,
			sendBody: true,
			bodyContentType: 'multipart',
			multipartParameters: {
				parameters: [
					{ parameterType: 'text', name: V, value: 'note' },
					{ parameterType: 'file', name: 'file', inputBinaryField: 'data' },
				],
			},
		},
		good: () => 'title',
		bad: () => '',
		item: (value) => ({
			json: { v: value as string },
			binary: {
				data: {
					data: Buffer.from('hello').toString('base64'),
					mimeType: 'text/plain',
					fileName: 'hello.txt',
				},
			},
		}),
		expected: refused('Multipart Fields: field 1 has no name.', 'Give every field a name'),
	}),
	parameterRow({
		name: 'a Books call without organization_id',
		field: 'Organization ID',
		existing: 'test/nodes/apiRequest.test.ts › refuses a Books call without an Organization ID',
		parameters: {
			operation: 'apiRequest',
			method: 'GET',
			service: 'books',
			organizationId: V,
			path: '/invoices',
		},
		good: () => ORG_ID,
		bad: () => '',
		expected: refused(
			'Books needs an Organization ID (sent as the organization_id query parameter).',
			'Enter it in Organization ID.',
		),
	}),
	parameterRow({
		name: 'a Desk call without its orgId',
		field: 'Organization ID',
		parameters: {
			operation: 'apiRequest',
			method: 'GET',
			service: 'desk',
			organizationId: V,
			path: '/tickets',
		},
		good: () => '4242',
		bad: () => '',
		expected: refused(
			'Desk needs an Organization ID (sent as the orgId header).',
			'Enter it in Organization ID.',
		),
	}),
	parameterRow({
		name: 'Return All with POST',
		field: 'Return All',
		parameters: { ...GET_ORG, ...LEADS_FIELDS, method: V, options: { returnAll: true } },
		good: () => 'GET',
		bad: () => 'POST',
		expected: refused(
			'Return All and Limit page through GET lists of CRM, Bigin, Books, Inventory and Invoice (not POST on CRM).',
			'Turn Return All and Limit off',
		),
	}),
	parameterRow({
		name: 'Limit with DELETE (paging is for GET lists)',
		field: 'Limit',
		parameters: { ...GET_ORG, ...LEADS_FIELDS, method: V, options: { limit: 2 } },
		good: () => 'GET',
		bad: () => 'DELETE',
		expected: refused(
			'Return All and Limit page through GET lists of CRM, Bigin, Books, Inventory and Invoice (not DELETE on CRM).',
			'Turn Return All and Limit off',
		),
	}),
	parameterRow({
		name: 'an empty Put Output File in Field',
		field: 'Put Output File in Field',
		parameters: { ...GET_ORG, responseFormat: 'file', binaryPropertyName: V },
		good: () => 'data',
		bad: () => ' ',
		expected: refused(
			'Put Output File in Field is empty.',
			'Enter a binary field name, e.g. data.',
		),
	}),
	parameterRow({
		name: 'an unsupported method from an expression',
		field: 'Method',
		parameters: { ...GET_ORG, method: V },
		good: () => 'GET',
		bad: () => 'TRACE',
		expected: refused(
			'Method "TRACE" is not supported.',
			'Use one of GET, POST, PUT, PATCH, DELETE.',
		),
	}),
	parameterRow({
		name: 'an unknown service from an expression',
		field: 'Service',
		// With Service from an expression n8n cannot tell whether Organization ID shows, and insists on it.
		parameters: { ...GET_ORG, service: V, organizationId: ORG_ID },
		good: () => 'crm',
		bad: () => 'crn',
		expected: refused('Unknown service "crn".', 'Pick a service from the list, or Custom.'),
	}),
	parameterRow({
		name: 'an unknown response format from an expression',
		field: 'Response Format',
		parameters: { ...GET_ORG, responseFormat: V },
		good: () => 'json',
		bad: () => 'xml',
		expected: refused('Unknown response format "xml".', 'Pick JSON, Text or File.'),
	}),
	grantCodeRow({
		name: 'an empty grant code',
		existing: 'test/nodes/tokenOperations.test.ts › names the Grant Code field when it is empty',
		bad: () => '',
		expected: refused(
			'Grant Code is empty.',
			'In the Zoho API Console open your Self Client, choose Generate Code',
		),
	}),
	grantCodeRow({
		name: 'a whitespace-only grant code',
		bad: () => ' \n ',
		expected: refused('Grant Code is empty.', 'choose Generate Code'),
	}),
	grantCodeRow({
		name: 'an expired grant code',
		bad: async () => {
			const code = kit.sim.createGrantCode('us', {
				clientId: client.clientId,
				scopes: ['ZohoCRM.modules.ALL'],
				ttlMs: 1,
			});
			await new Promise((resolve) => setTimeout(resolve, 5));
			return code;
		},
		expected: grantRefused(1),
	}),
	grantCodeRow({
		name: 'a used grant code',
		existing:
			'test/nodes/tokenOperations.test.ts › turns a grant code into a refresh token … A used code is refused',
		bad: async () => {
			const code = kit.sim.createGrantCode('us', {
				clientId: client.clientId,
				scopes: ['ZohoCRM.modules.ALL'],
			});
			await kit.runtime.auth.tokenClient.exchangeGrantCode({
				accountsUrl: kit.sim.url('us'),
				clientId: client.clientId,
				clientSecret: client.clientSecret,
				code,
			});
			return code;
		},
		expected: grantRefused(1),
	}),
	grantCodeRow({
		name: 'a mistyped grant code',
		bad: () => `1000.${'ab'.repeat(16)}.${'cd'.repeat(16)}`,
		expected: grantRefused(1),
	}),
];

const ROWS: BadInputRow[] = [...CREDENTIAL_ROWS, ...PARAMETER_ROWS];

// ---------------------------------------------------------------------------------------
// Running the rows

const stats = { runs: 0, scannedTexts: 0, leaks: [] as string[] };

/** Parameters with the seeded lead's id put in. */
function withLead(parameters: IDataObject): IDataObject {
	return JSON.parse(JSON.stringify(parameters).split('{{LEAD}}').join(leadId)) as IDataObject;
}

function classOf(error: unknown): string {
	if (error instanceof NodeApiError) return 'NodeApiError';
	if (error instanceof NodeOperationError) return 'NodeOperationError';
	return error instanceof Error ? error.constructor.name : typeof error;
}

function expectMessage(actual: unknown, expected: string | RegExp): void {
	if (typeof expected === 'string') expect(actual).toBe(expected);
	else expect(actual).toMatch(expected);
}

/** Scans what a run left, except the good items of operations whose output is a token. */
function expectNoLeaks(
	row: BadInputRow,
	result: Awaited<ReturnType<RelKit['run']>>,
	tokenOutput: boolean,
): void {
	kit.collectSeenTokens();
	const targets: ScanTarget[] = runTexts(result, { outputsExcepted: tokenOutput });
	if (tokenOutput) {
		const errorItems = (result.outputs.Zoho?.[0] ?? []).filter((item) => 'error' in item.json);
		targets.push({ where: 'error items', text: JSON.stringify(errorItems) });
	}
	for (const [index, line] of takeLogLines().entries())
		targets.push({ where: `log line ${index}`, text: line.text });
	stats.scannedTexts += targets.length;
	const leaks = findLeaks(targets, kit.secrets);
	stats.leaks.push(...leaks.map((leak) => `${row.name} → ${leak}`));
	expect(leaks).toEqual([]);
}

function operationOf(parameters: IDataObject | undefined): string {
	return String(parameters?.operation ?? 'apiRequest');
}

describe.each(ROWS.map((row) => [`${row.kind}: ${row.name}`, row] as const))('%s', (_name, row) => {
	const parameters = () => withLead(row.parameters ?? GET_ORG);
	const tokenOutput = ['getAccessToken', 'exchangeGrantCode'].includes(operationOf(row.parameters));

	/** The credential as the row wants it, with its secrets remembered for the scan. */
	const arrangeCredential = () => {
		if (row.kind === 'credential') kit.useCredential({ ...client.data, ...row.change(client) });
	};
	const itemFor = async (good: boolean): Promise<INodeExecutionData> => {
		if (row.kind === 'credential') return { json: {} };
		const value = good ? await row.good() : await row.bad();
		if (typeof value === 'string' && value.trim().length >= 6 && row.field === 'Grant Code')
			kit.secrets.add(value.trim());
		return row.item ? row.item(value, good) : { json: { v: value as never } };
	};

	it('fails with the error class, a message naming the field, and the fix in the description', async () => {
		arrangeCredential();
		const input = [await itemFor(false)];
		kit.resetRuntime();
		kit.sim.resetCounters();
		takeLogLines();
		const result = await kit.run(parameters(), { inputItems: input });
		stats.runs++;

		expect(classOf(result.error)).toBe(row.expected.class);
		const error = result.error as NodeOperationError;
		expectMessage(error.message, row.expected.message);
		expect(error.message.toLowerCase()).toContain(row.field.toLowerCase());
		expect(error.description).toContain(row.expected.fix);
		expect(error.context.itemIndex).toBe(0);
		expect(kit.sim.counters().tokenRequests).toBe(row.expected.tokenRequests);
		// Nothing reached an API: a bad input is refused before any call is made.
		expect(kit.sim.counters().calls.filter((call) => !call.path.startsWith('/oauth/'))).toEqual([]);
		expectNoLeaks(row, result, tokenOutput);
	});

	it('with Continue On Fail, mixed with good items: one error item per bad item, in place; the good items are unaffected', async () => {
		arrangeCredential();
		// A node-level option is read from the first item only: put the bad value there.
		const nodeLevel = row.kind === 'parameter' && row.nodeLevel === true;
		const input = nodeLevel
			? [await itemFor(false), await itemFor(true), await itemFor(true)]
			: [await itemFor(true), await itemFor(false), await itemFor(true)];
		kit.sim.resetCounters();
		takeLogLines();
		const result = await kit.run(parameters(), { inputItems: input, continueOnFail: true });
		stats.runs++;
		expect(result.error).toBeUndefined();
		const out = result.outputs.Zoho?.[0] ?? [];

		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		// A credential field, or an option read once per execution, fails every item alike.
		const badIndexes = row.kind === 'credential' || nodeLevel ? [0, 1, 2] : [1];
		for (const [index, item] of out.entries()) {
			if (!badIndexes.includes(index)) {
				expect(item.json).not.toHaveProperty('error');
				continue;
			}
			expectMessage(item.json.error, row.expected.message);
			expect(String(item.json.description)).toContain(row.expected.fix);
			expect(item.json.field).toBe(row.field);
		}
		// The refused host never saw the token, from any item.
		expect(
			kit.sim.counters().authorizationHeaders.filter((seen) => !seen.host.startsWith('127.0.0.1')),
		).toEqual([]);
		expectNoLeaks(row, result, tokenOutput);
	});
});

function summary(): Record<string, unknown> {
	return {
		rows: ROWS.length,
		credentialFields: CREDENTIAL_ROWS.length,
		nodeParameters: PARAMETER_ROWS.length,
		alsoAssertedElsewhere: ROWS.filter((row) => row.existing).map(
			(row) => `${row.name} ← ${row.existing}`,
		),
		runs: stats.runs,
		secretScan: {
			textsScanned: stats.scannedTexts,
			leaksFound: stats.leaks.length,
			leaks: stats.leaks,
		},
	};
}
