// Data centres and the custom accounts URL (zoho/dataCentres.ts).
import {
	DATA_CENTRES,
	dataCentreOfAccountsUrl,
	normaliseCustomAccountsUrl,
	resolveDataCentre,
} from '../../zoho/dataCentres';
import { ZohoInputError } from '../../zoho/errors';
import { isOriginAllowed, serviceUrl } from '../../zoho/api/services';

const EXPECTED = {
	us: ['https://accounts.zoho.com', 'https://www.zohoapis.com'],
	eu: ['https://accounts.zoho.eu', 'https://www.zohoapis.eu'],
	in: ['https://accounts.zoho.in', 'https://www.zohoapis.in'],
	au: ['https://accounts.zoho.com.au', 'https://www.zohoapis.com.au'],
	jp: ['https://accounts.zoho.jp', 'https://www.zohoapis.jp'],
	cn: ['https://accounts.zoho.com.cn', 'https://www.zohoapis.com.cn'],
	ca: ['https://accounts.zohocloud.ca', 'https://www.zohoapis.ca'],
	sa: ['https://accounts.zoho.sa', 'https://www.zohoapis.sa'],
	uk: ['https://accounts.zoho.uk', 'https://www.zohoapis.uk'],
} as const;

function inputErrorOf(action: () => unknown): ZohoInputError {
	let caught: unknown;
	try {
		action();
	} catch (error) {
		caught = error;
	}
	expect(caught).toBeInstanceOf(ZohoInputError);
	return caught as ZohoInputError;
}

describe('data centres', () => {
	it('lists all nine data centres with their accounts server and API domain', () => {
		expect(Object.keys(DATA_CENTRES).sort()).toEqual(Object.keys(EXPECTED).sort());
		for (const [id, [accountsUrl, apiDomain]] of Object.entries(EXPECTED)) {
			const dc = DATA_CENTRES[id as keyof typeof DATA_CENTRES];
			expect([id, dc.accountsUrl, dc.apiDomain]).toEqual([id, accountsUrl, apiDomain]);
		}
	});

	it('labels Canada as Canada (zohocloud.ca), not China', () => {
		expect(DATA_CENTRES.ca.name).toBe('Canada (zohocloud.ca)');
		expect(DATA_CENTRES.cn.name).toBe('China (zoho.com.cn)');
	});

	it.each(Object.entries(EXPECTED))('resolves %s to its accounts server', (id, [accountsUrl]) => {
		expect(resolveDataCentre({ dataCentre: id }).accountsUrl).toBe(accountsUrl);
		expect(resolveDataCentre({ dataCentre: ` ${id.toUpperCase()} ` }).accountsUrl).toBe(
			accountsUrl,
		);
		expect(dataCentreOfAccountsUrl(`${accountsUrl}/`)).toBe(id);
	});

	it('knows no data centre for other servers', () => {
		expect(dataCentreOfAccountsUrl('http://127.0.0.1:8080')).toBeUndefined();
		expect(dataCentreOfAccountsUrl('not a url')).toBeUndefined();
	});

	it('refuses an unknown data centre, naming the Data Centre field', () => {
		const error = inputErrorOf(() => resolveDataCentre({ dataCentre: 'mars' }));
		expect(error.code).toBe('INVALID_INPUT');
		expect(error.field).toBe('Data Centre');
		expect(error.message).toBe('Unknown data centre "mars".');
		expect(error.hint).toBe(
			'Pick one of United States (zoho.com), Europe (zoho.eu), India (zoho.in), Australia (zoho.com.au), Japan (zoho.jp), China (zoho.com.cn), Canada (zohocloud.ca), Saudi Arabia (zoho.sa), United Kingdom (zoho.uk), or Custom.',
		);
	});
});

