// ZohoTokenClient against the simulator over real HTTP: every token error Zoho sends
// (all with HTTP 200), retries of 5xx, timeouts, the legacy answer shape, and that no
// secret ever reaches an error.
import { ZohoSimulator } from '../../../simulator';
import { userMessage, ZohoAuthError, ZohoTransportError } from '../../../zoho/errors';
import { backoffDelay } from '../../../zoho/http/retry';
import {
	closeOpened,
	expectNoSecrets,
	NO_RETRY,
	openTokenClient,
	SCOPES,
	selfClient,
	SimClock,
	TINY_RETRY,
	until,
	zohoRejection,
	type SelfClient,
} from '../fixtures';

const TOKEN_PATH = '/oauth/v2/token';
const sim = new ZohoSimulator({ dataCentres: ['us', 'eu'] });

beforeAll(() => sim.start());
afterAll(() => sim.stop());
afterEach(async () => {
	sim.clearFaults();
	sim.configure({ legacyExpiresShape: false, tokenLifetimeSec: 3600 });
	await closeOpened();
});

/** Arguments of ZohoTokenClient.refresh for a Self Client served by the simulator. */
function refreshArgs(
	client: SelfClient,
	overrides: Partial<{
		accountsUrl: string;
		clientId: string;
		clientSecret: string;
		refreshToken: string;
	}> = {},
) {
	return {
		accountsUrl: sim.url(client.dc),
		clientId: client.clientId,
		clientSecret: client.clientSecret,
		refreshToken: client.refreshToken,
		...overrides,
	};
}

function secretsOf(client: SelfClient, ...more: string[]): string[] {
	return [client.clientSecret, client.refreshToken, ...more];
}

describe('successful answers', () => {
	it('refreshes: token, api_domain, scopes and expiry from the moment of sending', async () => {
		const client = selfClient(sim);
		const clock = new SimClock(sim);
		const token = await openTokenClient({ clock }).refresh(refreshArgs(client));
		expect(token.accessToken).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/);
		expect(token.apiDomain).toBe(sim.url('us'));
		expect(token.tokenType).toBe('Bearer');
		expect(token.scopes).toEqual(SCOPES);
		expect(token.issuedAt).toBe(clock.now());
		expect(token.expiresAt).toBe(clock.now() + 3_600_000);
		expect(sim.mintsFor(client.refreshToken)).toBe(1);
	});

	it('exchanges a grant code for a refresh token and an access token', async () => {
		const { clientId, clientSecret } = sim.registerClient('us');
		const code = sim.createGrantCode('us', { clientId, scopes: SCOPES });
		const result = await openTokenClient().exchangeGrantCode({
			accountsUrl: sim.url('us'),
			clientId,
			clientSecret,
			code,
		});
		expect(result.refreshToken).toMatch(/^1000\./);
		expect(result.accessToken).toMatch(/^1000\./);
		expect(result.expiresAt - result.issuedAt).toBe(3_600_000);
		expect(sim.mintsFor(result.refreshToken)).toBe(1);
	});

	it('reads the legacy shape (expires_in_sec, expires_in in ms) as 3600 s from when the request was sent', async () => {
		sim.configure({ legacyExpiresShape: true });
		const client = selfClient(sim);
		const clock = new SimClock(sim);
		const sentAt = clock.now();
		sim.injectFault({ path: TOKEN_PATH, kind: 'delay', delayMs: 300 });
		const before = sim.counters().tokenRequests;
		const pending = openTokenClient({ clock }).refresh(refreshArgs(client));
		// The request has reached Zoho; a minute passes before the answer comes back.
		await until(() => sim.counters().tokenRequests > before);
		clock.advance(60_000);
		const token = await pending;
		expect(token.issuedAt).toBe(sentAt);
		expect(token.expiresAt).toBe(sentAt + 3_600_000);
	});
});

