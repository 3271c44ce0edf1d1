// The path real users take: Data Centre set (not Custom), tokens from accounts.zoho.<tld>
// over TLS, calls to www.zohoapis.<tld>, desk.zoho.<tld> … The simulator serves HTTPS under
// Zoho's real names (a test CA made now); the dispatcher the test hands to the runtime sends
// those names to it, and everything else to trap servers that must stay empty.
import { DATA_CENTRES, type DataCentreId } from '../../zoho/dataCentres';
import { startTrap, type Trap } from '../zoho/fixtures';
import { CREDENTIAL_ID, jsonOf, startKit, zohoWorkflow, type NodeKit } from './kit';
import { makeCertificates, routingDispatcher, type RoutingDispatcher } from './realHosts';

/** Written out, not derived from the product's table: China's and Canada's odd domains included. */
const HOSTS: Record<DataCentreId, { accounts: string; api: string; product: string }> = {
	us: { accounts: 'accounts.zoho.com', api: 'www.zohoapis.com', product: 'zoho.com' },
	eu: { accounts: 'accounts.zoho.eu', api: 'www.zohoapis.eu', product: 'zoho.eu' },
	in: { accounts: 'accounts.zoho.in', api: 'www.zohoapis.in', product: 'zoho.in' },
	au: { accounts: 'accounts.zoho.com.au', api: 'www.zohoapis.com.au', product: 'zoho.com.au' },
	jp: { accounts: 'accounts.zoho.jp', api: 'www.zohoapis.jp', product: 'zoho.jp' },
	cn: { accounts: 'accounts.zoho.com.cn', api: 'www.zohoapis.com.cn', product: 'zoho.com.cn' },
	ca: { accounts: 'accounts.zohocloud.ca', api: 'www.zohoapis.ca', product: 'zohocloud.ca' },
	sa: { accounts: 'accounts.zoho.sa', api: 'www.zohoapis.sa', product: 'zoho.sa' },
	uk: { accounts: 'accounts.zoho.uk', api: 'www.zohoapis.uk', product: 'zoho.uk' },
};
const DCS = Object.keys(HOSTS) as DataCentreId[];
const PRODUCT_HOSTS = {
	desk: 'desk',
	projects: 'projectsapi',
	people: 'people',
	analytics: 'analyticsapi',
} as const;
const SERVICE_PATHS = {
	crm: '/crm/v8/',
	bigin: '/bigin/v2/',
	books: '/books/v3/',
	inventory: '/inventory/v1/',
	invoice: '/invoice/v3/',
	creator: '/creator/v2.1/',
	desk: '/api/v1/',
	projects: '/api/v3/',
	people: '/people/api/',
	analytics: '/restapi/v2/',
} as const;
const ATTACKER = ['www.zohoapis.eu.attacker.example', 'attacker.example'];

function namesOf(dc: DataCentreId): string[] {
	const { accounts, api, product } = HOSTS[dc];
	return [accounts, api, ...Object.values(PRODUCT_HOSTS).map((prefix) => `${prefix}.${product}`)];
}

let kit: NodeKit;
let trap: Trap;
let plainTrap: Trap;
let routing: RoutingDispatcher;
/** The data centres whose names lead to the simulator; every other name leads to a trap. */
let served = new Set<DataCentreId>(DCS);

beforeAll(async () => {
	const certificates = await makeCertificates([...DCS.flatMap(namesOf), ...ATTACKER, '127.0.0.1']);
	trap = await startTrap(certificates);
	plainTrap = await startTrap();
	routing = routingDispatcher({
		ca: certificates.ca,
		portFor: ({ hostname, protocol, port }) => {
			if (protocol !== 'https:') return Number(new URL(plainTrap.url).port);
			const dc =
				port === '443'
					? DCS.find((id) => served.has(id) && namesOf(id).includes(hostname))
					: undefined;
			return Number(new URL(dc ? kit.sim.url(dc) : trap.url).port);
		},
	});
	kit = await startKit({
		sim: {
			dataCentres: DCS,
			tls: { key: certificates.key, cert: certificates.cert },
			apiDomains: Object.fromEntries(DCS.map((dc) => [dc, `https://${HOSTS[dc].api}`])),
		},
		runtime: { dispatcher: routing.agent },
	});
}, 60_000);
afterAll(async () => {
	await kit?.close();
	await trap?.close();
	await plainTrap?.close();
});
beforeEach(() => {
	served = new Set(DCS);
	kit.sim.resetCounters();
	routing.connections.length = 0;
});

/** Points the credential at a new Self Client of `dc`, chosen by the Data Centre field. */
function useDataCentre(dc: DataCentreId): string {
	const client = kit.sim.registerClient(dc);
	const refreshToken = kit.sim.createRefreshToken(dc, {
		clientId: client.clientId,
		scopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.org.READ'],
	});
	const credential = kit.credentials[CREDENTIAL_ID];
	if (!credential) throw new Error('the kit has no credential');
	credential.data = { dataCentre: dc, ...client, refreshToken, accessToken: '' };
	return refreshToken;
}