describe('custom accounts URL', () => {
	it.each([
		['https://accounts.zoho.com', 'https://accounts.zoho.com'],
		['  https://accounts.zoho.eu/  ', 'https://accounts.zoho.eu'],
		['https://zoho-proxy.example.com/accounts/', 'https://zoho-proxy.example.com/accounts'],
		['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
		['http://127.0.0.5:4010/', 'http://127.0.0.5:4010'],
		['http://localhost:8080/', 'http://localhost:8080'],
		['http://[::1]:9000', 'http://[::1]:9000'],
	])('accepts %j', (raw, expected) => {
		expect(normaliseCustomAccountsUrl(raw)).toBe(expected);
		expect(resolveDataCentre({ dataCentre: 'custom', customAccountsUrl: raw }).accountsUrl).toBe(
			expected,
		);
	});

	it.each([
		['http://example.com', 'Custom Accounts URL must use https (got http).'],
		['http://localhost.example.com', 'Custom Accounts URL must use https (got http).'],
		['http://127.0.0.1.nip.io', 'Custom Accounts URL must use https (got http).'],
		['ftp://accounts.zoho.com', 'Custom Accounts URL must use https (got ftp).'],
		['garbage', 'Custom Accounts URL "garbage" is not a valid URL.'],
		['accounts.zoho.com', 'Custom Accounts URL "accounts.zoho.com" is not a valid URL.'],
		['', 'Custom Accounts URL is empty.'],
		['   ', 'Custom Accounts URL is empty.'],
		[
			'https://user:pass@accounts.zoho.com',
			'Custom Accounts URL must not contain a user name, password, query string or fragment.',
		],
		[
			'https://accounts.zoho.com/?client_secret=x',
			'Custom Accounts URL must not contain a user name, password, query string or fragment.',
		],
	])('refuses %j, naming the field', (raw, message) => {
		const error = inputErrorOf(() =>
			resolveDataCentre({ dataCentre: 'custom', customAccountsUrl: raw }),
		);
		expect(error.code).toBe('INVALID_INPUT');
		expect(error.field).toBe('Custom Accounts URL');
		expect(error.message).toBe(message);
		expect(error.hint).toEqual(expect.any(String));
		expect(error.hint?.length).toBeGreaterThan(10);
	});

	it('refuses a missing custom URL', () => {
		const error = inputErrorOf(() => resolveDataCentre({ dataCentre: 'custom' }));
		expect(error.field).toBe('Custom Accounts URL');
		expect(error.message).toBe('Custom Accounts URL is empty.');
	});
});

describe('the allow-list compares origins', () => {
	const eu = { apiDomain: 'https://www.zohoapis.eu', accountsUrl: 'https://accounts.zoho.eu' };
	const allowed = (url: string, allowedHosts?: string[]) =>
		isOriginAllowed({ url: new URL(url), ...eu, allowedHosts });

	it("lets the data centre's hosts through over https on the default port only", () => {
		expect(
			[
				'https://www.zohoapis.eu/crm/v8/org',
				'https://desk.zoho.eu/api/v1',
				'https://www.zohoapis.eu:443/x',
			].map((url) => allowed(url)),
		).toEqual([true, true, true]);
		expect(
			[
				'https://www.zohoapis.eu:8443/x',
				'http://www.zohoapis.eu/x',
				'https://desk.zoho.eu:444/x',
			].map((url) => allowed(url)),
		).toEqual([false, false, false]);
	});

	it('refuses other data centres, look-alikes, user-info tricks and IP literals', () => {
		const urls = [
			'https://www.zohoapis.com/x',
			'https://www.zohoapis.eu.attacker.example/x',
			'https://zohoapis.eu@attacker.example/x',
			'https://notzoho.eu/x',
			'https://127.0.0.1/x',
		];
		expect(urls.map((url) => allowed(url))).toEqual(urls.map(() => false));
	});

	it('Allowed Hosts: host, *.domain and host:port; http only on this machine', () => {
		expect(allowed('https://crm.example.com/x', ['crm.example.com'])).toBe(true);
		expect(allowed('https://crm.example.com:8443/x', ['crm.example.com'])).toBe(false);
		expect(allowed('https://crm.example.com:8443/x', ['crm.example.com:8443'])).toBe(true);
		expect(allowed('https://a.b.example.com/x', ['*.example.com'])).toBe(true);
		expect(allowed('http://crm.example.com/x', ['crm.example.com'])).toBe(false);
		expect(allowed('http://127.0.0.1:9000/x', ['127.0.0.1:9000'])).toBe(true);
		expect(allowed('http://127.0.0.1:9001/x', ['127.0.0.1:9000'])).toBe(false);
		expect(allowed('http://[::1]:9000/x', ['[::1]:9000'])).toBe(true);
	});

	it('a custom accounts server on http://127.0.0.1:<port> covers that origin only', () => {
		const custom = { apiDomain: 'http://127.0.0.1:8917', accountsUrl: 'http://127.0.0.1:8917' };
		expect(isOriginAllowed({ url: new URL('http://127.0.0.1:8917/crm/v8/org'), ...custom })).toBe(
			true,
		);
		expect(isOriginAllowed({ url: new URL('http://127.0.0.1:8918/crm/v8/org'), ...custom })).toBe(
			false,
		);
		expect(isOriginAllowed({ url: new URL('https://127.0.0.1:8917/crm/v8/org'), ...custom })).toBe(
			false,
		);
	});
});

describe('serviceUrl: where a request goes', () => {
	const us = { apiDomain: 'https://www.zohoapis.com', accountsUrl: 'https://accounts.zoho.com' };
	it.each([
		['crm', '/Leads', undefined, 'https://www.zohoapis.com/crm/v8/Leads'],
		['crm', '/Leads', 'v3', 'https://www.zohoapis.com/crm/v3/Leads'],
		// The user typed the base path (any CRM version): not prefixed twice.
		['crm', '/crm/v2/Leads', undefined, 'https://www.zohoapis.com/crm/v2/Leads'],
		['crm', '/crm/v8/settings/modules', 'v3', 'https://www.zohoapis.com/crm/v8/settings/modules'],
		['books', '/books/v3/invoices', undefined, 'https://www.zohoapis.com/books/v3/invoices'],
		['books', '/invoices', undefined, 'https://www.zohoapis.com/books/v3/invoices'],
		['desk', '/tickets', undefined, 'https://desk.zoho.com/api/v1/tickets'],
		[
			'crm',
			'https://www.zohoapis.com/crm/v8/Deals',
			undefined,
			'https://www.zohoapis.com/crm/v8/Deals',
		],
	] as const)('%s %s (version %s) → %s', (service, path, crmVersion, expected) => {
		expect(serviceUrl({ service, path, crmVersion, ...us })).toBe(expected);
	});
});
