// Behind a proxy: HTTP(S)_PROXY and NO_PROXY as n8n users set them, through a real
// tinyproxy in front of the simulator. Calls go through it, NO_PROXY bypasses it, and a
// proxy that is down or refuses is named in the error (never with its password).
import { ZohoSimulator } from '../../simulator';
import { createDispatcher } from '../../zoho/http/proxy';
import { createZohoRuntime, setSharedZohoRuntime } from '../../zoho/runtime';
import { ZohoTokenClient } from '../../zoho/token/tokenClient';
import { expectNoSecrets } from '../zoho/fixtures';
import { callCount, items, jsonOf, startKit, zohoWorkflow, type NodeKit } from './kit';
import { makeCertificates } from './realHosts';
import { freePort, startTinyproxy, type Tinyproxy } from '../../servers';

let kit: NodeKit;
let proxy: Tinyproxy;
let simHost: string;

beforeAll(async () => {
	kit = await startKit();
	proxy = await startTinyproxy();
	simHost = new URL(kit.sim.url('us')).host;
});
afterAll(async () => {
	await proxy.stop();
	await kit.close();
});
beforeEach(() => kit.sim.resetCounters());

const getOrg = zohoWorkflow({
	operation: 'apiRequest',
	method: 'GET',
	path: '/org',
	options: { maxConcurrency: 2 },
});
const getOrgOrError = zohoWorkflow(
	{ operation: 'apiRequest', method: 'GET', path: '/org' },
	{ continueOnFail: true },
);

/** Runs the workflow in a fresh runtime (cold token cache) that reads `env` for its proxy. */
async function runWith(env: Record<string, string>, workflow = getOrg, count = 3) {
	const runtime = createZohoRuntime({
		env,
		tokenRetry: { retries: 1, baseDelayMs: 5, maxDelayMs: 10 },
	});
	setSharedZohoRuntime(runtime);
	try {
		return await kit.run({ workflow, inputItems: items(count) });
	} finally {
		setSharedZohoRuntime(kit.runtime);
		await runtime.close();
	}
}

describe('through the proxy', () => {
	it.each(['HTTP_PROXY', 'http_proxy'])(
		'%s: the token request and every API call pass through tinyproxy',
		async (name) => {
			const before = (await proxy.tunnels()).length;
			const result = await runWith({ [name]: proxy.url });
			expect(result.error).toBeUndefined();
			expect(jsonOf(result)).toHaveLength(3);
			expect(callCount(kit.sim, 'GET /crm/v8/org 200')).toBe(3);
			expect(kit.sim.counters().tokenRequests).toBe(1);
			const tunnels = (await proxy.tunnels()).slice(before);
			// One tunnel per connection undici opened (keep-alive reuses them): at least one, all to the simulator.
			expect(tunnels.length).toBeGreaterThanOrEqual(1);
			expect(new Set(tunnels)).toEqual(new Set([simHost]));
		},
	);

	it('NO_PROXY bypasses it', async () => {
		const before = (await proxy.tunnels()).length;
		const result = await runWith({
			HTTP_PROXY: proxy.url,
			HTTPS_PROXY: proxy.url,
			NO_PROXY: 'localhost,127.0.0.1',
		});
		expect(result.error).toBeUndefined();
		expect(callCount(kit.sim, 'GET /crm/v8/org 200')).toBe(3);
		expect((await proxy.tunnels()).length).toBe(before);
	});

	it('a proxy with a user name and password: they reach the proxy, never an error', async () => {
		const guarded = await startTinyproxy({
			basicAuth: { user: 'n8nuser', password: 'proxy-secret-7781' },
		});
		try {
			const ok = await runWith({
				HTTP_PROXY: `http://n8nuser:proxy-secret-7781@127.0.0.1:${guarded.port}`,
			});
			expect(ok.error).toBeUndefined();
			expect(await guarded.tunnels()).toContain(simHost);

			const wrong = await runWith(
				{ HTTP_PROXY: `http://n8nuser:wrong-secret-9912@127.0.0.1:${guarded.port}` },
				getOrgOrError,
				1,
			);
			const [item] = jsonOf(wrong);
			// tinyproxy answers wrong proxy credentials with 401 (the standard says 407): both read as such.
			expect(item).toMatchObject({ code: 'PROXY_ERROR', httpStatus: 401 });
			expect(item?.error).toBe(
				`The proxy 127.0.0.1:${guarded.port} did not open the connection to Zoho (HTTP 401); nothing was sent to ${kit.sim.url('us')}/oauth/v2/token.`,
			);
			expect(String(item?.description)).toContain('http://user:password@host:port');
			expectNoSecrets({
				secrets: ['wrong-secret-9912', 'n8nuser:'],
				extraTexts: [JSON.stringify(item)],
			});
		} finally {
			await guarded.stop();
		}
	});
});