describe('token errors (HTTP 200 with an error body)', () => {
	it('invalid_client: unknown client id, pointing at the Data Centre field', async () => {
		const client = selfClient(sim);
		const wrongId = '1000.UNKNOWNCLIENTIDUNKNOWNCLIENTID';
		const error = await zohoRejection(
			openTokenClient().refresh(refreshArgs(client, { clientId: wrongId })),
			'INVALID_CLIENT',
		);
		expect(error).toBeInstanceOf(ZohoAuthError);
		expect(error.message).toBe(
			`Zoho's accounts server ${sim.url('us')} does not know this Client ID (invalid_client).`,
		);
		expect(error.field).toBe('Data Centre');
		expect(error.hint).toContain('Check the Data Centre field');
		expect(userMessage(error)).toContain('Data Centre field');
		expect(error.zohoCode).toBe('invalid_client');
		expect(error.httpStatus).toBe(200);
		expect(error.retryable).toBe(false);
		expectNoSecrets({ error, secrets: secretsOf(client) });
	});

	it('invalid_client: a client of the EU data centre used against the US accounts server', async () => {
		const client = selfClient(sim, 'eu');
		const before = sim.counters().tokenRequests;
		const error = await zohoRejection(
			openTokenClient().refresh(refreshArgs(client, { accountsUrl: sim.url('us') })),
			'INVALID_CLIENT',
		);
		expect(error.field).toBe('Data Centre');
		expect(error.message).toContain(sim.url('us'));
		expect(error.hint).toMatch(/only in the data centre where it was created/);
		expect(error.hint).toContain('accounts.zoho.eu');
		// Not retried: one request.
		expect(sim.counters().tokenRequests - before).toBe(1);
		expect(sim.mintsFor(client.refreshToken)).toBe(0);
		expectNoSecrets({ error, secrets: secretsOf(client) });
	});

	it('invalid_client_secret: wrong secret', async () => {
		const client = selfClient(sim);
		const wrongSecret = 'ffffffffffffffffffffffffffffffffffffffffff';
		const error = await zohoRejection(
			openTokenClient().refresh(refreshArgs(client, { clientSecret: wrongSecret })),
			'INVALID_CLIENT_SECRET',
		);
		expect(error).toBeInstanceOf(ZohoAuthError);
		expect(error.message).toBe('Zoho rejected the Client Secret (invalid_client_secret).');
		expect(error.field).toBe('Client Secret');
		expect(error.hint).toContain('Copy the Client Secret again');
		expectNoSecrets({ error, secrets: secretsOf(client, wrongSecret) });
	});

	describe('invalid_code on refresh: the refresh token is unusable', () => {
		async function expectRefreshTokenRefused(options: {
			client: SelfClient;
			refreshToken: string;
		}): Promise<void> {
			const error = await zohoRejection(
				openTokenClient().refresh(
					refreshArgs(options.client, { refreshToken: options.refreshToken }),
				),
				'INVALID_REFRESH_TOKEN',
			);
			expect(error).toBeInstanceOf(ZohoAuthError);
			expect(error.message).toBe(
				'Zoho rejected the Refresh Token (invalid_code): it was revoked, mistyped, or belongs to another client or data centre.',
			);
			expect(error.field).toBe('Refresh Token');
			expect(error.zohoCode).toBe('invalid_code');
			expect(error.hint).toContain('Exchange Grant Code');
			expectNoSecrets({ error, secrets: secretsOf(options.client, options.refreshToken) });
		}

		it('revoked', async () => {
			const client = selfClient(sim);
			expect(sim.revokeRefreshToken('us', client.refreshToken)).toBe(true);
			await expectRefreshTokenRefused({ client, refreshToken: client.refreshToken });
		});

		it('mistyped', async () => {
			const client = selfClient(sim);
			await expectRefreshTokenRefused({
				client,
				refreshToken: `${client.refreshToken.slice(0, -1)}x`,
			});
		});

		it('from another data centre', async () => {
			const euClient = selfClient(sim, 'eu');
			// The same client exists in the US, but the refresh token was made in the EU.
			sim.registerClient('us', {
				clientId: euClient.clientId,
				clientSecret: euClient.clientSecret,
			});
			await expectRefreshTokenRefused({
				client: { ...euClient, dc: 'us' },
				refreshToken: euClient.refreshToken,
			});
			expect(sim.mintsFor(euClient.refreshToken)).toBe(0);
		});
	});

	describe('invalid_code on exchange: the grant code is unusable', () => {
		async function expectGrantCodeRefused(options: {
			clientId: string;
			clientSecret: string;
			code: string;
		}): Promise<void> {
			const error = await zohoRejection(
				openTokenClient().exchangeGrantCode({ accountsUrl: sim.url('us'), ...options }),
				'INVALID_GRANT_CODE',
			);
			expect(error).toBeInstanceOf(ZohoAuthError);
			expect(error.message).toBe(
				'Zoho rejected the grant code (invalid_code): it has expired or was already used.',
			);
			expect(error.field).toBe('Grant Code');
			expect(error.hint).toContain('Grant codes live 3–10 minutes and work once');
			expectNoSecrets({ error, secrets: [options.clientSecret, options.code] });
		}

		it('expired after its 3-minute lifetime', async () => {
			const { clientId, clientSecret } = sim.registerClient('us');
			const code = sim.createGrantCode('us', { clientId, scopes: SCOPES, ttlMs: 180_000 });
			sim.advanceClock(180_001);
			await expectGrantCodeRefused({ clientId, clientSecret, code });
		});

		it('already used', async () => {
			const { clientId, clientSecret } = sim.registerClient('us');
			const code = sim.createGrantCode('us', { clientId, scopes: SCOPES, ttlMs: 600_000 });
			const first = await openTokenClient().exchangeGrantCode({
				accountsUrl: sim.url('us'),
				clientId,
				clientSecret,
				code,
			});
			await expectGrantCodeRefused({ clientId, clientSecret, code });
			expect(sim.mintsFor(first.refreshToken)).toBe(1);
		});
	});

	it('Access Denied after 10 mints in 10 minutes: TOKEN_THROTTLED, saying when to retry', async () => {
		const client = selfClient(sim);
		const clock = new SimClock(sim);
		const tokenClient = openTokenClient({ clock, retry: NO_RETRY });
		const tokens = new Set<string>();
		for (let i = 0; i < 10; i++)
			tokens.add((await tokenClient.refresh(refreshArgs(client))).accessToken);
		expect(tokens.size).toBe(10);

		const error = await zohoRejection(tokenClient.refresh(refreshArgs(client)), 'TOKEN_THROTTLED');
		expect(error).toBeInstanceOf(ZohoAuthError);
		expect(error.zohoCode).toBe('Access Denied');
		expect(error.zohoMessage).toBe(
			'You have made too many requests continuously. Please try again after some time.',
		);
		expect(error.message).toBe(
			'Zoho refused to issue an access token: too many token requests for this refresh token (Access Denied).',
		);
		const retryAt = new Date(clock.now() + 600_000).toISOString();
		expect(error.hint).toContain(`Retry after ${retryAt}`);
		expect(userMessage(error)).toContain(`Retry after ${retryAt}`);
		expect(error.retryAfterMs).toBe(600_000);
		expect(sim.mintsFor(client.refreshToken)).toBe(10);
		expectNoSecrets({ error, secrets: secretsOf(client, ...tokens) });

		// The window frees after ten minutes.
		clock.advance(600_001);
		await tokenClient.refresh(refreshArgs(client));
		expect(sim.mintsFor(client.refreshToken)).toBe(11);
	});

	it('access_denied (lower case) is throttling too', async () => {
		const client = selfClient(sim);
		sim.injectFault({
			path: TOKEN_PATH,
			kind: 'status',
			status: 200,
			body: {
				error: 'access_denied',
				error_description:
					'Token creation throttle limit reached. Please reuse the valid tokens you currently have.',
			},
		});
		const error = await zohoRejection(
			openTokenClient().refresh(refreshArgs(client)),
			'TOKEN_THROTTLED',
		);
		expect(error.retryAfterMs).toBe(600_000);
		expect(error.message).toContain('(access_denied)');
	});

	it.each([
		[
			'invalid_redirect_uri',
			'INVALID_REDIRECT_URI',
			'Zoho rejected the redirect URI (invalid_redirect_uri).',
		],
		[
			'missing_org_info',
			'MISSING_ORG_INFO',
			'Zoho needs the organisation for this grant (missing_org_info).',
		],
	] as const)('%s maps to %s', async (zohoCode, code, message) => {
		const client = selfClient(sim);
		sim.injectFault({ path: TOKEN_PATH, kind: 'status', status: 200, body: { error: zohoCode } });
		const error = await zohoRejection(openTokenClient().refresh(refreshArgs(client)), code);
		expect(error.message).toBe(message);
	});

	it('an unknown error value: TOKEN_REQUEST_FAILED quoting Zoho, not retried', async () => {
		const client = selfClient(sim);
		const before = sim.counters().tokenRequests;
		sim.injectFault({
			path: TOKEN_PATH,
			kind: 'status',
			status: 200,
			times: 3,
			body: { error: 'general_error', error_description: 'Something went wrong on our side' },
		});
		const error = await zohoRejection(
			openTokenClient().refresh(refreshArgs(client)),
			'TOKEN_REQUEST_FAILED',
		);
		expect(error).toBeInstanceOf(ZohoAuthError);
		expect(error.message).toBe(
			`Zoho's token endpoint answered "general_error": Something went wrong on our side.`,
		);
		expect(error.zohoCode).toBe('general_error');
		expect(error.hint).toContain('Zoho API Console');
		expect(sim.counters().tokenRequests - before).toBe(1);
	});

	it('an error body that echoes the request does not leak the secrets', async () => {
		const client = selfClient(sim);
		sim.injectFault({
			path: TOKEN_PATH,
			kind: 'status',
			status: 200,
			body: {
				error: `bad_request ${client.refreshToken}`,
				error_description: `client_secret=${client.clientSecret}&refresh_token=${client.refreshToken} not accepted`,
			},
		});
		const error = await zohoRejection(
			openTokenClient().refresh(refreshArgs(client)),
			'TOKEN_REQUEST_FAILED',
		);
		expect(error.message).toContain('[redacted]');
		expectNoSecrets({ error, secrets: secretsOf(client), extraTexts: [userMessage(error)] });
	});
});

