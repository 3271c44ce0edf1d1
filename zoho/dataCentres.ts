import { ZohoInputError } from './errors';

/**
 * A data centre from its country, its domain and its API host: the accounts server is
 * `accounts.<domain>`, the API domain `www.<apiHost>`, and `domain` is where Desk,
 * Projects, People and Analytics live (`desk.<domain>`, `projectsapi.<domain>` …).
 */
function dataCentre(country: string, domain: string, apiHost: string) {
	return {
		name: `${country} (${domain})`,
		accountsUrl: `https://accounts.${domain}`,
		apiDomain: `https://www.${apiHost}`,
		productDomain: domain,
	};
}

/**
 * Zoho's data centres. A Self Client exists in exactly one of them; its accounts
 * server mints tokens and names the `api_domain` the token works against.
 */
export const DATA_CENTRES = {
	us: dataCentre('United States', 'zoho.com', 'zohoapis.com'),
	eu: dataCentre('Europe', 'zoho.eu', 'zohoapis.eu'),
	in: dataCentre('India', 'zoho.in', 'zohoapis.in'),
	au: dataCentre('Australia', 'zoho.com.au', 'zohoapis.com.au'),
	jp: dataCentre('Japan', 'zoho.jp', 'zohoapis.jp'),
	cn: dataCentre('China', 'zoho.com.cn', 'zohoapis.com.cn'),
	ca: dataCentre('Canada', 'zohocloud.ca', 'zohoapis.ca'),
	sa: dataCentre('Saudi Arabia', 'zoho.sa', 'zohoapis.sa'),
	uk: dataCentre('United Kingdom', 'zoho.uk', 'zohoapis.uk'),
};

export type DataCentreId = keyof typeof DATA_CENTRES;
export const CUSTOM_DATA_CENTRE = 'custom';

function isDataCentreId(value: string): value is DataCentreId {
	return Object.prototype.hasOwnProperty.call(DATA_CENTRES, value);
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
	return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Validates a custom accounts server URL: https only, except http on loopback so
 * a local simulator or an SSH tunnel works. Returns it without a trailing slash.
 */
export function normaliseCustomAccountsUrl(raw: string): string {
	const refuse = (message: string, hint: string) =>
		new ZohoInputError('Custom Accounts URL', message, hint);
	const value = raw.trim();
	if (!value)
		throw refuse(
			'Custom Accounts URL is empty.',
			'Enter the accounts server of your Zoho data centre, e.g. https://accounts.zoho.com, or pick a data centre from the list.',
		);
	if (!URL.canParse(value))
		throw refuse(
			`Custom Accounts URL "${value}" is not a valid URL.`,
			'Enter a full URL starting with https://, e.g. https://accounts.zoho.com.',
		);
	const url = new URL(value);
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname)))
		throw refuse(
			`Custom Accounts URL must use https (got ${url.protocol.replace(':', '')}).`,
			'Use https://…; plain http is only accepted for loopback hosts (127.0.0.1, localhost) such as a local Zoho simulator.',
		);
	if (url.username || url.password || url.search || url.hash)
		throw refuse(
			'Custom Accounts URL must not contain a user name, password, query string or fragment.',
			'Enter only the server address, e.g. https://accounts.zoho.com.',
		);
	return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** The data centre whose accounts server this URL is, if any. */
export function dataCentreOfAccountsUrl(accountsUrl: string): DataCentreId | undefined {
	const origin = URL.canParse(accountsUrl) ? new URL(accountsUrl).origin : '';
	return (Object.keys(DATA_CENTRES) as DataCentreId[]).find(
		(id) => DATA_CENTRES[id].accountsUrl === origin,
	);
}

/** The API domain a token answer without `api_domain` implies: the data centre's, or the accounts server's own origin for another server (a simulator, a tunnel). */
export function defaultApiDomain(accountsUrl: string): string {
	const dc = dataCentreOfAccountsUrl(accountsUrl);
	return dc ? DATA_CENTRES[dc].apiDomain : new URL(accountsUrl).origin;
}

/** The Data Centre field (and the Custom Accounts URL when it is Custom), checked: the data centre and its accounts server. */
export function resolveDataCentre(options: { dataCentre: string; customAccountsUrl?: string }): {
	dataCentre: DataCentreId | typeof CUSTOM_DATA_CENTRE;
	accountsUrl: string;
} {
	const dc = options.dataCentre.trim().toLowerCase();
	if (dc === CUSTOM_DATA_CENTRE)
		return {
			dataCentre: CUSTOM_DATA_CENTRE,
			accountsUrl: normaliseCustomAccountsUrl(options.customAccountsUrl ?? ''),
		};
	if (isDataCentreId(dc)) return { dataCentre: dc, accountsUrl: DATA_CENTRES[dc].accountsUrl };
	throw new ZohoInputError(
		'Data Centre',
		`Unknown data centre "${options.dataCentre.trim()}".`,
		`Pick one of ${Object.values(DATA_CENTRES)
			.map((entry) => entry.name)
			.join(', ')}, or Custom.`,
	);
}
