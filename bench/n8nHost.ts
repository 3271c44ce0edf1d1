/**
 * Part 3, the real n8n host (2.x, `n8n execute`): the same 1,000-item GET job
 * through n8n's HTTP Request node, with our credential as its predefined
 * credential type and with n8n's generic OAuth2 credential (client credentials
 * grant), against our node at Max Concurrent Requests 5. Times are each node's
 * executionTime from the run JSON n8n prints; mints are the simulator's counts.
 */
import {
	manyItemsWorkflow,
	createUserFolder,
	executeWorkflow,
	importCredentials,
	importWorkflows,
	n8nVersion,
	packPackage,
	type N8nRun,
	type UserFolder,
} from '../n8n-driver';
import type { SimClient, SimulatorProcess } from './simulatorControl';
import { credentialData } from './simulatorControl';

export const HOST_ITEMS = 1_000;
const TARGET = 'Target';
const SOID = 'bench-org';

export type HostVariant = 'httpZohoCredential' | 'httpOAuth2' | 'ourNode';

export interface HostRun {
	variant: HostVariant;
	/** The target node's executionTime (ms), from the run JSON. */
	nodeMs: number;
	/** Access tokens minted during the execution (refresh-token mints, or client-credentials tokens). */
	mints: number;
	tokenRequests: number;
	apiCalls: number;
	outputItems: number;
	/** Wall time of the whole `n8n execute` process (ms), start-up included. */
	processMs: number;
	/** Authorization scheme the simulator saw, e.g. "Zoho-oauthtoken" or "Bearer". */
	scheme?: string;
	error?: string;
}

export interface HostResult {
	n8nVersion: string;
	runs: HostRun[];
	setupMs: number;
	/** Set when the part could not run at all. */
	failure?: string;
}

const WORKFLOW_IDS: Record<HostVariant, string> = {
	httpZohoCredential: 'benchHttpZohoCred01',
	httpOAuth2: 'benchHttpOAuth2Cred1',
	ourNode: 'benchZohoNodeConc5',
};

function workflow(options: {
	variant: HostVariant;
	target: Record<string, unknown>;
}): { id: string } & Record<string, unknown> {
	return manyItemsWorkflow({
		id: WORKFLOW_IDS[options.variant],
		name: `bench ${options.variant}`,
		field: 'ids',
		arrayExpression: `={{ Array.from({ length: ${HOST_ITEMS} }, (_, i) => i) }}`,
		idPrefix: 'b0000000',
		target: { name: TARGET, ...options.target },
	});
}

/** A node's first run in the run JSON: its executionTime and how many items it gave. */
export function taskOf(
	run: N8nRun | undefined,
	nodeName = TARGET,
): { executionTime?: number; items: number } {
	const task = run?.data?.resultData?.runData?.[nodeName]?.[0] as
		| { executionTime?: number; data?: { main?: unknown[][] } }
		| undefined;
	return { executionTime: task?.executionTime, items: task?.data?.main?.[0]?.length ?? 0 };
}