describe('when the proxy fails, the error names the proxy, not Zoho', () => {
	it('a proxy that is down', async () => {
		const port = await freePort();
		const result = await runWith(
			{
				HTTPS_PROXY: `http://ops:down-secret-4410@127.0.0.1:${port}`,
				HTTP_PROXY: `http://ops:down-secret-4410@127.0.0.1:${port}`,
			},
			getOrgOrError,
			2,
		);
		const out = jsonOf(result);
		expect(out).toHaveLength(2);
		for (const item of out) {
			expect(item).toMatchObject({ code: 'PROXY_ERROR' });
			expect(item.error).toBe(
				`The proxy 127.0.0.1:${port} could not be reached; nothing was sent to ${kit.sim.url('us')}/oauth/v2/token.`,
			);
			expect(String(item.description)).toContain('HTTPS_PROXY / HTTP_PROXY');
		}
		expectNoSecrets({
			secrets: ['down-secret-4410', 'ops:down'],
			extraTexts: [JSON.stringify(out), String(result.error)],
		});
		expect(kit.sim.counters().tokenRequests).toBe(0);
	});

	it('a proxy that refuses the tunnel (CONNECT only to port 443)', async () => {
		const strict = await startTinyproxy({ connectPorts: [443] });
		try {
			const result = await runWith({ HTTP_PROXY: strict.url }, getOrgOrError, 1);
			const [item] = jsonOf(result);
			expect(item).toMatchObject({ code: 'PROXY_ERROR', httpStatus: 403 });
			expect(item?.error).toBe(
				`The proxy 127.0.0.1:${strict.port} did not open the connection to Zoho (HTTP 403); nothing was sent to ${kit.sim.url('us')}/oauth/v2/token.`,
			);
			expect(kit.sim.counters().tokenRequests).toBe(0);
		} finally {
			await strict.stop();
		}
	});
});

describe("https through the proxy's tunnel", () => {
	it('HTTPS_PROXY carries a TLS token request end to end (CONNECT, then TLS to the server)', async () => {
		const certificates = await makeCertificates(['127.0.0.1']);
		const secure = new ZohoSimulator({
			dataCentres: ['eu'],
			tls: { key: certificates.key, cert: certificates.cert },
		});
		await secure.start();
		const dispatcher = createDispatcher({
			env: { HTTPS_PROXY: proxy.url },
			agent: { requestTls: { ca: certificates.ca }, connect: { ca: certificates.ca } },
		});
		try {
			const client = secure.registerClient('eu');
			const refreshToken = secure.createRefreshToken('eu', {
				clientId: client.clientId,
				scopes: ['ZohoCRM.modules.ALL'],
			});
			const before = (await proxy.tunnels()).length;
			const token = await new ZohoTokenClient({ dispatcher }).refresh({
				accountsUrl: secure.url('eu'),
				...client,
				refreshToken,
			});
			expect(secure.url('eu')).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
			expect(token.accessToken).toMatch(/^1000\./);
			expect((await proxy.tunnels()).slice(before)).toEqual([new URL(secure.url('eu')).host]);
		} finally {
			await dispatcher.close();
			await secure.stop();
		}
	});
});