describe('unusable answers and transport failures', () => {
	it('a non-JSON body: INVALID_RESPONSE with a redacted excerpt', async () => {
		const client = selfClient(sim);
		sim.injectFault({ path: TOKEN_PATH, kind: 'nonJson' });
		const error = await zohoRejection(
			openTokenClient().refresh(refreshArgs(client)),
			'INVALID_RESPONSE',
		);
		expect(error).toBeInstanceOf(ZohoTransportError);
		expect(error.message).toBe(
			"Zoho's token endpoint gave an unexpected answer (HTTP 200, not JSON).",
		);
		expect(error.bodyExcerpt).toContain('Service temporarily unavailable');
		expect(error.hint).toContain('Custom Accounts URL');
		expect(error.url).toBe(`${sim.url('us')}${TOKEN_PATH}`);
	});

	it('a text body echoing the secrets is redacted in the excerpt', async () => {
		const client = selfClient(sim);
		sim.injectFault({
			path: TOKEN_PATH,
			kind: 'status',
			status: 200,
			body: `proxy error for client_secret=${client.clientSecret}&refresh_token=${client.refreshToken}`,
		});
		const error = await zohoRejection(
			openTokenClient().refresh(refreshArgs(client)),
			'INVALID_RESPONSE',
		);
		expect(error.bodyExcerpt).toBe(
			'proxy error for client_secret=[redacted]&refresh_token=[redacted]',
		);
		expectNoSecrets({ error, secrets: secretsOf(client) });
	});

	it('an empty access token is no token: INVALID_RESPONSE', async () => {
		const client = selfClient(sim);
		sim.injectFault({
			path: TOKEN_PATH,
			kind: 'status',
			status: 200,
			body: { access_token: '', expires_in: 3600 },
		});
		const error = await zohoRejection(
			openTokenClient().refresh(refreshArgs(client)),
			'INVALID_RESPONSE',
		);
		expect(error.message).toBe("Zoho's token endpoint gave an unexpected answer (HTTP 200).");
	});

	it('5xx is retried with bounded backoff, then SERVER_ERROR', async () => {
		const client = selfClient(sim);
		const before = sim.counters();
		sim.injectFault({
			path: TOKEN_PATH,
			kind: 'status',
			status: 503,
			times: Infinity,
			headers: { 'Retry-After': '3600' },
		});
		const error = await zohoRejection(
			openTokenClient({ retry: TINY_RETRY }).refresh(refreshArgs(client)),
			'SERVER_ERROR',
		);
		expect(error).toBeInstanceOf(ZohoTransportError);
		expect(error.message).toBe("Zoho's accounts server failed with HTTP 503.");
		expect(error.httpStatus).toBe(503);
		expect(error.retryable).toBe(true);
		expect(error.retryAfterMs).toBe(3_600_000);
		const after = sim.counters();
		// One try and TINY_RETRY.retries more, despite a Retry-After of an hour (capped by maxDelayMs).
		expect(after.tokenRequests - before.tokenRequests).toBe(1 + TINY_RETRY.retries);
		expect(
			(after.tokenRequestsByOutcome['fault:status'] ?? 0) -
				(before.tokenRequestsByOutcome['fault:status'] ?? 0),
		).toBe(3);
		expect(sim.mintsFor(client.refreshToken)).toBe(0);
		expectNoSecrets({ error, secrets: secretsOf(client) });
	});

	it('5xx followed by success: the retry mints one token', async () => {
		const client = selfClient(sim);
		const before = sim.counters().tokenRequests;
		sim.injectFault({ path: TOKEN_PATH, kind: 'status', status: 500, times: 2 });
		const token = await openTokenClient({ retry: TINY_RETRY }).refresh(refreshArgs(client));
		expect(token.accessToken).toMatch(/^1000\./);
		expect(sim.counters().tokenRequests - before).toBe(3);
		expect(sim.mintsFor(client.refreshToken)).toBe(1);
	});

	it('the backoff is capped by the policy, also against a long Retry-After', () => {
		const policy = { retries: 10, baseDelayMs: 100, maxDelayMs: 2_000 };
		for (let attempt = 0; attempt < 10; attempt++) {
			const delay = backoffDelay({ attempt, policy });
			expect(delay).toBeGreaterThanOrEqual(
				Math.min(policy.maxDelayMs, (policy.baseDelayMs * 2 ** attempt) / 2),
			);
			expect(delay).toBeLessThanOrEqual(policy.maxDelayMs);
		}
		expect(backoffDelay({ attempt: 0, policy, retryAfterMs: 3_600_000 })).toBe(2_000);
		expect(backoffDelay({ attempt: 0, policy, retryAfterMs: 500 })).toBe(500);
	});

	it('a slow answer: TIMEOUT after timeoutMs, retried, then reported', async () => {
		const client = selfClient(sim);
		const before = sim.counters().tokenRequests;
		sim.injectFault({ path: TOKEN_PATH, kind: 'delay', delayMs: 2_000, times: 2 });
		const tokenClient = openTokenClient({
			timeoutMs: 50,
			retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 },
		});
		const error = await zohoRejection(tokenClient.refresh(refreshArgs(client)), 'TIMEOUT');
		expect(error).toBeInstanceOf(ZohoTransportError);
		expect(error.message).toBe(`Zoho did not answer within 50 ms (${sim.url('us')}${TOKEN_PATH}).`);
		expect(error.retryable).toBe(true);
		// The node's Timeout option does not govern token requests, so the hint must not send users there.
		expect(error.hint).toContain("Zoho's accounts server is slow or unreachable");
		expect(sim.counters().tokenRequests - before).toBe(2);
		expectNoSecrets({ error, secrets: secretsOf(client) });
	});

	it('a dropped connection is retried', async () => {
		const client = selfClient(sim);
		const before = sim.counters().tokenRequests;
		sim.injectFault({ path: TOKEN_PATH, kind: 'drop' });
		const token = await openTokenClient({ retry: TINY_RETRY }).refresh(refreshArgs(client));
		expect(token.accessToken).toMatch(/^1000\./);
		expect(sim.counters().tokenRequests - before).toBe(2);
	});

	it('a dropped connection every time: NETWORK_ERROR without secrets', async () => {
		const client = selfClient(sim);
		sim.injectFault({ path: TOKEN_PATH, kind: 'drop', times: Infinity });
		const error = await zohoRejection(
			openTokenClient({ retry: TINY_RETRY }).refresh(refreshArgs(client)),
			'NETWORK_ERROR',
		);
		expect(error.message).toMatch(
			/^Network error talking to http:\/\/127\.0\.0\.1:\d+\/oauth\/v2\/token: /,
		);
		expectNoSecrets({ error, secrets: secretsOf(client) });
	});
});

