// Reading the credential fields (zoho/credentials.ts): trimming, validation, the cache key.
import { cacheKey, parseCredentials, savedToken, tokenFields } from '../../zoho/credentials';
import { ZohoInputError } from '../../zoho/errors';
import { expectNoSecrets } from './fixtures';

const CLIENT_ID = '1000.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123';
const CLIENT_SECRET = '0123456789abcdef0123456789abcdef0123456789';
const REFRESH_TOKEN = '1000.0123456789abcdef0123456789abcdef.fedcba9876543210fedcba9876543210';
const VALID = {
	dataCentre: 'eu',
	clientId: CLIENT_ID,
	clientSecret: CLIENT_SECRET,
	refreshToken: REFRESH_TOKEN,
};

function inputErrorOf(
	raw: Record<string, unknown>,
	options?: { requireRefreshToken?: boolean },
): ZohoInputError {
	let caught: unknown;
	try {
		parseCredentials(raw, options);
	} catch (error) {
		caught = error;
	}
	expect(caught).toBeInstanceOf(ZohoInputError);
	expect((caught as ZohoInputError).code).toBe('INVALID_INPUT');
	return caught as ZohoInputError;
}

describe('parseCredentials', () => {
	it('trims pasted values', () => {
		const creds = parseCredentials({
			dataCentre: ' EU ',
			clientId: `  ${CLIENT_ID}\n`,
			clientSecret: `\t${CLIENT_SECRET} `,
			refreshToken: `\n${REFRESH_TOKEN}\r\n`,
		});
		expect(creds).toEqual({
			dataCentre: 'eu',
			accountsUrl: 'https://accounts.zoho.eu',
			clientId: CLIENT_ID,
			clientSecret: CLIENT_SECRET,
			refreshToken: REFRESH_TOKEN,
			key: parseCredentials(VALID).key,
			concurrencyLimit: undefined,
			limitKey: parseCredentials(VALID).limitKey,
		});
	});

	it('reads the Concurrency Limit: none by default, an edition, or a custom number', () => {
		expect(parseCredentials(VALID).concurrencyLimit).toBeUndefined();
		expect(
			parseCredentials({ ...VALID, concurrencyLimit: 'none' }).concurrencyLimit,
		).toBeUndefined();
		const editions = ['free', 'standard', 'professional', 'enterprise', 'ultimate'].map(
			(edition) => parseCredentials({ ...VALID, concurrencyLimit: edition }).concurrencyLimit,
		);
		expect(editions).toEqual([5, 10, 15, 20, 25]);
		expect(
			parseCredentials({ ...VALID, concurrencyLimit: 'custom', customConcurrencyLimit: 7 })
				.concurrencyLimit,
		).toBe(7);
	});

	it('refuses an unusable Concurrency Limit, naming the field', () => {
		const custom = inputErrorOf({
			...VALID,
			concurrencyLimit: 'custom',
			customConcurrencyLimit: 0,
		});
		expect(custom.field).toBe('Custom Concurrency Limit');
		expect(custom.message).toBe(
			'Custom Concurrency Limit is "0", not a whole number of at least 1.',
		);
		const unknown = inputErrorOf({ ...VALID, concurrencyLimit: 'gold' });
		expect(unknown.field).toBe('Concurrency Limit');
		expect(unknown.message).toBe('Unknown Concurrency Limit "gold".');
	});

	it('shares the concurrency budget between refresh tokens of one client, not between clients', () => {
		const other = parseCredentials({ ...VALID, refreshToken: `${REFRESH_TOKEN}x` });
		expect(other.key).not.toBe(parseCredentials(VALID).key);
		expect(other.limitKey).toBe(parseCredentials(VALID).limitKey);
		expect(parseCredentials({ ...VALID, clientId: `${CLIENT_ID}9` }).limitKey).not.toBe(
			other.limitKey,
		);
	});

	it('defaults to the US data centre', () => {
		const creds = parseCredentials({ ...VALID, dataCentre: undefined });
		expect(creds.dataCentre).toBe('us');
		expect(creds.accountsUrl).toBe('https://accounts.zoho.com');
	});

	it('takes a custom accounts URL', () => {
		const creds = parseCredentials({
			...VALID,
			dataCentre: 'custom',
			customAccountsUrl: ' http://127.0.0.1:4010/ ',
		});
		expect(creds.dataCentre).toBe('custom');
		expect(creds.accountsUrl).toBe('http://127.0.0.1:4010');
	});

	it.each([
		['clientId', 'Client ID'],
		['clientSecret', 'Client Secret'],
		['refreshToken', 'Refresh Token'],
	])('refuses an empty or blank %s, naming the field', (name, label) => {
		for (const value of ['', '   ', '\n\t', undefined]) {
			const error = inputErrorOf({ ...VALID, [name]: value });
			expect(error.field).toBe(label);
			expect(error.message).toBe(`${label} is empty.`);
			expect(error.hint).toMatch(/Zoho API Console/);
		}
	});

	it.each([
		['clientId', 'Client ID'],
		['clientSecret', 'Client Secret'],
		['refreshToken', 'Refresh Token'],
	])('refuses a %s broken by a space or line break, without echoing it', (name, label) => {
		const broken = 'abcdef123456 \n7890abcdef';
		const error = inputErrorOf({ ...VALID, [name]: broken });
		expect(error.field).toBe(label);
		expect(error.message).toBe(`${label} contains spaces or line breaks.`);
		expectNoSecrets({
			error,
			secrets: ['abcdef123456', '7890abcdef', CLIENT_SECRET, REFRESH_TOKEN],
		});
	});

	it('allows an empty refresh token with requireRefreshToken: false', () => {
		for (const refreshToken of ['', '  ', undefined]) {
			const creds = parseCredentials({ ...VALID, refreshToken }, { requireRefreshToken: false });
			expect(creds.refreshToken).toBe('');
			expect(creds.clientSecret).toBe(CLIENT_SECRET);
		}
		// Still checked when given.
		expect(
			inputErrorOf({ ...VALID, refreshToken: 'a b c d e f' }, { requireRefreshToken: false }).field,
		).toBe('Refresh Token');
		// The other fields stay required.
		expect(inputErrorOf({ ...VALID, clientSecret: '' }, { requireRefreshToken: false }).field).toBe(
			'Client Secret',
		);
	});

	it('refuses an unknown data centre and a bad custom URL, naming the field', () => {
		const unknown = inputErrorOf({ ...VALID, dataCentre: 'mars' });
		expect(unknown.field).toBe('Data Centre');
		expect(unknown.message).toBe('Unknown data centre "mars".');
		expect(unknown.hint).toContain('Canada (zohocloud.ca)');
		const custom = inputErrorOf({
			...VALID,
			dataCentre: 'custom',
			customAccountsUrl: 'http://example.com',
		});
		expect(custom.field).toBe('Custom Accounts URL');
	});

	it('keys the cache by a hash that holds none of the credential values', () => {
		const creds = parseCredentials(VALID);
		expect(creds.key).toMatch(/^[0-9a-f]{32}$/);
		expect(creds.key).toBe(
			cacheKey({
				accountsUrl: 'https://accounts.zoho.eu',
				clientId: CLIENT_ID,
				refreshToken: REFRESH_TOKEN,
			}),
		);
		for (const part of [
			CLIENT_ID,
			CLIENT_SECRET,
			REFRESH_TOKEN,
			REFRESH_TOKEN.slice(5, 37),
			CLIENT_ID.slice(5),
		]) {
			expect(creds.key).not.toContain(part);
		}
		// Each part matters.
		const keys = new Set([
			creds.key,
			parseCredentials({ ...VALID, dataCentre: 'us' }).key,
			parseCredentials({ ...VALID, clientId: `${CLIENT_ID}X` }).key,
			parseCredentials({ ...VALID, refreshToken: `${REFRESH_TOKEN}0` }).key,
		]);
		expect(keys.size).toBe(4);
		// The secret is not part of the identity: a corrected secret keeps the cached token's key.
		expect(parseCredentials({ ...VALID, clientSecret: 'another-secret-value' }).key).toBe(
			creds.key,
		);
	});
});

describe('saved token fields', () => {
	const token = {
		accessToken: '1000.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
		issuedAt: Date.UTC(2024, 4, 1, 10, 0, 0),
		expiresAt: Date.UTC(2024, 4, 1, 11, 0, 0),
		apiDomain: 'https://www.zohoapis.eu',
		tokenType: 'Bearer',
	};

	it('round-trips through the hidden credential fields', () => {
		const fields = tokenFields(token);
		expect(fields).toEqual({
			accessToken: token.accessToken,
			accessTokenExpiresAt: '2024-05-01T11:00:00.000Z',
			accessTokenIssuedAt: '2024-05-01T10:00:00.000Z',
			apiDomain: 'https://www.zohoapis.eu',
		});
		expect(savedToken(fields)).toEqual(token);
	});

	it('ignores incomplete saved fields', () => {
		const fields = tokenFields(token);
		expect(savedToken({ ...fields, accessToken: '' })).toBeUndefined();
		expect(savedToken({ ...fields, accessTokenExpiresAt: 'soon' })).toBeUndefined();
		expect(savedToken({ ...fields, accessTokenIssuedAt: undefined })).toBeUndefined();
		expect(savedToken({ ...fields, apiDomain: 'nowhere' })).toBeUndefined();
	});
});
