/**
 * Shared set-up of the node's workflow tests: a Zoho simulator on 127.0.0.1, a
 * Zoho runtime (token cache) of our own installed as the process-wide one, a
 * credential pointing at the simulator, and a way to run workflow JSON with it.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { ZohoSelfClientApi } from '../../credentials/ZohoSelfClientApi.credentials';
import { ZohoOAuthRequest } from '../../nodes/ZohoOAuthRequest/ZohoOAuthRequest.node';
import { ZohoSimulator, type ZohoSimulatorOptions } from '../../simulator';
import {
	createZohoRuntime,
	setSharedZohoRuntime,
	type ZohoRuntime,
	type ZohoRuntimeOptions,
} from '../../zoho/runtime';
import { runWorkflow, type RunWorkflowResult, type WorkflowJson } from '../../harness';
import type { CredentialStore } from '../../harness/credentialsHelper';
import { CREDENTIAL_ID, NODE_TYPE, zohoWorkflow } from '../../harness/zohoWorkflow';

export { CREDENTIAL_ID, NODE_TYPE, zohoWorkflow } from '../../harness/zohoWorkflow';
export const ALL_SCOPES = ['ZohoCRM.modules.ALL', 'ZohoCRM.org.READ', 'ZohoBooks.fullaccess.all'];

export interface NodeKit {
	sim: ZohoSimulator;
	runtime: ZohoRuntime;
	clientId: string;
	clientSecret: string;
	refreshToken: string;
	/** Credential store as n8n's database would hold it; tests may edit `data`. */
	credentials: CredentialStore;
	run(options: RunOptions): Promise<RunWorkflowResult>;
	/** A fresh token cache, as in a newly started n8n process. */
	resetRuntime(): void;
	close(): Promise<void>;
}

export interface RunOptions {
	workflow: WorkflowJson;
	inputItems?: INodeExecutionData[];
	signal?: AbortSignal;
	timeoutMs?: number;
}

export async function startKit(
	options: {
		scopes?: string[];
		sim?: ZohoSimulatorOptions;
		runtime?: ZohoRuntimeOptions;
		/** The runtime's clock is the simulator's: a trigger's "from now on" is exact. */
		simulatorClock?: boolean;
	} = {},
): Promise<NodeKit> {
	const sim = new ZohoSimulator(options.sim);
	await sim.start();
	const client = sim.registerClient('us');
	const refreshToken = sim.createRefreshToken('us', {
		clientId: client.clientId,
		scopes: options.scopes ?? ALL_SCOPES,
	});
	const makeRuntime = () =>
		createZohoRuntime({
			apiRetry: { retries: 3, baseDelayMs: 5, maxDelayMs: 1_500 },
			tokenRetry: { retries: 2, baseDelayMs: 5, maxDelayMs: 50 },
			// No proxy from the environment of whoever runs the tests.
			env: {},
			...(options.simulatorClock ? { clock: { now: () => sim.now() } } : {}),
			...options.runtime,
		});
	let runtime = makeRuntime();
	setSharedZohoRuntime(runtime);
	const credentials: CredentialStore = {
		[CREDENTIAL_ID]: {
			type: 'zohoSelfClientApi',
			data: {
				dataCentre: 'custom',
				customAccountsUrl: sim.url('us'),
				...client,
				refreshToken,
				accessToken: '',
			},
		},
	};
	const kit: NodeKit = {
		sim,
		get runtime() {
			return runtime;
		},
		...client,
		refreshToken,
		credentials,
		run: (run) =>
			runWorkflow({
				workflow: run.workflow,
				nodeTypes: { [NODE_TYPE]: new ZohoOAuthRequest() },
				credentialTypes: { zohoSelfClientApi: new ZohoSelfClientApi() },
				credentials,
				inputItems: run.inputItems,
				signal: run.signal,
				timeoutMs: run.timeoutMs ?? 60_000,
			}),
		resetRuntime() {
			// The old runtime's idle sockets close in the background; the test goes on with a new one.
			void runtime.close();
			runtime = makeRuntime();
			setSharedZohoRuntime(runtime);
		},
		async close() {
			setSharedZohoRuntime(undefined);
			await runtime.close();
			await sim.stop();
		},
	};
	return kit;
}

/** Items of a node's main output, json only. */
export function jsonOf(result: RunWorkflowResult, node = 'Zoho'): IDataObject[] {
	return (result.outputs[node]?.[0] ?? []).map((item) => item.json);
}

export function items(
	count: number,
	make: (i: number) => IDataObject = (i) => ({ i }),
): INodeExecutionData[] {
	return Array.from({ length: count }, (_, i) => ({ json: make(i) }));
}

/** Calls the simulator saw, as "METHOD /path STATUS" → count. */
export function callCount(sim: ZohoSimulator, key: string): number {
	return sim.counters().callsByPathStatus[key] ?? 0;
}

/** Create, Update, Upsert or Delete Records: an upsert into CRM Contacts of each item's JSON, unless `parameters` say otherwise. */
export function writeWorkflow(
	parameters: IDataObject,
	options: { continueOnFail?: boolean } = {},
): WorkflowJson {
	return zohoWorkflow(
		{
			operation: 'recordWrite',
			product: 'crm',
			writeOperation: 'upsert',
			module: { __rl: true, mode: 'name', value: 'Contacts' },
			recordSource: 'json',
			recordJson: '={{ $json }}',
			...parameters,
		},
		options,
	);
}

/** API Request listing CRM Leads with `fields`, which Zoho needs for a list from v3 on. */
export function listLeadsWorkflow(fields = 'Last_Name'): WorkflowJson {
	return zohoWorkflow({
		operation: 'apiRequest',
		method: 'GET',
		path: '/Leads',
		sendQuery: true,
		queryParameters: { parameters: [{ name: 'fields', value: fields }] },
	});
}
