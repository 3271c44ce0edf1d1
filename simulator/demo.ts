// The demo setup behind `npm run simulator`, reusable in-process by other scripts.
import { ZohoSimulator } from './simulator';
import type { DcId, SimConfig } from './types';

export interface DemoOptions extends Partial<SimConfig> {
	/** Base port; US gets it, EU the next one. Default 8917. */
	port?: number;
	dataCentres?: readonly string[];
	/** DC holding the demo client, token and records. Default 'us'. */
	demoDc?: string;
	clientId?: string;
	clientSecret?: string;
	refreshToken?: string;
	leads?: number;
	contacts?: number;
	organizationId?: string;
	invoices?: number;
}

export interface DemoSimulator {
	sim: ZohoSimulator;
	dc: DcId;
	/** Origin of the demo DC: accounts URL and API domain. */
	accountsUrl: string;
	clientId: string;
	clientSecret: string;
	refreshToken: string;
	scopes: string[];
	organizationId: string;
}

/** A custom module, as orgs have: the editor's module lists must show it next to the standard ones. */
export const DEMO_CUSTOM_MODULE = {
	api_name: 'Projects_X',
	singular_label: 'Project',
	plural_label: 'Projects',
} as const;

/**
 * Every scope the package's nodes use, so each one works in `npm start`: settings.ALL lets the
 * editor load modules and fields for Create, Update, Upsert or Delete Records and Export
 * Records; bulk.read and coql.READ let Export Records and Query (COQL) run; notifications.ALL
 * lets the instant trigger open and close its channel (Test this trigger, Publish).
 */
export const DEMO_SCOPES = [
	'ZohoCRM.modules.ALL',
	'ZohoCRM.org.READ',
	'ZohoCRM.settings.ALL',
	'ZohoCRM.bulk.read',
	'ZohoCRM.coql.READ',
	'ZohoCRM.notifications.ALL',
	'ZohoBooks.fullaccess.all',
];

export async function startDemoSimulator(options: DemoOptions = {}): Promise<DemoSimulator> {
	const {
		port = 8917,
		dataCentres = ['us', 'eu'],
		demoDc = 'us',
		clientId = '1000.SIMDEMOCLIENT',
		clientSecret = 'sim-demo-secret',
		refreshToken = '1000.simdemo.refreshtoken',
		leads = 2500,
		contacts = 20,
		organizationId = '10234695',
		invoices = 450,
		...config
	} = options;
	const sim = new ZohoSimulator({ dataCentres, port, ...config });
	sim.registerClient(demoDc, { clientId, clientSecret });
	sim.createRefreshToken(demoDc, { clientId, scopes: DEMO_SCOPES, token: refreshToken });
	sim.defineCrmModule(demoDc, {
		...DEMO_CUSTOM_MODULE,
		fields: [
			{ api_name: 'Name', field_label: 'Project Name', system_mandatory: true },
			{ api_name: 'Budget', data_type: 'currency' },
		],
	});
	sim.seedCrm(demoDc, { module: 'Leads', count: leads });
	sim.seedCrm(demoDc, { module: 'Contacts', count: contacts });
	sim.seedBooks(demoDc, { organizationId, collection: 'invoices', count: invoices });
	await sim.start();
	return {
		sim,
		dc: sim.dataCentres.find((id) => id === demoDc) ?? 'us',
		accountsUrl: sim.url(demoDc),
		clientId,
		clientSecret,
		refreshToken,
		scopes: [...DEMO_SCOPES],
		organizationId,
	};
}
