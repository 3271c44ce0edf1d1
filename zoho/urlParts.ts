/**
 * Origin, host name and path of the few base URLs every API call derives from (a
 * token's api_domain, the accounts server, a service's base URL), parsed once
 * instead of several times per call. Bounded: a stream of distinct URLs only
 * recycles the table. Invalid URLs throw exactly as `new URL` does.
 */
export interface UrlParts {
	origin: string;
	protocol: string;
	hostname: string;
	pathname: string;
}

const MAX_ENTRIES = 256;
const known = new Map<string, UrlParts>();

export function urlParts(url: string): UrlParts {
	const cached = known.get(url);
	if (cached) return cached;
	const parsed = new URL(url);
	const parts: UrlParts = { origin: parsed.origin, protocol: parsed.protocol, hostname: parsed.hostname, pathname: parsed.pathname };
	if (known.size >= MAX_ENTRIES) known.clear();
	known.set(url, parts);
	return parts;
}
