/**
 * Zoho products and where their APIs live for a given token. Products on the
 * token's `api_domain` (CRM, Books …) share one host per data centre; Desk,
 * Projects, People and Analytics have hosts of their own.
 */
import { DATA_CENTRES, dataCentreOfAccountsUrl, isLoopbackHost } from '../dataCentres';

export type Pagination = 'crm' | 'books' | 'none';

interface ServiceInfo {
	name: string;
	/** Path prefix on the API host; `{version}` is replaced by the chosen API version. */
	basePath: string;
	/** Host prefix for products outside api_domain, e.g. `desk` → desk.zoho.com. */
	productHost?: string;
	/** What the product insists on, so the node can ask for it before sending. */
	requires?: { query?: string; header?: string; label: string };
	pagination: Pagination;
}

/** Books, Inventory and Invoice: the org id as a query parameter, lists with `page_context`. */
const booksFamily = (name: string, basePath: string): ServiceInfo => ({
	name,
	basePath,
	requires: { query: 'organization_id', label: 'Organization ID' },
	pagination: 'books',
});

/** The products, by the id the node's Service parameter gives (ServiceId: one of its keys). */
const SERVICE_TABLE = {
	crm: { name: 'CRM', basePath: '/crm/{version}', pagination: 'crm' },
	bigin: { name: 'Bigin', basePath: '/bigin/v2', pagination: 'crm' },
	books: booksFamily('Books', '/books/v3'),
	inventory: booksFamily('Inventory', '/inventory/v1'),
	invoice: booksFamily('Invoice', '/invoice/v3'),
	desk: {
		name: 'Desk',
		basePath: '/api/v1',
		productHost: 'desk',
		requires: { header: 'orgId', label: 'Organization ID' },
		pagination: 'none',
	},
	projects: {
		name: 'Projects',
		basePath: '/api/v3',
		productHost: 'projectsapi',
		pagination: 'none',
	},
	people: { name: 'People', basePath: '/people/api', productHost: 'people', pagination: 'none' },
	creator: { name: 'Creator', basePath: '/creator/v2.1', pagination: 'none' },
	analytics: {
		name: 'Analytics',
		basePath: '/restapi/v2',
		productHost: 'analyticsapi',
		requires: { header: 'ZANALYTICS-ORGID', label: 'Organization ID' },
		pagination: 'none',
	},
	custom: { name: 'Custom', basePath: '', pagination: 'none' },
} satisfies Record<string, ServiceInfo>;
export type ServiceId = keyof typeof SERVICE_TABLE;
export const SERVICES: Readonly<Record<ServiceId, ServiceInfo>> = SERVICE_TABLE;

export const CRM_VERSIONS = ['v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8'] as const;

export function isServiceId(value: string): value is ServiceId {
	return Object.prototype.hasOwnProperty.call(SERVICES, value);
}

/**
 * Origin for a service: the token's api_domain, or the product host of the
 * token's data centre. For a custom accounts server (e.g. a local simulator)
 * that is not a known data centre, every product is served on its api_domain.
 */
function serviceOrigin(options: {
	service: ServiceId;
	apiDomain: string;
	accountsUrl: string;
}): string {
	const { productHost } = SERVICES[options.service];
	const dc = productHost && dataCentreOfAccountsUrl(options.accountsUrl);
	if (dc) return `https://${productHost}.${DATA_CENTRES[dc].productDomain}`;
	return new URL(options.apiDomain).origin;
}

/**
 * The URL a request goes to: a full URL as given; a path against the service's base URL
 * for the token's data centre. A path that already carries the base path ("/crm/v8/Leads"
 * with service CRM, any version; "/books/v3/invoices" with Books) is not prefixed twice.
 */
export function serviceUrl(options: {
	service: ServiceId;
	path: string;
	apiDomain: string;
	accountsUrl: string;
	crmVersion?: string;
}): string {
	const { path } = options;
	if (!path.startsWith('/')) return path;
	const basePath = SERVICES[options.service].basePath.replace(
		'{version}',
		options.crmVersion ?? 'v8',
	);
	const alreadyBased =
		options.service === 'crm'
			? /^\/crm\/v\d+\//.test(path)
			: basePath !== '' && path.startsWith(`${basePath}/`);
	return `${serviceOrigin(options)}${alreadyBased ? '' : basePath}${path}`;
}

/**
 * Origins (scheme, host and port) the access token may be sent to: the token's
 * api_domain and the accounts server exactly; for a known data centre every Zoho host
 * of it over https on the default port (www.zohoapis.eu, desk.zoho.eu …); and the
 * entries of Allowed Hosts (`host`, `*.domain`, either with `:port`), over https, or
 * http on this machine. Another port of an allowed host is another server.
 */
export function isOriginAllowed(options: {
	url: URL;
	apiDomain: string;
	accountsUrl: string;
	allowedHosts?: readonly string[];
}): boolean {
	const { url } = options;
	// The api_domain is usually an origin already: compared as text first, parsed only if that fails.
	const isOrigin = (of: string) => url.origin === of || url.origin === new URL(of).origin;
	if (isOrigin(options.apiDomain) || isOrigin(options.accountsUrl)) return true;
	const host = url.hostname.toLowerCase();
	const dc = dataCentreOfAccountsUrl(options.accountsUrl);
	if (dc && url.protocol === 'https:' && url.port === '') {
		const apiHost = new URL(DATA_CENTRES[dc].apiDomain).hostname.replace(/^www\./, '');
		for (const suffix of [apiHost, DATA_CENTRES[dc].productDomain]) {
			if (host === suffix || host.endsWith(`.${suffix}`)) return true;
		}
	}
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(host)))
		return false;
	const defaultPort = url.protocol === 'https:' ? '443' : '80';
	return (options.allowedHosts ?? []).some((entry) => {
		// `example.com` matches exactly, `*.example.com` its subdomains; without `:port` only the default port.
		const match = /^(\[[0-9a-f:.]+\]|[^:/@\s]+)(?::(\d{1,5}))?$/.exec(entry.trim().toLowerCase());
		const [, pattern = '', port = defaultPort] = match ?? [];
		if (!match || port !== (url.port || defaultPort)) return false;
		return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern;
	});
}
