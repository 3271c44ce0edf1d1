// One error conversion for every path (nodes/shared/nodeErrors.ts): the same Zoho-core
// failure, a ZOHO_TOKEN_STORE setting that names no token store, reaches the user of each
// path in the form that path shows, with the variable and its fix: an API Request run and
// a batched record write (NodeOperationError), a trigger poll, the editor's module list,
// the credential test (its result) and preAuthentication (a plain Error).
import {
	NodeOperationError,
	type ICredentialTestFunctions,
	type IHttpRequestHelper,
} from 'n8n-workflow';

import { ZohoSelfClientApi } from '../../credentials/ZohoSelfClientApi.credentials';
import { ZohoOAuthRequest } from '../../nodes/ZohoOAuthRequest/ZohoOAuthRequest.node';
import { ZohoOAuthTrigger } from '../../nodes/ZohoOAuthTrigger/ZohoOAuthTrigger.node';
import { createPollRunner } from '../../harness';
import { TRIGGER_TYPE, zohoTriggerWorkflow } from '../../harness/zohoWorkflow';
import { setSharedZohoRuntime } from '../../zoho/runtime';
import { CREDENTIAL_ID, items, startKit, zohoWorkflow, type NodeKit } from './kit';

const MESSAGE = 'ZOHO_TOKEN_STORE is "bogus", which is not a token store.';
const FIX = 'Set ZOHO_TOKEN_STORE to memory';
const MODULE = { __rl: true, mode: 'name', value: 'Contacts' };

let kit: NodeKit;
const before = process.env.ZOHO_TOKEN_STORE;

beforeAll(async () => {
	kit = await startKit();
});

afterAll(async () => {
	await kit.close();
});

beforeEach(() => {
	// No runtime yet: the first Zoho call of the path builds the process's, from the environment.
	setSharedZohoRuntime(undefined);
	process.env.ZOHO_TOKEN_STORE = 'bogus';
});

afterEach(() => {
	if (before === undefined) delete process.env.ZOHO_TOKEN_STORE;
	else process.env.ZOHO_TOKEN_STORE = before;
	setSharedZohoRuntime(kit.runtime);
});

function expectConverted(error: unknown): void {
	expect(error).toBeInstanceOf(NodeOperationError);
	const nodeError = error as NodeOperationError;
	expect(nodeError.message).toBe(MESSAGE);
	expect(nodeError.description).toEqual(expect.stringContaining(FIX));
}

it('an API Request run', async () => {
	const result = await kit.run({
		workflow: zohoWorkflow({ operation: 'apiRequest', method: 'GET', path: '/org' }),
		inputItems: items(2),
	});
	expectConverted(result.error);
});

it('a batched record write', async () => {
	const result = await kit.run({
		workflow: zohoWorkflow({
			operation: 'recordWrite',
			writeOperation: 'create',
			module: MODULE,
			recordSource: 'json',
			recordJson: '={{ $json }}',
		}),
		inputItems: [{ json: { Last_Name: 'Store' } }],
	});
	expectConverted(result.error);
	expect(kit.sim.counters().writes).toEqual([]);
});

it('a trigger poll and the editor loading the module list', async () => {
	const trigger = createPollRunner({
		workflow: zohoTriggerWorkflow({
			module: MODULE,
			options: { startFrom: '2026-11-30T09:00:00Z' },
		}),
		node: 'Trigger',
		nodeTypes: { [TRIGGER_TYPE]: new ZohoOAuthTrigger() },
		credentialTypes: { zohoSelfClientApi: new ZohoSelfClientApi() },
		credentials: kit.credentials,
	});
	expectConverted(await trigger.poll().catch((error: unknown) => error));
	expectConverted(await trigger.listSearch('searchModules').catch((error: unknown) => error));
});

it("the credential test's result and preAuthentication's error", async () => {
	const data = kit.credentials[CREDENTIAL_ID]?.data ?? {};
	const logger = { warn: () => undefined } as unknown as ICredentialTestFunctions['logger'];
	const tested = await new ZohoOAuthRequest().methods.credentialTest.zohoSelfClientApiTest.call(
		{ logger } as ICredentialTestFunctions,
		{ id: CREDENTIAL_ID, name: 'Zoho', type: 'zohoSelfClientApi', data },
	);
	expect(tested.status).toBe('Error');
	expect(tested.message).toEqual(expect.stringMatching(new RegExp(`^${escape(MESSAGE)} ${FIX}`)));

	const failure = await new ZohoSelfClientApi().preAuthentication
		.call({} as IHttpRequestHelper, data)
		.catch((error: unknown) => error);
	expect(failure).toBeInstanceOf(Error);
	expect((failure as Error).message).toBe(tested.message);
});

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
