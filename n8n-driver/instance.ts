/**
 * The set-up shared by `npm start`, `npm run demo` and the end-to-end tests:
 * a throwaway n8n user folder with this package installed from its `npm pack`
 * tarball, a credential pointing at the Zoho simulator, and the example
 * workflows from examples/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	importCredentials,
	importWorkflows,
	nodeOutput,
	type CredentialImport,
	type N8nRun,
} from './cli';
import { repoRoot, type N8nMajor } from './host';
import { createUserFolder, type UserFolder } from './userFolder';
import type { DemoSimulator } from '../simulator/demo';

/** Where `npm start` and `npm run demo` put the simulator (its US data centre; EU is the next port). */
export const SIMULATOR_PORT = 8917;
/** The simulator origin the example files are written for. */
export const EXAMPLES_SIMULATOR_URL = `http://127.0.0.1:${SIMULATOR_PORT}`;
export const EDITOR_PORT = 5678;
/** The credential every example refers to. */
export const CREDENTIAL_ID = 'zohoSimCredential';
export const CREDENTIAL_NAME = 'Zoho Self Client (simulator)';
export const CREDENTIAL_TYPE = 'zohoSelfClientApi';
export const NODE_TYPE = 'n8n-nodes-zoho-oauth.zohoOAuthRequest';

/** The examples by role; ids are the `id` fields of the files in examples/. */
export const EXAMPLE_IDS = {
	leadsToContacts: 'zohoSyncLeads',
	tokenToHttpRequest: 'zohoTokenToHttp',
	httpRequestCredential: 'zohoHttpCredential',
	booksInvoices: 'zohoBooksInvoices',
} as const;

/** Node names in the leads-to-contacts example that the demo summary reads. */
export const LEADS_NODE = 'Leads Modified in the Last 2 Hours';
export const UPSERT_NODE = 'Upsert Contact';

export type Workflow = {
	id: string;
	name?: string;
	nodes?: Array<Record<string, unknown>>;
} & Record<string, unknown>;

export interface Example {
	file: string;
	workflow: Workflow;
}

/**
 * Every workflow in examples/, with the simulator URL the files are written for
 * replaced by `simulatorUrl` (tests run the simulator on a free port).
 */
export function loadExamples(simulatorUrl: string = EXAMPLES_SIMULATOR_URL): Example[] {
	const dir = path.join(repoRoot(), 'examples');
	return fs
		.readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => {
			const text = fs
				.readFileSync(path.join(dir, file), 'utf8')
				.split(EXAMPLES_SIMULATOR_URL)
				.join(simulatorUrl);
			return { file, workflow: JSON.parse(text) as Workflow };
		});
}

/** A `zohoSelfClientApi` credential for the demo simulator's client and refresh token. */
export function simulatorCredential(
	demo: DemoSimulator,
	overrides: Partial<Pick<CredentialImport, 'id' | 'name'>> & { refreshToken?: string } = {},
): CredentialImport {
	return {
		id: overrides.id ?? CREDENTIAL_ID,
		name: overrides.name ?? CREDENTIAL_NAME,
		type: CREDENTIAL_TYPE,
		data: {
			dataCentre: 'custom',
			customAccountsUrl: demo.accountsUrl,
			clientId: demo.clientId,
			clientSecret: demo.clientSecret,
			refreshToken: overrides.refreshToken ?? demo.refreshToken,
		},
	};
}

export interface PrepareInstanceOptions {
	major: N8nMajor;
	/** `npm pack` tarball of this package. */
	tarball: string;
	demo: DemoSimulator;
	/** A fixed folder (emptied first); a fresh temp folder when absent. */
	dir?: string;
	port?: number;
	env?: Record<string, string>;
	/** Progress lines for a terminal. */
	log?: (line: string) => void;
}

export interface PreparedInstance {
	userFolder: UserFolder;
	examples: Example[];
}

/** User folder + package install + credential + examples, ready for `n8n execute` or `n8n start`. */
export async function prepareInstance(options: PrepareInstanceOptions): Promise<PreparedInstance> {
	const log = options.log ?? ((): void => undefined);
	log(
		`installing ${path.basename(options.tarball)} into a fresh n8n ${options.major}.x user folder`,
	);
	const userFolder = await createUserFolder({
		major: options.major,
		packageTarball: options.tarball,
		...(options.dir !== undefined ? { dir: options.dir } : {}),
		...(options.port !== undefined ? { port: options.port } : {}),
		...(options.env !== undefined ? { env: options.env } : {}),
	});
	try {
		log(`importing the credential "${CREDENTIAL_NAME}" (${options.demo.accountsUrl})`);
		await importCredentials({
			major: options.major,
			userFolder,
			credentials: [simulatorCredential(options.demo)],
		});
		const examples = loadExamples(options.demo.accountsUrl);
		log(`importing ${examples.length} example workflows`);
		await importWorkflows({
			major: options.major,
			userFolder,
			workflows: examples.map((example) => example.workflow),
		});
		return { userFolder, examples };
	} catch (error) {
		if (options.dir === undefined) userFolder.cleanup();
		throw error;
	}
}

/** What the leads-to-contacts example did, read from its run. */
export interface SyncSummary {
	recordsRead: number;
	recordsWritten: number;
	inserted: number;
	updated: number;
	failed: number;
}

export function summarizeSync(run: N8nRun | undefined): SyncSummary {
	const summary: SyncSummary = {
		recordsRead: nodeOutput(run, LEADS_NODE).length,
		recordsWritten: 0,
		inserted: 0,
		updated: 0,
		failed: 0,
	};
	for (const item of nodeOutput(run, UPSERT_NODE)) {
		// An upsert answers { data: [ { status, action, … } ] }; a node may also output the entry itself.
		const entries = Array.isArray(item.data)
			? (item.data as Array<Record<string, unknown>>)
			: [item];
		for (const entry of entries) {
			if (entry.status === 'success') {
				summary.recordsWritten += 1;
				if (entry.action === 'insert') summary.inserted += 1;
				if (entry.action === 'update') summary.updated += 1;
			} else {
				summary.failed += 1;
			}
		}
	}
	return summary;
}

/** Lines n8n prints when it cannot load a community package or one of its types. */
export function loadErrors(output: string, packageName = 'n8n-nodes-zoho-oauth'): string[] {
	return output
		.split('\n')
		.filter(
			(line) =>
				/Failed to load package|Skipping package|Unrecognized (node|credential) type|There was an error|Error loading/i.test(
					line,
				) ||
				(line.includes(packageName) && /error|warn/i.test(line)),
		);
}
