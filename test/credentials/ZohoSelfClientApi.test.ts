// The n8n credential "Zoho Self Client API": its preAuthentication and the Test button,
// against the simulator through a custom accounts URL.
import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IHttpRequestHelper,
} from 'n8n-workflow';

import { ZohoSelfClientApi } from '../../credentials/ZohoSelfClientApi.credentials';
import { preAuthenticate } from '../../credentials/preAuthenticate';
import { zohoSelfClientApiTest } from '../../nodes/shared/methods/credentialTest';
import { ZohoSimulator } from '../../simulator';
import { setSharedZohoRuntime, type ZohoRuntime } from '../../zoho/runtime';
import {
	closeOpened,
	expectNoSecrets,
	openRuntime,
	rejectionOf,
	selfClient,
	SimClock,
	type SelfClient,
} from '../zoho/fixtures';

const TOKEN_PATH = '/oauth/v2/token';
const sim = new ZohoSimulator({ dataCentres: ['us', 'eu'] });

beforeAll(() => sim.start());
afterAll(() => sim.stop());

let runtime: ZohoRuntime;
let clock: SimClock;
beforeEach(() => {
	clock = new SimClock(sim);
	runtime = openRuntime({ clock });
	setSharedZohoRuntime(runtime);
});
afterEach(async () => {
	setSharedZohoRuntime(undefined);
	sim.clearFaults();
	await closeOpened();
});

/** preAuthentication as n8n calls it: a method of the credential class. */
function preAuthentication(data: Record<string, unknown>): Promise<Record<string, unknown>> {
	return new ZohoSelfClientApi().preAuthentication.call({} as IHttpRequestHelper, data as never);
}

function testCredential(data: Record<string, unknown>) {
	const credential: ICredentialsDecrypted = {
		id: '1',
		name: 'Zoho',
		type: 'zohoSelfClientApi',
		data: data as never,
	};
	return zohoSelfClientApiTest.call({} as ICredentialTestFunctions, credential);
}

function secretsOf(client: SelfClient, ...more: string[]): string[] {
	return [client.clientSecret, client.refreshToken, ...more];
}

/** The plain Error preAuthentication throws, whose message is all n8n shows. */
async function preAuthError(data: Record<string, unknown>): Promise<Error> {
	const error = await rejectionOf(preAuthentication(data));
	expect(error).toBeInstanceOf(Error);
	return error as Error;
}

describe('preAuthentication', () => {
	it('returns a token, its expiry and issue time as ISO strings, and the API domain', async () => {
		const client = selfClient(sim);
		const fields = await preAuthentication(client.data);
		expect(Object.keys(fields).sort()).toEqual([
			'accessToken',
			'accessTokenExpiresAt',
			'accessTokenIssuedAt',
			'apiDomain',
		]);
		expect(fields.accessToken).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/);
		expect(fields.accessTokenIssuedAt).toBe(new Date(clock.now()).toISOString());
		expect(fields.accessTokenExpiresAt).toBe(new Date(clock.now() + 3_600_000).toISOString());
		expect(fields.apiDomain).toBe(sim.url('us'));
		expect(sim.mintsFor(client.refreshToken)).toBe(1);
	});

	it('shares the runtime cache: a second call without a saved token mints nothing', async () => {
		const client = selfClient(sim);
		const first = await preAuthentication(client.data);
		const second = await preAuthenticate(client.data, runtime);
		expect(second).toEqual(first);
		expect(sim.mintsFor(client.refreshToken)).toBe(1);
	});

	it('never hands back the saved (stale) access token', async () => {
		const client = selfClient(sim);
		const first = await preAuthentication(client.data);
		const second = await preAuthentication({ ...client.data, ...first });
		expect(second.accessToken).not.toBe(first.accessToken);
		expect(sim.mintsFor(client.refreshToken)).toBe(2);
	});

	it('refuses when Zoho answers with the very token n8n saw fail', async () => {
		const client = selfClient(sim);
		const first = await preAuthentication(client.data);
		sim.injectFault({
			path: TOKEN_PATH,
			kind: 'status',
			status: 200,
			body: {
				access_token: first.accessToken,
				api_domain: sim.url('us'),
				token_type: 'Bearer',
				expires_in: 3600,
			},
		});
		const error = await preAuthError({ ...client.data, ...first });
		expect(error.message).toBe(
			'Zoho returned no new access token. Test the credential again in a minute.',
		);
		expectNoSecrets({ error, secrets: secretsOf(client, String(first.accessToken)) });
	});

	it('never returns an empty token', async () => {
		const client = selfClient(sim);
		sim.injectFault({
			path: TOKEN_PATH,
			kind: 'status',
			status: 200,
			body: { access_token: '', expires_in: 3600 },
		});
		const error = await preAuthError(client.data);
		expect(error.message).toMatch(
			/^Zoho's token endpoint gave an unexpected answer \(HTTP 200\)\. Check that the Data Centre/,
		);
	});

	const refusals: Array<[string, (client: SelfClient) => Record<string, string>, RegExp]> = [
		[
			'a wrong client id',
			(client: SelfClient) => ({ clientId: `${client.clientId}X` }),
			/^Zoho's accounts server http:\/\/127\.0\.0\.1:\d+ does not know this Client ID \(invalid_client\)\. .*Check the Data Centre field/,
		],
		[
			'a wrong client secret',
			() => ({ clientSecret: 'ffffffffffffffffffffffffffffffffffffffffff' }),
			/^Zoho rejected the Client Secret \(invalid_client_secret\)\. Copy the Client Secret again/,
		],
		[
			'a revoked refresh token',
			(client: SelfClient) => ({ refreshToken: `${client.refreshToken.slice(0, -4)}0000` }),
			/^Zoho rejected the Refresh Token \(invalid_code\): .*Exchange Grant Code/,
		],
		[
			'an empty client id',
			() => ({ clientId: '  ' }),
			/^Client ID is empty\. Copy the Client ID from the Zoho API Console/,
		],
		[
			'an http custom URL',
			() => ({ customAccountsUrl: 'http://example.com' }),
			/^Custom Accounts URL must use https \(got http\)\./,
		],
	];
	it.each(refusals)('throws the actionable message for %s', async (_name, change, message) => {
		const client = selfClient(sim);
		const changed = { ...client.data, ...change(client) };
		const error = await preAuthError(changed);
		expect(error.message).toMatch(message);
		expectNoSecrets({
			error,
			secrets: secretsOf(client, changed.clientSecret, changed.refreshToken),
		});
	});

	it('throws a throttled refresh with when to retry, and leaks no token', async () => {
		const client = selfClient(sim);
		const tokens: string[] = [];
		for (let i = 0; i < 10; i++) {
			const saved = tokens.length ? { accessToken: tokens[tokens.length - 1] } : {};
			tokens.push(String((await preAuthentication({ ...client.data, ...saved })).accessToken));
		}
		expect(new Set(tokens).size).toBe(10);
		const error = await preAuthError({ ...client.data, accessToken: tokens[9] });
		expect(error.message).toContain('too many token requests');
		expect(error.message).toContain(`Retry after ${new Date(clock.now() + 600_000).toISOString()}`);
		expectNoSecrets({ error, secrets: secretsOf(client, ...tokens) });
	});
});