describe('revoke', () => {
	it('revokes a refresh token; a second revoke is REVOKE_FAILED naming the Refresh Token field', async () => {
		const client = selfClient(sim);
		const tokenClient = openTokenClient();
		await tokenClient.revoke({ accountsUrl: sim.url('us'), refreshToken: client.refreshToken });
		await zohoRejection(tokenClient.refresh(refreshArgs(client)), 'INVALID_REFRESH_TOKEN');
		const error = await zohoRejection(
			tokenClient.revoke({ accountsUrl: sim.url('us'), refreshToken: client.refreshToken }),
			'REVOKE_FAILED',
		);
		expect(error).toBeInstanceOf(ZohoAuthError);
		expect(error.message).toBe('Zoho did not revoke the refresh token (HTTP 400, invalid_token).');
		expect(error.field).toBe('Refresh Token');
		expectNoSecrets({ error, secrets: secretsOf(client) });
	});

	it('an answer echoing the refresh token does not leak it', async () => {
		const client = selfClient(sim);
		sim.injectFault({
			path: '/oauth/v2/token/revoke',
			kind: 'status',
			status: 400,
			body: { error: `unknown token ${client.refreshToken}` },
		});
		const error = await zohoRejection(
			openTokenClient().revoke({ accountsUrl: sim.url('us'), refreshToken: client.refreshToken }),
			'REVOKE_FAILED',
		);
		expect(error.message).toBe(
			'Zoho did not revoke the refresh token (HTTP 400, unknown token [redacted]).',
		);
		expectNoSecrets({ error, secrets: secretsOf(client) });
	});
});