describe("Data Centre field set: tokens and calls over TLS to Zoho's real hosts", () => {
	it.each(DCS)('%s', async (dc) => {
		expect(DATA_CENTRES[dc].accountsUrl).toBe(`https://${HOSTS[dc].accounts}`);
		const refreshToken = useDataCentre(dc);
		const result = await kit.run({
			workflow: zohoWorkflow({ operation: 'apiRequest', method: 'GET', path: '/org' }),
		});
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)[0]).toHaveProperty('org');
		expect(kit.sim.mintsFor(refreshToken)).toBe(1);
		expect(routing.connections).toEqual(
			expect.arrayContaining([`${HOSTS[dc].accounts}:443`, `${HOSTS[dc].api}:443`]),
		);
		expect(
			kit.sim.counters().authorizationHeaders.map(({ host, path }) => `${host}${path}`),
		).toEqual([`${HOSTS[dc].api}/crm/v8/org`]);
		expect(trap.received).toEqual([]);
	});
});

describe("every service's base URL in every data centre", () => {
	it.each(DCS)('%s', async (dc) => {
		useDataCentre(dc);
		const seen: string[] = [];
		// /probe is no Zoho endpoint: only the host and the service's prefix are under test.
		await kit.sim.deliberately('probes each service base URL with a made-up path', async () => {
			for (const service of Object.keys(SERVICE_PATHS) as Array<keyof typeof SERVICE_PATHS>) {
				const workflow = zohoWorkflow(
					{
						operation: 'apiRequest',
						service,
						method: 'GET',
						path: '/probe',
						organizationId: '1001',
					},
					{ continueOnFail: true },
				);
				await kit.run({ workflow });
				const last = kit.sim.counters().authorizationHeaders.at(-1);
				seen.push(`${service} ${last?.host ?? ''}${last?.path ?? ''}`);
			}
		});
		const { api, product } = HOSTS[dc];
		const host = (service: keyof typeof SERVICE_PATHS) =>
			service in PRODUCT_HOSTS
				? `${PRODUCT_HOSTS[service as keyof typeof PRODUCT_HOSTS]}.${product}`
				: api;
		expect(seen).toEqual(
			Object.entries(SERVICE_PATHS).map(
				([service, path]) =>
					`${service} ${host(service as keyof typeof SERVICE_PATHS)}${path}probe`,
			),
		);
		expect(trap.received).toEqual([]);
	});
});

describe("the allow-list keeps the token on the credential's data centre (nothing reaches the traps)", () => {
	const refused = [
		'https://www.zohoapis.com/crm/v8/org',
		'https://desk.zoho.com/api/v1/tickets',
		'https://www.zohoapis.eu.attacker.example/crm/v8/org',
		'https://zohoapis.eu@attacker.example/crm/v8/org',
		'http://www.zohoapis.eu/crm/v8/org',
		'https://www.zohoapis.eu:8443/crm/v8/org',
		'https://127.0.0.1/crm/v8/org',
	];

	it('refuses another data centre, look-alikes, user-info, plain http, another port and an IP literal', async () => {
		useDataCentre('eu');
		served = new Set(['eu']);
		const workflow = zohoWorkflow(
			{ operation: 'apiRequest', method: 'GET', path: '={{ $json.url }}' },
			{ continueOnFail: true },
		);
		const result = await kit.run({
			workflow,
			inputItems: refused.map((url) => ({ json: { url } })),
		});
		const out = jsonOf(result);
		expect(out.map((item) => item.code)).toEqual(refused.map(() => 'HOST_NOT_ALLOWED'));
		expect(out.map((item) => item.error)).toEqual(
			refused.map(
				(url) =>
					`Refused to send the Zoho access token to ${new URL(url).origin} (Path or URL): not a Zoho host of this credential's data centre.`,
			),
		);
		expect(trap.received).toEqual([]);
		expect(plainTrap.received).toEqual([]);
		expect(kit.sim.counters().authorizationHeaders).toEqual([]);
		// Only the token request left n8n, to the EU accounts server (on a connection kept from before, or a new one).
		expect(
			routing.connections.filter((connection) => connection !== `${HOSTS.eu.accounts}:443`),
		).toEqual([]);
	});

	it('the traps do catch what is let through (Allowed Hosts), so their silence above means something', async () => {
		useDataCentre('eu');
		served = new Set(['eu']);
		const before = trap.received.length;
		const result = await kit.run({
			workflow: zohoWorkflow({
				operation: 'apiRequest',
				method: 'GET',
				path: 'https://www.zohoapis.eu.attacker.example/crm/v8/org',
				options: { allowedHosts: 'www.zohoapis.eu.attacker.example' },
			}),
		});
		expect(result.error).toBeUndefined();
		expect(trap.received.slice(before)).toEqual([
			'GET www.zohoapis.eu.attacker.example /crm/v8/org',
		]);
	});
});