describe('credential Test button', () => {
	it('says OK with the API domain and scopes', async () => {
		const client = selfClient(sim);
		const result = await testCredential(client.data);
		expect(result.status).toBe('OK');
		expect(result.message).toBe(
			`Connection tested successfully. API domain: ${sim.url('us')}. Scopes: ZohoCRM.modules.ALL, ZohoCRM.org.READ.`,
		);
		expect(sim.mintsFor(client.refreshToken)).toBe(1);
	});

	it('really checks the form values: it mints even when a token is cached', async () => {
		const client = selfClient(sim);
		await preAuthentication(client.data);
		expect((await testCredential(client.data)).status).toBe('OK');
		expect(sim.mintsFor(client.refreshToken)).toBe(2);
	});

	it('a wrong client id: Error pointing at the data centre', async () => {
		const client = selfClient(sim);
		const result = await testCredential({
			...client.data,
			clientId: '1000.WRONGWRONGWRONGWRONGWRONGWRONG',
		});
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(
			/does not know this Client ID \(invalid_client\)\. A Self Client exists only in the data centre/,
		);
		expect(result.message).toContain('Check the Data Centre field');
		expectNoSecrets({ secrets: secretsOf(client), extraTexts: [result.message] });
	});

	it('a client of the EU data centre tested against the US server: Error pointing at the data centre', async () => {
		const client = selfClient(sim, 'eu');
		const result = await testCredential({ ...client.data, customAccountsUrl: sim.url('us') });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('(invalid_client)');
		expect(result.message).toContain('Check the Data Centre field');
		expectNoSecrets({ secrets: secretsOf(client), extraTexts: [result.message] });
	});

	it('a wrong client secret: Error saying to copy the secret again', async () => {
		const client = selfClient(sim);
		const wrongSecret = 'ffffffffffffffffffffffffffffffffffffffffff';
		const result = await testCredential({ ...client.data, clientSecret: wrongSecret });
		expect(result.status).toBe('Error');
		expect(result.message).toBe(
			'Zoho rejected the Client Secret (invalid_client_secret). Copy the Client Secret again from the Zoho API Console (Self Client → Client Secret tab) into the credential.',
		);
		expectNoSecrets({ secrets: secretsOf(client, wrongSecret), extraTexts: [result.message] });
	});

	it('a slow accounts server: Error with the timeout, no secrets', async () => {
		const client = selfClient(sim);
		setSharedZohoRuntime(
			openRuntime({
				clock,
				tokenTimeoutMs: 50,
				tokenRetry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 },
			}),
		);
		sim.injectFault({ path: TOKEN_PATH, kind: 'delay', delayMs: 2_000 });
		const result = await testCredential(client.data);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(
			/^Zoho did not answer within 50 ms \(http:\/\/127\.0\.0\.1:\d+\/oauth\/v2\/token\)\./,
		);
		expectNoSecrets({ secrets: secretsOf(client), extraTexts: [result.message] });
	});

	it('an empty field: Error naming it', async () => {
		const client = selfClient(sim);
		const result = await testCredential({ ...client.data, refreshToken: '' });
		expect(result).toEqual({
			status: 'Error',
			message: expect.stringMatching(
				/^Refresh Token is empty\. Generate a grant code in the Zoho API Console/,
			),
		});
	});
});
