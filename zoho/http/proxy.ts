/**
 * Proxy support as n8n users expect it: HTTPS_PROXY, HTTP_PROXY and NO_PROXY (upper
 * or lower case), through undici's own EnvHttpProxyAgent. Failures of the proxy
 * itself (down, refusing the tunnel) are told apart from Zoho's, naming the proxy
 * by host and port only: its URL may carry a user name and password.
 */
import { Agent, EnvHttpProxyAgent, Pool, type Dispatcher } from 'undici';

import { ZohoInputError } from '../errors';

/** The proxy settings in `env`, or undefined when no proxy is set. Lower case wins, as with curl and undici. */
export function proxySettings(
	env: Readonly<Record<string, string | undefined>>,
): { httpProxy?: string; httpsProxy?: string; noProxy: string } | undefined {
	const pick = (name: string): string | undefined =>
		env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;
	const httpProxy = checkedProxyUrl('HTTP_PROXY', pick('http_proxy'));
	const httpsProxy = checkedProxyUrl('HTTPS_PROXY', pick('https_proxy'));
	if (!httpProxy && !httpsProxy) return undefined;
	return { httpProxy, httpsProxy, noProxy: pick('no_proxy') ?? '' };
}

const PROXY_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:', 'socks:', 'socks5:']);

function checkedProxyUrl(name: string, value: string | undefined): string | undefined {
	if (value === undefined) return value;
	const url = URL.canParse(value) ? new URL(value) : undefined;
	if (url && PROXY_PROTOCOLS.has(url.protocol) && url.hostname) return value;
	// The value is not repeated: it may hold the proxy's password.
	throw new ZohoInputError(
		`${name} environment variable`,
		`The ${name} environment variable of n8n is not a proxy URL.`,
		'Set it to http://host:port (or http://user:password@host:port), or unset it.',
	);
}

/** How errors name a proxy: host and port, never its user name or password. */
export function proxyName(uri: string | URL): string {
	const url = typeof uri === 'string' ? new URL(uri) : uri;
	return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

/** The proxy could not be reached, or would not open the tunnel to Zoho: nothing reached Zoho. */
export class ProxyFailure extends Error {
	// Not one of undici's recoverable codes: the waiting requests fail with this error at once.
	readonly code = 'ZOHO_PROXY_FAILED';
	readonly proxy: string;
	/** The proxy's answer to CONNECT, when it answered. */
	readonly status?: number;

	constructor(options: { proxy: string; status?: number; cause?: unknown }) {
		super(
			options.status === undefined
				? `the proxy ${options.proxy} could not be reached`
				: `the proxy ${options.proxy} answered HTTP ${options.status}`,
			options.cause === undefined ? undefined : { cause: options.cause },
		);
		this.name = 'ProxyFailure';
		this.proxy = options.proxy;
		this.status = options.status;
	}
}

/**
 * The dispatcher for every token and API call: a plain Agent when no proxy is set
 * (EnvHttpProxyAgent parses each request's origin, a cost for nothing then).
 */
export function createDispatcher(options: {
	env: Readonly<Record<string, string | undefined>>;
	/** Options of the Agent, and of the proxy agents (e.g. `requestTls`) when a proxy is set. */
	agent: Omit<EnvHttpProxyAgent.Options, 'httpProxy' | 'httpsProxy' | 'noProxy'>;
}): Dispatcher {
	const settings = proxySettings(options.env);
	if (!settings) return new Agent(options.agent);
	return new EnvHttpProxyAgent({
		...options.agent,
		...settings,
		clientFactory: (origin: URL, opts: object) => new ProxyTunnelPool(origin, opts),
	});
}

/** The connection to the proxy, through which undici opens each tunnel; its failures become ProxyFailure. */
class ProxyTunnelPool extends Pool {
	private readonly proxy: string;

	constructor(origin: URL, options: object) {
		super(origin, options);
		this.proxy = proxyName(origin);
	}

	// undici's proxy agent asks for each tunnel with the promise form of connect.
	async connect(options: Dispatcher.ConnectOptions): Promise<Dispatcher.ConnectData> {
		let data: Dispatcher.ConnectData;
		try {
			data = await super.connect(options);
		} catch (error) {
			// A cancelled call is not the proxy's fault.
			if (options.signal && (options.signal as AbortSignal).aborted) throw error;
			throw new ProxyFailure({ proxy: this.proxy, cause: error });
		}
		if (data.statusCode !== 200) {
			data.socket.destroy();
			throw new ProxyFailure({ proxy: this.proxy, status: data.statusCode });
		}
		return data;
	}
}
