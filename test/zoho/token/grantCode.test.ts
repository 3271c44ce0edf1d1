// A grant code works once: Exchange Grant Code sends it once. Only a failure before
// anything left (connection refused, name not resolved) is tried again; when Zoho may have
// used the code and the answer was lost, the error says so and what to do.
import { buildConnector, Agent } from 'undici';

import { ZohoSimulator } from '../../../simulator';
import { userMessage, ZohoTransportError } from '../../../zoho/errors';
import { ZohoTokenClient } from '../../../zoho/token/tokenClient';
import {
	closeOpened,
	expectNoSecrets,
	openTokenClient,
	SCOPES,
	TINY_RETRY,
	zohoRejection,
} from '../fixtures';

const TOKEN_PATH = '/oauth/v2/token';
const sim = new ZohoSimulator({ dataCentres: ['us'] });

beforeAll(() => sim.start());
afterAll(() => sim.stop());
beforeEach(() => sim.resetCounters());
afterEach(async () => {
	sim.clearFaults();
	await closeOpened();
});

function grant(): { clientId: string; clientSecret: string; code: string } {
	const { clientId, clientSecret } = sim.registerClient('us');
	return { clientId, clientSecret, code: sim.createGrantCode('us', { clientId, scopes: SCOPES }) };
}

describe('the answer is lost after Zoho used the code: one request, a clear error', () => {
	const cases = [
		{
			name: 'a slow answer past the timeout',
			fault: { kind: 'delay', delayMs: 2_000 } as const,
			cause: 'TIMEOUT',
		},
		{ name: 'HTTP 500', fault: { kind: 'status', status: 500 } as const, cause: 'SERVER_ERROR' },
		{ name: 'a dropped connection', fault: { kind: 'drop' } as const, cause: 'NETWORK_ERROR' },
	];

	it.each(cases)('$name', async ({ fault, cause }) => {
		const { clientId, clientSecret, code } = grant();
		sim.injectFault({ path: TOKEN_PATH, afterHandling: true, times: Infinity, ...fault });
		const client = openTokenClient({ timeoutMs: 300 });
		const error = await zohoRejection(
			client.exchangeGrantCode({ accountsUrl: sim.url('us'), clientId, clientSecret, code }),
			'GRANT_CODE_ANSWER_LOST',
		);

		expect(sim.counters().tokenRequests).toBe(1);
		// Zoho did use it: a refresh token was made that nobody received.
		expect(sim.counters().tokenRequestsByOutcome['authorization_code:success']).toBe(1);
		expect(error).toBeInstanceOf(ZohoTransportError);
		expect(error.field).toBe('Grant Code');
		expect(((error as Error).cause as ZohoTransportError).code).toBe(cause);
		expect(error.message).toMatch(/^Zoho may have used the grant code, but its answer was lost: /);
		expect(error.hint).toContain('Generate a new grant code');
		expect(error.hint).toContain('run Exchange Grant Code again');
		expect(error.hint).toContain(
			`sign in at ${sim.url('us')} and remove it under Sessions → Connected Apps`,
		);
		expectNoSecrets({ error, secrets: [clientSecret, code], extraTexts: [userMessage(error)] });
	});

	it('a 500 before Zoho handled it is still not sent twice (no way to tell the two apart)', async () => {
		const { clientId, clientSecret, code } = grant();
		sim.injectFault({ path: TOKEN_PATH, kind: 'status', status: 503, times: Infinity });
		await zohoRejection(
			openTokenClient().exchangeGrantCode({
				accountsUrl: sim.url('us'),
				clientId,
				clientSecret,
				code,
			}),
			'GRANT_CODE_ANSWER_LOST',
		);
		expect(sim.counters().tokenRequests).toBe(1);
	});

	it('a refresh is still retried after a 500 (refreshing twice does no harm)', async () => {
		const { clientId, clientSecret } = sim.registerClient('us');
		const refreshToken = sim.createRefreshToken('us', { clientId, scopes: SCOPES });
		sim.injectFault({ path: TOKEN_PATH, kind: 'status', status: 500 });
		const token = await openTokenClient().refresh({
			accountsUrl: sim.url('us'),
			clientId,
			clientSecret,
			refreshToken,
		});
		expect(token.accessToken).toMatch(/^1000\./);
		expect(sim.counters().tokenRequests).toBe(2);
	});
});

describe('a failure before sending is retried', () => {
	it('connection refused once, then the code is exchanged with one request', async () => {
		const { clientId, clientSecret, code } = grant();
		const connect = buildConnector({});
		let connects = 0;
		// The first connection attempt is refused, as by a server that is restarting.
		const dispatcher = new Agent({
			connect: (options, callback) => {
				connects++;
				if (connects === 1) {
					callback(
						Object.assign(new Error('connect ECONNREFUSED 127.0.0.1'), { code: 'ECONNREFUSED' }),
						null,
					);
					return;
				}
				connect(options, callback);
			},
		});
		try {
			const client = new ZohoTokenClient({ dispatcher, retry: TINY_RETRY });
			const result = await client.exchangeGrantCode({
				accountsUrl: sim.url('us'),
				clientId,
				clientSecret,
				code,
			});
			expect(result.refreshToken).toMatch(/^1000\./);
			expect(connects).toBe(2);
			expect(sim.counters().tokenRequests).toBe(1);
		} finally {
			await dispatcher.close();
		}
	});

	it('a host name that does not resolve is retried, and then reported as it is', async () => {
		const { clientId, clientSecret, code } = grant();
		let lookups = 0;
		const dispatcher = new Agent({
			connect: {
				lookup: (hostname, _options, callback) => {
					lookups++;
					callback(
						Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
						'',
						4,
					);
				},
			},
		});
		try {
			const client = new ZohoTokenClient({ dispatcher, retry: TINY_RETRY });
			const error = await zohoRejection(
				client.exchangeGrantCode({
					accountsUrl: 'https://accounts.zoho.invalid',
					clientId,
					clientSecret,
					code,
				}),
				'NETWORK_ERROR',
			);
			expect(error.neverSent).toBe(true);
			expect(lookups).toBe(1 + TINY_RETRY.retries);
		} finally {
			await dispatcher.close();
		}
	});
});