export async function n8nHost(
	sim: SimulatorProcess,
	client: SimClient,
	options: { leadId: string; order: HostVariant[]; log: (line: string) => void },
): Promise<HostResult> {
	const started = performance.now();
	const version = n8nVersion(2);
	const leadPath = `/crm/v8/Leads/${options.leadId}`;
	const tarball = await packPackage();
	options.log(
		`  packed ${tarball.split(/[\\/]/).pop() ?? tarball}; installing it into a fresh n8n ${version} user folder`,
	);
	// The legacy expression engine: 2.x's default one (isolated-vm) can crash n8n while it exits.
	const userFolder: UserFolder = await createUserFolder({
		major: 2,
		packageTarball: tarball,
		env: { N8N_EXPRESSION_ENGINE: 'legacy' },
	});
	try {
		const refreshTokens = {
			httpZohoCredential: await sim.createRefreshToken(client),
			ourNode: await sim.createRefreshToken(client),
		};
		await importCredentials({
			major: 2,
			userFolder,
			credentials: [
				{
					id: 'benchZohoHttp000001',
					name: 'Zoho (HTTP Request)',
					type: 'zohoSelfClientApi',
					data: credentialData({
						url: sim.url,
						client,
						refreshToken: refreshTokens.httpZohoCredential,
					}),
				},
				{
					id: 'benchZohoNode000001',
					name: 'Zoho (our node)',
					type: 'zohoSelfClientApi',
					data: credentialData({ url: sim.url, client, refreshToken: refreshTokens.ourNode }),
				},
				{
					id: 'benchOAuth2Generic01',
					name: 'Generic OAuth2 (client credentials)',
					type: 'oAuth2Api',
					data: {
						grantType: 'clientCredentials',
						// Zoho's client-credentials grant needs the organisation (soid).
						accessTokenUrl: `${sim.url}/oauth/v2/token?soid=${SOID}`,
						clientId: client.clientId,
						clientSecret: client.clientSecret,
						scope: 'ZohoCRM.modules.ALL',
						authentication: 'body',
					},
				},
			],
		});
		const url = `${sim.url}${leadPath}`;
		await importWorkflows({
			major: 2,
			userFolder,
			workflows: [
				workflow({
					variant: 'httpZohoCredential',
					target: {
						type: 'n8n-nodes-base.httpRequest',
						typeVersion: 4.2,
						parameters: {
							method: 'GET',
							url,
							authentication: 'predefinedCredentialType',
							nodeCredentialType: 'zohoSelfClientApi',
							options: {},
						},
						credentials: {
							zohoSelfClientApi: { id: 'benchZohoHttp000001', name: 'Zoho (HTTP Request)' },
						},
					},
				}),
				workflow({
					variant: 'httpOAuth2',
					target: {
						type: 'n8n-nodes-base.httpRequest',
						typeVersion: 4.2,
						parameters: {
							method: 'GET',
							url,
							authentication: 'genericCredentialType',
							genericAuthType: 'oAuth2Api',
							options: {},
						},
						credentials: {
							oAuth2Api: {
								id: 'benchOAuth2Generic01',
								name: 'Generic OAuth2 (client credentials)',
							},
						},
					},
				}),
				workflow({
					variant: 'ourNode',
					target: {
						type: 'n8n-nodes-zoho-oauth.zohoOAuthRequest',
						typeVersion: 1,
						parameters: {
							operation: 'apiRequest',
							method: 'GET',
							service: 'crm',
							path: leadPath,
							options: { maxConcurrency: 5 },
						},
						credentials: {
							zohoSelfClientApi: { id: 'benchZohoNode000001', name: 'Zoho (our node)' },
						},
					},
				}),
			],
		});
		const setupMs = performance.now() - started;
		options.log(`  n8n set up in ${(setupMs / 1000).toFixed(1)} s`);

		const runs: HostRun[] = [];
		for (const variant of options.order) {
			await sim.resetCounters();
			const result = await executeWorkflow({
				major: 2,
				userFolder,
				id: WORKFLOW_IDS[variant],
				timeoutMs: 240_000,
			});
			const counters = await sim.counters();
			const task = taskOf(result.run);
			const mints =
				variant === 'httpOAuth2'
					? (counters.tokenRequestsByOutcome['client_credentials:success'] ?? 0)
					: (counters.mints[
							variant === 'ourNode' ? refreshTokens.ourNode : refreshTokens.httpZohoCredential
						] ?? 0);
			const scheme = counters.authorizationHeaders
				.find((header) => header.path === leadPath)
				?.value.split(' ')[0];
			const error = result.succeeded
				? undefined
				: (result.run?.data?.resultData?.error?.message ??
					`n8n execute exited with ${String(result.code ?? result.signal)}: ${(result.stderr || result.stdout).slice(-400)}`);
			const run: HostRun = {
				variant,
				nodeMs: task.executionTime ?? Number.NaN,
				mints,
				tokenRequests: counters.tokenRequests,
				apiCalls: counters.callsByPathStatus[`GET ${leadPath} 200`] ?? 0,
				outputItems: task.items,
				processMs: result.durationMs,
				scheme,
				error,
			};
			runs.push(run);
			options.log(
				`  ${variant}: node ${run.nodeMs} ms, ${run.apiCalls} GETs answered 200, ${run.mints} minted, ${run.tokenRequests} token requests, n8n execute ${(run.processMs / 1000).toFixed(1)} s${error ? `, error: ${error}` : ''}`,
			);
		}
		return { n8nVersion: version, runs, setupMs };
	} finally {
		userFolder.cleanup();
	}
}
