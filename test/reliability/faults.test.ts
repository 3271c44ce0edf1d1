/**
 * Faults, one table row each, with the outcome it must have: what the user sees (error
 * class, exact message, the fix in the description), what the simulator saw (token
 * requests, mints, API calls per status), and that no secret leaked into anything the
 * run left behind (items, error, its JSON, log lines).
 *
 * Token-endpoint faults run twice: through the credential (preAuthentication, as n8n
 * calls it) and through the node (a workflow whose API Request needs a token). API-side
 * faults run through the node. Rows whose behaviour another test already asserts in
 * detail say so in `existing`; they run here too, for the counts and the secret scan.
 * The cancelled execution (child process) is in cancel.test.ts.
 */
import type { ICredentialTestFunctions, IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { zohoSelfClientApiTest } from '../../nodes/shared/methods/credentialTest';
import { parseCredentials } from '../../zoho/credentials';
import type { ZohoRuntimeOptions } from '../../zoho/runtime';
import {
	API_ATTEMPTS,
	errorTexts,
	findLeaks,
	installLogCapture,
	itemsOf,
	runTexts,
	startRelKit,
	takeLogLines,
	TOKEN_ATTEMPTS,
	TOKEN_PATH,
	writeSummarySection,
	type RelKit,
	type ScanTarget,
	type SelfClient,
} from './support';

let kit: RelKit;
let leadIds: string[] = [];

beforeAll(async () => {
	installLogCapture();
	kit = await startRelKit();
	leadIds = kit.sim.seedCrm('us', { module: 'Leads', count: 30 });
});
afterAll(async () => {
	await kit.close();
	await writeSummarySection('faults', summary());
});

// ---------------------------------------------------------------------------------------
// The table

type ErrorClass = 'NodeApiError' | 'NodeOperationError' | 'Error';

interface Outcome {
	/** Absent: the run succeeds. */
	error?: {
		/** The message as n8n shows it (for the credential: message and fix in one line). */
		message: string | RegExp;
		/** A piece of the description (the fix); for the credential it is part of the message. */
		fix: string;
		httpCode?: string;
	};
	tokenRequests: number;
	mints: number;
	/** API calls the simulator answered, as "METHOD /path STATUS" → count (0 = dropped). */
	calls?: Record<string, number>;
}

interface Arrange {
	kit: RelKit;
	client: SelfClient;
}

interface FaultRow {
	name: string;
	/** preAuthentication, the credential's Test button, or the node in a workflow. */
	via: 'credential' | 'credentialTest' | 'node';
	/** Where this behaviour is already asserted in detail. */
	existing?: string;
	runtime?: ZohoRuntimeOptions;
	arrange?: (arrange: Arrange) => void | Promise<void>;
	/** Credential fields to change (for faults that are a wrong credential at Zoho's end). */
	credential?: (client: SelfClient) => Record<string, string>;
	/** Node parameters (or a function giving them when the row runs); default GET /org. */
	parameters?: IDataObject | (() => IDataObject);
	items?: number;
	continueOnFail?: boolean;
	/** Assertions beyond the outcome, e.g. on every error item. */
	check?: (check: { outputs: IDataObject[] }) => void;
	/** Why the row sends what Zoho does not document, when it does (the contract check reports it apart). */
	deliberate?: string;
	outcome: Outcome;
}

const GET_ORG: IDataObject = { operation: 'apiRequest', method: 'GET', path: '/org' };
const INVALID_TOKEN = {
	code: 'INVALID_TOKEN',
	details: {},
	message: 'invalid oauth token',
	status: 'error',
};
const AUTH_FAILURE = {
	code: 'AUTHENTICATION_FAILURE',
	details: {},
	message: 'Authentication failed',
	status: 'error',
};
const SCOPE_MISMATCH = {
	code: 'OAUTH_SCOPE_MISMATCH',
	details: {},
	message: 'invalid oauth scope to access this URL',
	status: 'error',
};
const TOO_MANY = {
	code: 'TOO_MANY_REQUESTS',
	details: {},
	message: 'too many requests',
	status: 'error',
};
const LONG = 60_000; // a delay no test waits for; the simulator's stop() cancels it

const SERVER_HINT =
	'A temporary Zoho problem; it was retried. Try again in a few minutes (status: https://status.zoho.com).';
const NETWORK_HINT =
	'The connection failed or was cut. Check the network between n8n and Zoho and try again.';
const tokenNetworkError =
	/^Network error talking to http:\/\/127\.0\.0\.1:\d+\/oauth\/v2\/token: .+\.$/;

/** A fault of the token endpoint with its outcome, run through the credential and the node. */
interface TokenFault {
	name: string;
	existing?: { credential?: string; node?: string };
	runtime?: ZohoRuntimeOptions;
	arrange?: FaultRow['arrange'];
	credential?: FaultRow['credential'];
	/** Absent: recovered; the credential returns a token and the node's call succeeds. */
	error?: { message: string | RegExp; fix: string; httpCode?: string };
	tokenRequests: number;
	mints: number;
}

const tokenStatus =
	(status: number, times: number, headers?: Record<string, string>) =>
	({ kit: k }: Arrange) => {
		k.sim.injectFault({ path: TOKEN_PATH, kind: 'status', status, times, headers });
	};
const tokenFault =
	(kind: 'nonJson' | 'truncated' | 'drop' | 'reset', times: number) =>
	({ kit: k }: Arrange) => {
		k.sim.injectFault({ path: TOKEN_PATH, kind, times });
	};
const tokenError =
	(body: Record<string, string>) =>
	({ kit: k }: Arrange) => {
		k.sim.injectFault({ path: TOKEN_PATH, kind: 'status', status: 200, body });
	};

const TOKEN_FAULTS: TokenFault[] = [
	...[500, 502, 503].map(
		(status): TokenFault => ({
			name: `token endpoint HTTP ${status} every time: bounded retries, then SERVER_ERROR`,
			existing:
				status === 503
					? {
							credential:
								'test/zoho/token/tokenClient.test.ts › 5xx is retried with bounded backoff (core client)',
						}
					: undefined,
			arrange: tokenStatus(
				status,
				Infinity,
				status === 503 ? { 'Retry-After': '3600' } : undefined,
			),
			error: {
				message: `Zoho's accounts server failed with HTTP ${status}.`,
				fix: SERVER_HINT,
				httpCode: String(status),
			},
			tokenRequests: TOKEN_ATTEMPTS,
			mints: 0,
		}),
	),
	{
		name: 'token endpoint HTTP 503 twice, then an answer: recovers with one mint',
		arrange: tokenStatus(503, 2),
		tokenRequests: 3,
		mints: 1,
	},
	{
		name: 'token endpoint slower than the token timeout every time: TIMEOUT after bounded retries',
		existing: {
			credential:
				'test/credentials/ZohoSelfClientApi.test.ts › a slow accounts server (Test button)',
		},
		runtime: { tokenTimeoutMs: 100 },
		arrange: ({ kit: k }) => {
			k.sim.injectFault({ path: TOKEN_PATH, kind: 'delay', delayMs: LONG, times: Infinity });
		},
		error: {
			message:
				/^Zoho did not answer within 100 ms \(http:\/\/127\.0\.0\.1:\d+\/oauth\/v2\/token\)\.$/,
			fix: "Zoho's accounts server is slow or unreachable; it was retried.",
			httpCode: 'TIMEOUT',
		},
		tokenRequests: TOKEN_ATTEMPTS,
		mints: 0,
	},
	{
		name: 'token endpoint answers HTML with HTTP 200: INVALID_RESPONSE, not retried',
		arrange: tokenFault('nonJson', Infinity),
		error: {
			message: "Zoho's token endpoint gave an unexpected answer (HTTP 200, not JSON).",
			fix: 'Check that the Data Centre or Custom Accounts URL points at a Zoho accounts server',
			httpCode: '200',
		},
		tokenRequests: 1,
		mints: 0,
	},
	{
		name: 'token endpoint answers HTML with HTTP 502: a server error, retried',
		arrange: ({ kit: k }) => {
			k.sim.injectFault({ path: TOKEN_PATH, kind: 'nonJson', status: 502, times: Infinity });
		},
		error: {
			message: "Zoho's accounts server failed with HTTP 502.",
			fix: SERVER_HINT,
			httpCode: '502',
		},
		tokenRequests: TOKEN_ATTEMPTS,
		mints: 0,
	},
	{
		name: 'token answer truncated every time: NETWORK_ERROR after bounded retries',
		arrange: tokenFault('truncated', Infinity),
		error: { message: tokenNetworkError, fix: NETWORK_HINT, httpCode: 'NETWORK_ERROR' },
		tokenRequests: TOKEN_ATTEMPTS,
		mints: 0,
	},
	{
		name: 'token answer truncated once: retried, one mint',
		arrange: tokenFault('truncated', 1),
		tokenRequests: 2,
		mints: 1,
	},
	{
		name: 'token connection dropped every time: NETWORK_ERROR after bounded retries',
		existing: {
			credential:
				'test/zoho/token/tokenClient.test.ts › a dropped connection every time (core client)',
		},
		arrange: tokenFault('drop', Infinity),
		error: { message: tokenNetworkError, fix: NETWORK_HINT, httpCode: 'NETWORK_ERROR' },
		tokenRequests: TOKEN_ATTEMPTS,
		mints: 0,
	},
	{
		name: 'token connection reset mid-answer once: retried, one mint',
		arrange: tokenFault('reset', 1),
		tokenRequests: 2,
		mints: 1,
	},
	{
		name: 'invalid_code on refresh (the refresh token is unknown): names the Refresh Token, not retried',
		existing: {
			credential:
				'test/credentials/ZohoSelfClientApi.test.ts › throws the actionable message for a revoked refresh token',
		},
		credential: (client) => ({ refreshToken: `${client.refreshToken.slice(0, -4)}0000` }),
		error: {
			message:
				'Zoho rejected the Refresh Token (invalid_code): it was revoked, mistyped, or belongs to another client or data centre.',
			fix: 'exchange it (operation Exchange Grant Code) and paste the new refresh token into the credential.',
			httpCode: '200',
		},
		tokenRequests: 1,
		mints: 0,
	},
	{
		name: 'invalid_client (a client id Zoho does not know, e.g. another data centre): points at the Data Centre',
		existing: {
			credential:
				'test/credentials/ZohoSelfClientApi.test.ts › throws the actionable message for a wrong client id',
		},
		credential: (client) => ({ clientId: `${client.clientId}X` }),
		error: {
			message:
				/^Zoho's accounts server http:\/\/127\.0\.0\.1:\d+ does not know this Client ID \(invalid_client\)\.$/,
			fix: 'A Self Client exists only in the data centre where it was created. Check the Data Centre field',
			httpCode: '200',
		},
		tokenRequests: 1,
		mints: 0,
	},
	{
		name: 'invalid_client_secret: says to copy the secret again',
		existing: {
			credential:
				'test/credentials/ZohoSelfClientApi.test.ts › throws the actionable message for a wrong client secret',
		},
		credential: () => ({ clientSecret: 'f00df00df00df00df00df00df00df00df00df00d42' }),
		error: {
			message: 'Zoho rejected the Client Secret (invalid_client_secret).',
			fix: 'Copy the Client Secret again from the Zoho API Console (Self Client → Client Secret tab) into the credential.',
			httpCode: '200',
		},
		tokenRequests: 1,
		mints: 0,
	},
	{
		name: 'invalid_redirect_uri: says to use a Self Client',
		arrange: tokenError({ error: 'invalid_redirect_uri' }),
		error: {
			message: 'Zoho rejected the redirect URI (invalid_redirect_uri).',
			fix: 'Use a Self Client from the Zoho API Console.',
			httpCode: '200',
		},
		tokenRequests: 1,
		mints: 0,
	},
	{
		name: 'Access Denied (throttle) answer: TOKEN_THROTTLED with when to retry, not retried',
		arrange: tokenError({
			error: 'Access Denied',
			error_description:
				'You have made too many requests continuously. Please try again after some time.',
		}),
		error: {
			message:
				'Zoho refused to issue an access token: too many token requests for this refresh token (Access Denied).',
			fix: 'Zoho allows 10 access tokens per refresh token in any 10 minutes. Retry after ',
			httpCode: '200',
		},
		tokenRequests: 1,
		mints: 0,
	},
	{
		name: 'access_denied (lower case) answer: throttling too',
		arrange: tokenError({
			error: 'access_denied',
			error_description:
				'Token creation throttle limit reached. Please reuse the valid tokens you currently have.',
		}),
		error: {
			message:
				'Zoho refused to issue an access token: too many token requests for this refresh token (access_denied).',
			fix: 'Retry after ',
			httpCode: '200',
		},
		tokenRequests: 1,
		mints: 0,
	},
	{
		name: 'missing_org_info answer: explains the organisation id',
		arrange: tokenError({ error: 'missing_org_info' }),
		error: {
			message: 'Zoho needs the organisation for this grant (missing_org_info).',
			fix: 'The client-credentials flow needs the organisation id (soid); a Self Client refresh token does not.',
			httpCode: '200',
		},
		tokenRequests: 1,
		mints: 0,
	},
	{
		name: 'an unknown error value: quotes Zoho, not retried',
		arrange: tokenError({
			error: 'general_error',
			error_description: 'Something went wrong on our side',
		}),
		error: {
			message: `Zoho's token endpoint answered "general_error": Something went wrong on our side.`,
			fix: 'Check the credential fields against the Self Client in the Zoho API Console.',
			httpCode: '200',
		},
		tokenRequests: 1,
		mints: 0,
	},
	{
		name: 'the real mint throttle (10 tokens in 10 minutes used up): clear message, one token call',
		existing: {
			credential:
				'test/credentials/ZohoSelfClientApi.test.ts › throws a throttled refresh with when to retry',
		},
		arrange: async ({ kit: k, client }) => {
			await useUpMints(k, client);
		},
		error: {
			message:
				'Zoho refused to issue an access token: too many token requests for this refresh token (Access Denied).',
			fix: 'make sure no other script or workflow refreshes with the same refresh token on every run',
			httpCode: '200',
		},
		tokenRequests: 1,
		mints: 0,
	},
];

/** Mints the 10 tokens Zoho allows in 10 minutes, then forgets them (a new n8n process). */
async function useUpMints(k: RelKit, client: SelfClient): Promise<void> {
	const credentials = parseCredentials(client.data);
	for (let i = 0; i < 10; i++) await k.runtime.auth.getToken(credentials, { forceRefresh: true });
	await k.runtime.auth.invalidate(credentials);
	k.sim.resetCounters();
}

function tokenRows(fault: TokenFault): FaultRow[] {
	const common = { runtime: fault.runtime, arrange: fault.arrange, credential: fault.credential };
	const credentialRow: FaultRow = {
		...common,
		name: `credential: ${fault.name}`,
		via: 'credential',
		existing: fault.existing?.credential,
		outcome: {
			tokenRequests: fault.tokenRequests,
			mints: fault.mints,
			error: fault.error && { message: oneLine(fault.error.message), fix: fault.error.fix },
		},
	};
	const nodeRow: FaultRow = {
		...common,
		name: `node: ${fault.name}`,
		via: 'node',
		existing: fault.existing?.node,
		outcome: {
			tokenRequests: fault.tokenRequests,
			mints: fault.mints,
			error: fault.error,
			calls: fault.error ? {} : { 'GET /crm/v8/org 200': 1 },
		},
	};
	const testButtonRow: FaultRow = {
		...credentialRow,
		name: `credential Test button: ${fault.name}`,
		via: 'credentialTest',
		existing: undefined,
	};
	return [credentialRow, testButtonRow, nodeRow];
}

/** preAuthentication can show only a message: the message, then the fix, in one line. */
function oneLine(message: string | RegExp): RegExp {
	if (typeof message === 'string') return new RegExp(`^${escape(message)} `);
	return new RegExp(`${message.source.replace(/\$$/, '')} `);
}

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const apiStatus =
	(options: {
		path?: string;
		status: number;
		times: number;
		body?: unknown;
		headers?: Record<string, string>;
	}) =>
	({ kit: k }: Arrange) => {
		k.sim.injectFault({ path: options.path ?? '/crm/v8/org', kind: 'status', ...options });
	};

const insertLead: IDataObject = {
	operation: 'apiRequest',
	method: 'POST',
	path: '/Leads',
	sendBody: true,
	bodyContentType: 'json',
	jsonBody: JSON.stringify({ data: [{ Last_Name: 'Reliability' }] }),
};
/** Updates a lead of its own (taken when the row runs, after seeding). */
const updateLead = (method: 'PUT' | 'PATCH') => (): IDataObject => ({
	operation: 'apiRequest',
	method,
	path: '/Leads',
	sendBody: true,
	bodyContentType: 'json',
	jsonBody: JSON.stringify({ data: [{ id: takeLead(), Last_Name: 'Updated' }] }),
});

const serverError = (method: string, path: string, status: number) =>
	new RegExp(
		`^Zoho failed with HTTP ${status} for ${method} http://127\\.0\\.0\\.1:\\d+${escape(path)}: Internal Server Error\\.$`,
	);
const apiNetworkError = (path: string) =>
	new RegExp(`^Network error talking to http://127\\.0\\.0\\.1:\\d+${escape(path)}: .+\\.$`);
const SERVER_FIX = 'A temporary Zoho problem. Try again in a few minutes';

let nextLead = 0;
const takeLead = () => leadIds[nextLead++] ?? 'missing';

const API_ROWS: Array<Omit<FaultRow, 'via'>> = [
	{
		name: 'API 401 INVALID_TOKEN once (Zoho expired the token early): one refresh, one retry, success',
		existing:
			'test/nodes/failures.test.ts › after 401 INVALID_TOKEN refreshes once and retries once',
		arrange: apiStatus({ status: 401, body: INVALID_TOKEN, times: 1 }),
		outcome: {
			tokenRequests: 2,
			mints: 2,
			calls: { 'GET /crm/v8/org 401': 1, 'GET /crm/v8/org 200': 1 },
		},
	},
	{
		name: 'API 401 INVALID_TOKEN every time: one refresh, one retry, then an error',
		existing:
			'test/nodes/failures.test.ts › a second 401 INVALID_TOKEN after the refresh is an error',
		arrange: apiStatus({ status: 401, body: INVALID_TOKEN, times: Infinity }),
		outcome: {
			error: {
				message:
					/^Zoho refused the access token for GET http:\/\/127\.0\.0\.1:\d+\/crm\/v8\/org \(INVALID_TOKEN\): invalid oauth token\.$/,
				fix: 'Check that the refresh token belongs to this data centre and was not revoked.',
				httpCode: '401',
			},
			tokenRequests: 2,
			mints: 2,
			calls: { 'GET /crm/v8/org 401': 2 },
		},
	},
	{
		name: 'API 401 AUTHENTICATION_FAILURE every time: treated like INVALID_TOKEN (one refresh, one retry)',
		arrange: apiStatus({ status: 401, body: AUTH_FAILURE, times: Infinity }),
		outcome: {
			error: {
				message:
					/^Zoho refused the access token for GET http:\/\/127\.0\.0\.1:\d+\/crm\/v8\/org \(AUTHENTICATION_FAILURE\): Authentication failed\.$/,
				fix: 'Check that the refresh token belongs to this data centre and was not revoked.',
				httpCode: '401',
			},
			tokenRequests: 2,
			mints: 2,
			calls: { 'GET /crm/v8/org 401': 2 },
		},
	},
	{
		name: 'API 401 OAUTH_SCOPE_MISMATCH: no refresh, explains the scope',
		existing: 'test/nodes/failures.test.ts › 401 OAUTH_SCOPE_MISMATCH: no refresh',
		arrange: apiStatus({ status: 401, body: SCOPE_MISMATCH, times: Infinity }),
		outcome: {
			error: {
				message:
					/^The access token's scopes do not allow GET http:\/\/127\.0\.0\.1:\d+\/crm\/v8\/org \(OAUTH_SCOPE_MISMATCH\): it needs ZohoCRM\.org\.READ\.$/,
				fix: 'Generate Code in the Zoho API Console (Self Client) with the scopes',
				httpCode: '401',
			},
			tokenRequests: 1,
			mints: 1,
			calls: { 'GET /crm/v8/org 401': 1 },
		},
	},
	{
		name: 'API 429 once with Retry-After: waits, retries, success',
		existing: 'test/nodes/failures.test.ts › 429: waits for Retry-After and retries, bounded',
		arrange: apiStatus({ status: 429, body: TOO_MANY, times: 1, headers: { 'Retry-After': '0' } }),
		outcome: {
			tokenRequests: 1,
			mints: 1,
			calls: { 'GET /crm/v8/org 429': 1, 'GET /crm/v8/org 200': 1 },
		},
	},
	{
		name: 'API 429 every time: bounded retries, then RATE_LIMITED',
		existing: 'test/nodes/failures.test.ts › 429: waits for Retry-After and retries, bounded',
		arrange: apiStatus({
			status: 429,
			body: TOO_MANY,
			times: Infinity,
			headers: { 'Retry-After': '0' },
		}),
		outcome: {
			error: {
				message:
					/^Zoho's rate limit was hit for GET http:\/\/127\.0\.0\.1:\d+\/crm\/v8\/org \(TOO_MANY_REQUESTS\): too many requests\.$/,
				fix: 'Lower Max Concurrent Requests, or spread the work over time.',
				httpCode: '429',
			},
			tokenRequests: 1,
			mints: 1,
			calls: { 'GET /crm/v8/org 429': API_ATTEMPTS },
		},
	},
	{
		name: 'API 429 on POST: retried (Zoho did not process it), success',
		arrange: apiStatus({
			path: '/crm/v8/Leads',
			status: 429,
			body: TOO_MANY,
			times: 1,
			headers: { 'Retry-After': '0' },
		}),
		parameters: insertLead,
		outcome: {
			tokenRequests: 1,
			mints: 1,
			calls: { 'POST /crm/v8/Leads 429': 1, 'POST /crm/v8/Leads 201': 1 },
		},
	},
	{
		name: 'API 503 once on GET: retried, success',
		arrange: apiStatus({ status: 503, times: 1 }),
		outcome: {
			tokenRequests: 1,
			mints: 1,
			calls: { 'GET /crm/v8/org 503': 1, 'GET /crm/v8/org 200': 1 },
		},
	},
	{
		name: 'API 500 every time on GET: bounded retries, then SERVER_ERROR',
		arrange: apiStatus({ status: 500, times: Infinity }),
		outcome: {
			error: { message: serverError('GET', '/crm/v8/org', 500), fix: SERVER_FIX, httpCode: '500' },
			tokenRequests: 1,
			mints: 1,
			calls: { 'GET /crm/v8/org 500': API_ATTEMPTS },
		},
	},
	{
		name: 'API 503 once on POST: not retried (it may have been processed)',
		arrange: apiStatus({ path: '/crm/v8/Leads', status: 503, times: 1 }),
		parameters: insertLead,
		outcome: {
			error: {
				message: serverError('POST', '/crm/v8/Leads', 503),
				fix: SERVER_FIX,
				httpCode: '503',
			},
			tokenRequests: 1,
			mints: 1,
			calls: { 'POST /crm/v8/Leads 503': 1 },
		},
	},
	{
		name: 'API 503 once on POST with "Retry POST and PATCH on Failure": retried, success',
		arrange: apiStatus({ path: '/crm/v8/Leads', status: 503, times: 1 }),
		parameters: { ...insertLead, options: { retryNonIdempotent: true } },
		outcome: {
			tokenRequests: 1,
			mints: 1,
			calls: { 'POST /crm/v8/Leads 503': 1, 'POST /crm/v8/Leads 201': 1 },
		},
	},
	{
		name: 'API 502 once on PATCH: not retried',
		deliberate:
			'CRM records take PUT, not PATCH (record.json); PATCH stands for any non-idempotent method here',
		arrange: apiStatus({ path: '/crm/v8/Leads', status: 502, times: 1 }),
		parameters: updateLead('PATCH'),
		outcome: {
			error: {
				message: serverError('PATCH', '/crm/v8/Leads', 502),
				fix: SERVER_FIX,
				httpCode: '502',
			},
			tokenRequests: 1,
			mints: 1,
			calls: { 'PATCH /crm/v8/Leads 502': 1 },
		},
	},
	{
		name: 'API 502 once on PUT (idempotent): retried, success',
		arrange: apiStatus({ path: '/crm/v8/Leads', status: 502, times: 1 }),
		parameters: updateLead('PUT'),
		outcome: {
			tokenRequests: 1,
			mints: 1,
			calls: { 'PUT /crm/v8/Leads 502': 1, 'PUT /crm/v8/Leads 200': 1 },
		},
	},
	{
		name: 'API connection reset mid-answer on GET: retried, success',
		arrange: ({ kit: k }) => {
			k.sim.injectFault({
				path: '/crm/v8/org',
				kind: 'reset',
				times: 1,
				body: { org: [{ id: 'x'.repeat(200) }] },
			});
		},
		outcome: { tokenRequests: 1, mints: 1, calls: { 'GET /crm/v8/org 200': 2 } },
	},
	{
		name: 'API connection reset mid-answer on POST: not retried, NETWORK_ERROR',
		arrange: ({ kit: k }) => {
			k.sim.injectFault({
				path: '/crm/v8/Leads',
				kind: 'reset',
				times: 1,
				body: { data: [{ details: { id: 'x'.repeat(200) } }] },
			});
		},
		parameters: insertLead,
		outcome: {
			error: {
				message: apiNetworkError('/crm/v8/Leads'),
				fix: NETWORK_HINT,
				httpCode: 'NETWORK_ERROR',
			},
			tokenRequests: 1,
			mints: 1,
			calls: { 'POST /crm/v8/Leads 200': 1 },
		},
	},
	{
		name: 'API connection reset on POST with "Retry POST and PATCH on Failure": retried, success',
		arrange: ({ kit: k }) => {
			k.sim.injectFault({
				path: '/crm/v8/Leads',
				kind: 'reset',
				times: 1,
				body: { data: [{ details: { id: 'x'.repeat(200) } }] },
			});
		},
		parameters: { ...insertLead, options: { retryNonIdempotent: true } },
		outcome: {
			tokenRequests: 1,
			mints: 1,
			calls: { 'POST /crm/v8/Leads 200': 1, 'POST /crm/v8/Leads 201': 1 },
		},
	},
	{
		name: 'API connection dropped every time on GET: bounded retries, then NETWORK_ERROR',
		arrange: ({ kit: k }) => {
			k.sim.injectFault({ path: '/crm/v8/org', kind: 'drop', times: Infinity });
		},
		outcome: {
			error: {
				message: apiNetworkError('/crm/v8/org'),
				fix: NETWORK_HINT,
				httpCode: 'NETWORK_ERROR',
			},
			tokenRequests: 1,
			mints: 1,
			calls: { 'GET /crm/v8/org 0': API_ATTEMPTS },
		},
	},
	{
		name: 'API answer truncated once on GET: retried, success',
		arrange: ({ kit: k }) => {
			k.sim.injectFault({ path: '/crm/v8/org', kind: 'truncated', times: 1 });
		},
		outcome: { tokenRequests: 1, mints: 1, calls: { 'GET /crm/v8/org 200': 2 } },
	},
	{
		name: 'API slower than the Timeout option every time on GET: bounded retries, then TIMEOUT',
		arrange: ({ kit: k }) => {
			k.sim.injectFault({ path: '/crm/v8/org', kind: 'delay', delayMs: LONG, times: Infinity });
		},
		parameters: { ...GET_ORG, options: { timeout: 100 } },
		outcome: {
			error: {
				message:
					/^Zoho did not answer within 100 ms \(http:\/\/127\.0\.0\.1:\d+\/crm\/v8\/org\)\.$/,
				fix: 'Zoho or the network is slow. Try again later, or raise the Timeout option.',
				httpCode: 'TIMEOUT',
			},
			tokenRequests: 1,
			mints: 1,
			calls: {},
		},
	},
	{
		name: 'API list page that is not JSON (HTTP 200, HTML) with Limit: INVALID_RESPONSE',
		arrange: ({ kit: k }) => {
			k.sim.injectFault({ path: '/crm/v8/Leads', kind: 'nonJson', times: Infinity });
		},
		parameters: {
			operation: 'apiRequest',
			method: 'GET',
			path: '/Leads',
			sendQuery: true,
			queryParameters: { parameters: [{ name: 'fields', value: 'Last_Name' }] },
			options: { limit: 5 },
		},
		outcome: {
			error: {
				message:
					/^Zoho answered a list page of http:\/\/127\.0\.0\.1:\d+\/crm\/v8\/Leads with something that is not JSON\.$/,
				fix: 'Check that the Path is a list endpoint of this service',
				httpCode: 'INVALID_RESPONSE',
			},
			tokenRequests: 1,
			mints: 1,
			calls: { 'GET /crm/v8/Leads 200': 1 },
		},
	},
	{
		name: 'API error whose message echoes the access token: the token is redacted',
		arrange: async ({ kit: k, client }) => {
			const token = await k.runtime.auth.getToken(parseCredentials(client.data));
			k.sim.injectFault({
				path: '/crm/v8/org',
				kind: 'status',
				status: 400,
				times: 1,
				body: {
					code: 'INVALID_DATA',
					details: { token: token.accessToken },
					message: `token ${token.accessToken} is not valid here`,
					status: 'error',
				},
			});
		},
		outcome: {
			error: {
				message:
					/^Zoho answered HTTP 400 INVALID_DATA for GET http:\/\/127\.0\.0\.1:\d+\/crm\/v8\/org: token \[redacted\] is not valid here\.$/,
				fix: 'Check the value of the field Zoho names against its type and length, or the record id',
				httpCode: '400',
			},
			tokenRequests: 0, // the token was minted while arranging the row
			mints: 0,
			calls: { 'GET /crm/v8/org 400': 1 },
		},
	},
	{
		name: 'API 400 with a text body echoing the access token and refresh token: redacted in the excerpt',
		arrange: async ({ kit: k, client }) => {
			const token = await k.runtime.auth.getToken(parseCredentials(client.data));
			k.sim.injectFault({
				path: '/crm/v8/org',
				kind: 'status',
				status: 400,
				times: 1,
				body: `proxy refused Zoho-oauthtoken ${token.accessToken} (refresh ${client.refreshToken})`,
			});
		},
		outcome: {
			error: {
				message: /^Zoho answered HTTP 400 for GET http:\/\/127\.0\.0\.1:\d+\/crm\/v8\/org\.$/,
				fix: 'Answer: proxy refused Zoho-oauthtoken [redacted] (refresh [redacted])',
				httpCode: '400',
			},
			tokenRequests: 0, // the token was minted while arranging the row
			mints: 0,
			calls: { 'GET /crm/v8/org 400': 1 },
		},
	},
	{
		name: 'the mint throttle with 20 items and Continue On Fail: one error item each, at most one token call',
		arrange: async ({ kit: k, client }) => {
			await useUpMints(k, client);
		},
		items: 20,
		continueOnFail: true,
		parameters: { ...GET_ORG, options: { maxConcurrency: 3 } },
		check: ({ outputs }) => {
			expect(outputs).toHaveLength(20);
			for (const json of outputs) {
				expect(json).toEqual(
					expect.objectContaining({ code: 'TOKEN_THROTTLED', zohoCode: 'Access Denied' }),
				);
				expect(json.error).toBe(
					'Zoho refused to issue an access token: too many token requests for this refresh token (Access Denied).',
				);
			}
		},
		outcome: { tokenRequests: 1, mints: 0, calls: {} },
	},
	{
		name: 'token endpoint 503 every time with 10 items and Continue On Fail: one error item each, retries bounded once per execution',
		arrange: tokenStatus(503, Infinity),
		items: 10,
		continueOnFail: true,
		parameters: { ...GET_ORG, options: { maxConcurrency: 2 } },
		check: ({ outputs }) => {
			expect(outputs.map((json) => json.error)).toEqual(
				Array(10).fill("Zoho's accounts server failed with HTTP 503."),
			);
		},
		outcome: { tokenRequests: TOKEN_ATTEMPTS, mints: 0, calls: {} },
	},
];

const ROWS: FaultRow[] = [
	...TOKEN_FAULTS.flatMap(tokenRows),
	...API_ROWS.map((row): FaultRow => ({ via: 'node', ...row })),
];

// ---------------------------------------------------------------------------------------
// Running a row

const stats = { rows: 0, passed: 0, scannedTexts: 0, leaks: [] as string[] };

interface Seen {
	error?: unknown;
	outputs: IDataObject[];
	targets: ScanTarget[];
}

async function runRow(row: FaultRow): Promise<Seen> {
	kit.sim.clearFaults();
	kit.resetRuntime(row.runtime);
	const client = kit.newClient();
	await row.arrange?.({ kit, client });
	const data = { ...client.data, ...row.credential?.(client) };
	kit.useCredential(data);
	kit.sim.resetCounters();
	takeLogLines();

	if (row.via === 'credentialTest') {
		const result = await zohoSelfClientApiTest.call({} as ICredentialTestFunctions, {
			id: '1',
			name: 'Zoho',
			type: 'zohoSelfClientApi',
			data,
		});
		const targets = [{ where: 'Test button message', text: result.message }];
		// The Test button shows a message only; an Error status stands for the error here.
		return result.status === 'OK'
			? { outputs: [], targets }
			: { error: new TestButtonError(result.message), outputs: [], targets };
	}
	if (row.via === 'credential') {
		try {
			await kit.preAuthenticate(data);
			return { outputs: [], targets: [] }; // success returns the token to n8n for saving: its purpose
		} catch (error) {
			return { error, outputs: [], targets: errorTexts(error) };
		}
	}
	const count = row.items ?? 1;
	const parameters = typeof row.parameters === 'function' ? row.parameters() : row.parameters;
	const send = () =>
		kit.run(parameters ?? GET_ORG, {
			inputItems: itemsOf(Array.from({ length: count }, (_, i) => ({ i }))),
			continueOnFail: row.continueOnFail,
		});
	const result = row.deliberate ? await kit.sim.deliberately(row.deliberate, send) : await send();
	const outputs = (result.outputs.Zoho?.[0] ?? []).map((item) => item.json);
	return { error: result.error, outputs, targets: runTexts(result) };
}

class TestButtonError extends Error {}

function classOf(error: unknown): ErrorClass | string {
	if (error instanceof NodeApiError) return 'NodeApiError';
	if (error instanceof NodeOperationError) return 'NodeOperationError';
	return error instanceof Error ? error.constructor.name : typeof error;
}

describe.each(ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
	it('has the expected outcome, counts, and leaks no secret', async () => {
		stats.rows++;
		const seen = await runRow(row);
		const { outcome } = row;

		if (outcome.error) {
			expect(classOf(seen.error)).toBe(
				{ credential: 'Error', credentialTest: 'TestButtonError', node: 'NodeApiError' }[row.via],
			);
			const error = seen.error as NodeApiError;
			if (typeof outcome.error.message === 'string')
				expect(error.message).toBe(outcome.error.message);
			else expect(error.message).toMatch(outcome.error.message);
			if (row.via !== 'node') {
				expect(error.message).toContain(outcome.error.fix);
			} else {
				expect(error.description).toContain(outcome.error.fix);
				expect(error.httpCode ?? undefined).toBe(outcome.error.httpCode);
			}
		} else if (!row.continueOnFail) {
			expect(seen.error).toBeUndefined();
			if (row.via === 'node') expect(seen.outputs).toHaveLength(row.items ?? 1);
		}
		row.check?.({ outputs: seen.outputs });

		const counters = kit.sim.counters();
		expect(counters.tokenRequests).toBe(outcome.tokenRequests);
		expect(counters.mintsTotal).toBe(outcome.mints);
		if (outcome.calls) {
			const apiCalls = Object.fromEntries(
				Object.entries(counters.callsByPathStatus).filter(([key]) => !key.includes('/oauth/')),
			);
			expect(apiCalls).toEqual(outcome.calls);
		}

		kit.collectSeenTokens();
		const logs = takeLogLines().map((line, index) => ({
			where: `log line ${index} (${line.level})`,
			text: line.text,
		}));
		const targets = [...seen.targets, ...logs];
		stats.scannedTexts += targets.length;
		const leaks = findLeaks(targets, kit.secrets);
		stats.leaks.push(...leaks.map((leak) => `${row.name} → ${leak}`));
		expect(leaks).toEqual([]);
		stats.passed++;
	});
});

function summary(): Record<string, unknown> {
	return {
		rows: ROWS.length,
		viaPreAuthentication: ROWS.filter((row) => row.via === 'credential').length,
		viaCredentialTestButton: ROWS.filter((row) => row.via === 'credentialTest').length,
		viaNode: ROWS.filter((row) => row.via === 'node').length,
		alsoAssertedElsewhere: ROWS.filter((row) => row.existing).map(
			(row) => `${row.name} ← ${row.existing}`,
		),
		passed: stats.passed,
		secretScan: {
			textsScanned: stats.scannedTexts,
			leaksFound: stats.leaks.length,
			leaks: stats.leaks,
		},
	};
}
