/**
 * Zoho products and where their APIs live for a given token. Products on the
 * token's `api_domain` (CRM, Books …) share one host per data centre; Desk,
 * Projects, People and Analytics have hosts of their own.
 */
import { DATA_CENTRES, dataCentreOfAccountsUrl, type DataCentreId } from './dataCentres';
import { urlParts } from './urlParts';

export type ServiceId =
	| 'crm'
	| 'bigin'
	| 'books'
	| 'inventory'
	| 'invoice'
	| 'desk'
	| 'projects'
	| 'people'
	| 'creator'
	| 'analytics'
	| 'custom';

export type Pagination = 'crm' | 'books' | 'none';

export interface ServiceInfo {
	name: string;
	/** Path prefix on the API host; `{version}` is replaced by the chosen API version. */
	basePath: string;
	/** Host prefix for products outside api_domain, e.g. `desk` → desk.zoho.com. */
	productHost?: string;
	/** What the product insists on, so the node can ask for it before sending. */
	requires?: { query?: string; header?: string; label: string };
	pagination: Pagination;
}

export const SERVICES: Record<ServiceId, ServiceInfo> = {
	crm: { name: 'CRM', basePath: '/crm/{version}', pagination: 'crm' },
	bigin: { name: 'Bigin', basePath: '/bigin/v2', pagination: 'crm' },
	books: {
		name: 'Books',
		basePath: '/books/v3',
		requires: { query: 'organization_id', label: 'Organization ID' },
		pagination: 'books',
	},
	inventory: {
		name: 'Inventory',
		basePath: '/inventory/v1',
		requires: { query: 'organization_id', label: 'Organization ID' },
		pagination: 'books',
	},
	invoice: {
		name: 'Invoice',
		basePath: '/invoice/v3',
		requires: { query: 'organization_id', label: 'Organization ID' },
		pagination: 'books',
	},
	desk: {
		name: 'Desk',
		basePath: '/api/v1',
		productHost: 'desk',
		requires: { header: 'orgId', label: 'Organization ID' },
		pagination: 'none',
	},
	projects: { name: 'Projects', basePath: '/api/v3', productHost: 'projectsapi', pagination: 'none' },
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
};

export const CRM_VERSIONS = ['v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8'] as const;

export function isServiceId(value: string): value is ServiceId {
	return Object.prototype.hasOwnProperty.call(SERVICES, value);
}

/**
 * Origin for a service: the token's api_domain, or the product host of the
 * token's data centre. For a custom accounts server (e.g. a local simulator)
 * that is not a known data centre, every product is served on its api_domain.
 */
export function serviceOrigin(options: { service: ServiceId; apiDomain: string; accountsUrl: string }): string {
	const info = SERVICES[options.service];
	const apiOrigin = urlParts(options.apiDomain).origin;
	if (!info.productHost) return apiOrigin;
	const dc = dataCentreOfAccountsUrl(options.accountsUrl);
	return dc ? `https://${info.productHost}.${DATA_CENTRES[dc].productDomain}` : apiOrigin;
}

export function serviceBaseUrl(options: {
	service: ServiceId;
	apiDomain: string;
	accountsUrl: string;
	crmVersion?: string;
}): string {
	const basePath = SERVICES[options.service].basePath.replace('{version}', options.crmVersion ?? 'v8');
	return `${serviceOrigin(options)}${basePath}`;
}

/**
 * Hosts the access token may be sent to: the token's api_domain, and for a known
 * data centre every Zoho host of that data centre (www.zohoapis.eu, desk.zoho.eu …),
 * plus the hosts the user allowed explicitly.
 */
export function isHostAllowed(options: {
	hostname: string;
	apiDomain: string;
	accountsUrl: string;
	allowedHosts?: readonly string[];
}): boolean {
	const host = options.hostname.toLowerCase();
	if (host === urlParts(options.apiDomain).hostname.toLowerCase()) return true;
	if (host === urlParts(options.accountsUrl).hostname.toLowerCase()) return true;
	const dc: DataCentreId | undefined = dataCentreOfAccountsUrl(options.accountsUrl);
	if (dc) {
		const apiHost = urlParts(DATA_CENTRES[dc].apiDomain).hostname.replace(/^www\./, '');
		const productDomain = DATA_CENTRES[dc].productDomain;
		for (const suffix of [apiHost, productDomain]) {
			if (host === suffix || host.endsWith(`.${suffix}`)) return true;
		}
	}
	return (options.allowedHosts ?? []).some((pattern) => hostMatches(host, pattern));
}

/** `example.com` matches exactly; `*.example.com` matches its subdomains. */
export function hostMatches(host: string, pattern: string): boolean {
	const p = pattern.trim().toLowerCase();
	if (!p) return false;
	if (p.startsWith('*.')) return host.endsWith(p.slice(1));
	return host === p;
}
