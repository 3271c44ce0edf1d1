/**
 * Self-test of the workflow harness (harness/): real n8n-core execution, real
 * sockets to a local server, a throwaway node type and credential type defined here.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IExecuteFunctions,
	IHttpRequestHelper,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { request } from 'undici';

import echoThenNoop from '../fixtures/echo-then-noop.workflow.json';
import type { CredentialStore, WorkflowJson } from '../../harness';
import { runWorkflow } from '../../harness';

// ---------------------------------------------------------------- local server

interface TestServer {
	baseUrl: string;
	/** Authorization header of every /echo request, in arrival order. */
	authorizations: string[];
	tokensMinted: number;
	/** When set, /echo answers 401 to every token, fresh or not. */
	rejectAllTokens: boolean;
	/** Resolves when a /slow request arrives; `closed` when its socket goes away. */
	slowRequests: Array<{ arrivedAt: number; closed: Promise<number> }>;
	onSlowRequest: (() => void) | undefined;
	reset(): void;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
}

let server: Server;
const state: TestServer = {
	baseUrl: '',
	authorizations: [],
	tokensMinted: 0,
	rejectAllTokens: false,
	slowRequests: [],
	onSlowRequest: undefined,
	reset() {
		this.authorizations = [];
		this.tokensMinted = 0;
		this.rejectAllTokens = false;
		this.slowRequests = [];
		this.onSlowRequest = undefined;
	},
};

function handle(req: IncomingMessage, res: ServerResponse): void {
	const url = new URL(req.url ?? '/', 'http://127.0.0.1');
	if (req.method === 'POST' && url.pathname === '/token') {
		state.tokensMinted += 1;
		sendJson(res, 200, { access_token: `token-${state.tokensMinted}` });
		return;
	}
	if (url.pathname === '/slow') {
		// Never answers: only the client aborting ends it.
		state.slowRequests.push({
			arrivedAt: Date.now(),
			closed: once(req.socket, 'close').then(() => Date.now()),
		});
		state.onSlowRequest?.();
		return;
	}
	const authorization = req.headers.authorization ?? '';
	state.authorizations.push(authorization);
	const validToken = `Zoho-oauthtoken token-${state.tokensMinted}`;
	if (state.rejectAllTokens || state.tokensMinted === 0 || authorization !== validToken) {
		sendJson(res, 401, { code: 'INVALID_TOKEN', message: 'invalid oauth token' });
		return;
	}
	if (url.pathname === '/echo') {
		const value = url.searchParams.get('value') ?? '';
		if (value.startsWith('MISSING')) {
			sendJson(res, 404, { code: 'NOT_FOUND', message: `no record ${value}` });
			return;
		}
		sendJson(res, 200, { echoed: value });
		return;
	}
	sendJson(res, 404, { message: 'no route' });
}

beforeAll(async () => {
	server = createServer(handle);
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	server.close();
	await once(server, 'close');
});

beforeEach(() => state.reset());

// ---------------------------------------------------------------- credential type

class HarnessTestApi implements ICredentialType {
	name = 'harnessTestApi';

	displayName = 'Harness Test API';

	properties: ICredentialType['properties'] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const minted = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${String(credentials.baseUrl)}/token`,
			json: true,
		})) as { access_token: string };
		return { accessToken: minted.access_token };
	}

	authenticate: ICredentialType['authenticate'] = {
		type: 'generic',
		properties: { headers: { Authorization: '=Zoho-oauthtoken {{$credentials.accessToken}}' } },
	};
}

// ---------------------------------------------------------------- node types

const echoDescription: INodeTypeDescription = {
	displayName: 'Harness Echo',
	name: 'echo',
	group: ['transform'],
	version: 1,
	description: 'Calls the test server once per item',
	defaults: { name: 'Echo' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: 'harnessTestApi', required: true }],
	properties: [
		{ displayName: 'Value', name: 'value', type: 'string', default: '' },
		{ displayName: 'Path', name: 'path', type: 'string', default: '/echo' },
	],
};

class EchoNode implements INodeType {
	description = echoDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { baseUrl } = await this.getCredentials<{ baseUrl: string }>('harnessTestApi');
		const returnData: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const value = this.getNodeParameter('value', itemIndex) as string;
				if (value.startsWith('INVALID')) {
					throw new NodeOperationError(this.getNode(), `Value "${value}" is not allowed`, {
						itemIndex,
					});
				}
				const path = this.getNodeParameter('path', itemIndex) as string;
				const response = (await this.helpers.httpRequestWithAuthentication.call(
					this,
					'harnessTestApi',
					{
						method: 'GET',
						url: `${baseUrl}${path}`,
						qs: { value },
						json: true,
					},
				)) as { echoed: string };
				returnData.push({ json: { echoed: response.echoed }, pairedItem: { item: itemIndex } });
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				returnData.push({
					json: { error: (error as Error).message },
					pairedItem: { item: itemIndex },
				});
			}
		}
		return [returnData];
	}
}

/** Calls /slow with undici, passing the execution's cancel signal, as our real node will. */
class SlowNode implements INodeType {
	description: INodeTypeDescription = {
		...echoDescription,
		displayName: 'Harness Slow',
		name: 'slow',
		credentials: [],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const response = await request(`${state.baseUrl}/slow`, {
			signal: this.getExecutionCancelSignal(),
		});
		return [[{ json: { status: response.statusCode }, pairedItem: { item: 0 } }]];
	}
}

class WriteBinaryNode implements INodeType {
	description: INodeTypeDescription = {
		...echoDescription,
		displayName: 'Harness Write Binary',
		name: 'writeBinary',
		credentials: [],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const text = String(items[itemIndex].json.text);
			const data = await this.helpers.prepareBinaryData(
				Buffer.from(text, 'utf8'),
				'note.txt',
				'text/plain',
			);
			out.push({ json: {}, binary: { data }, pairedItem: { item: itemIndex } });
		}
		return [out];
	}
}

class ReadBinaryNode implements INodeType {
	description: INodeTypeDescription = {
		...echoDescription,
		displayName: 'Harness Read Binary',
		name: 'readBinary',
		credentials: [],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const meta = this.helpers.assertBinaryData(itemIndex, 'data');
			const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, 'data');
			out.push({
				json: { text: buffer.toString('utf8'), fileName: meta.fileName, mimeType: meta.mimeType },
				pairedItem: { item: itemIndex },
			});
		}
		return [out];
	}
}

const nodeTypes = {
	'harness-test.echo': new EchoNode(),
	'harness-test.slow': new SlowNode(),
	'harness-test.writeBinary': new WriteBinaryNode(),
	'harness-test.readBinary': new ReadBinaryNode(),
};
const credentialTypes = { harnessTestApi: new HarnessTestApi() };

function credentialStore(accessToken = ''): CredentialStore {
	return { 'cred-1': { type: 'harnessTestApi', data: { baseUrl: state.baseUrl, accessToken } } };
}

/** The fixture with the Echo node's fields overridden. */
function echoWorkflow(echo: Record<string, unknown> = {}): WorkflowJson {
	const workflow = structuredClone(echoThenNoop);
	return {
		...workflow,
		nodes: workflow.nodes.map((node) => (node.name === 'Echo' ? { ...node, ...echo } : node)),
	};
}

function twoStep(types: [string, string]): WorkflowJson {
	return {
		nodes: [
			{
				id: 't',
				name: 'Trigger',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'a',
				name: 'First',
				type: types[0],
				typeVersion: 1,
				position: [200, 0],
				parameters: {},
			},
			{
				id: 'b',
				name: 'Second',
				type: types[1],
				typeVersion: 1,
				position: [400, 0],
				parameters: {},
			},
		],
		connections: {
			Trigger: { main: [[{ node: 'First', type: 'main', index: 0 }]] },
			First: { main: [[{ node: 'Second', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

const words = [{ json: { word: 'alpha' } }, { json: { word: 'beta' } }];

// ---------------------------------------------------------------- tests

describe('runWorkflow', () => {
	it('runs trigger → node → noOp with exact items, pairedItem and evaluated expressions', async () => {
		const credentials = credentialStore();
		const fixtureBefore = JSON.stringify(echoThenNoop);

		const result = await runWorkflow({
			workflow: echoWorkflow(),
			nodeTypes,
			credentialTypes,
			credentials,
			inputItems: words,
		});

		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		expect(result.executionOrder).toEqual([
			'When clicking ‘Execute workflow’',
			'Echo',
			'No Operation, do nothing',
		]);
		const expected = [
			{ json: { echoed: 'ALPHA-0' }, pairedItem: { item: 0 } },
			{ json: { echoed: 'BETA-1' }, pairedItem: { item: 1 } },
		];
		expect(result.outputs.Echo).toEqual([expected]);
		expect(result.outputs['No Operation, do nothing']).toEqual([expected]);
		expect(result.outputs['When clicking ‘Execute workflow’']).toEqual([
			[
				{ json: { word: 'alpha' }, pairedItem: { item: 0 } },
				{ json: { word: 'beta' }, pairedItem: { item: 1 } },
			],
		]);
		expect(JSON.stringify(echoThenNoop)).toBe(fixtureBefore);
	});

	it('runs preAuthentication once for an empty token and writes the result into the credential store', async () => {
		const credentials = credentialStore('');

		const result = await runWorkflow({
			workflow: echoWorkflow(),
			nodeTypes,
			credentialTypes,
			credentials,
			inputItems: words,
		});

		expect(result.status).toBe('success');
		expect(state.tokensMinted).toBe(1);
		expect(result.preAuthenticationRuns).toEqual([
			{ type: 'harnessTestApi', credentialsExpired: false },
		]);
		expect(credentials['cred-1'].data).toEqual({ baseUrl: state.baseUrl, accessToken: 'token-1' });
		expect(result.credentialUpdates).toEqual([
			{
				id: 'cred-1',
				type: 'harnessTestApi',
				data: { baseUrl: state.baseUrl, accessToken: 'token-1' },
			},
		]);
		// The generic `authenticate` header, resolved from $credentials, on both requests.
		expect(state.authorizations).toEqual(['Zoho-oauthtoken token-1', 'Zoho-oauthtoken token-1']);
	});

	it('after a 401 on a stale token, refreshes once (credentialsExpired) and retries that request once', async () => {
		const credentials = credentialStore('stale');

		const result = await runWorkflow({
			workflow: echoWorkflow(),
			nodeTypes,
			credentialTypes,
			credentials,
			inputItems: words,
		});

		expect(result.status).toBe('success');
		expect(result.preAuthenticationRuns).toEqual([
			{ type: 'harnessTestApi', credentialsExpired: true },
		]);
		expect(state.authorizations).toEqual([
			'Zoho-oauthtoken stale',
			'Zoho-oauthtoken token-1',
			'Zoho-oauthtoken token-1',
		]);
		expect(credentials['cred-1'].data.accessToken).toBe('token-1');
	});

	it('retries a rejected request only once: a second 401 surfaces as NodeApiError', async () => {
		state.rejectAllTokens = true;
		const credentials = credentialStore('stale');

		const result = await runWorkflow({
			workflow: echoWorkflow(),
			nodeTypes,
			credentialTypes,
			credentials,
			inputItems: [{ json: { word: 'alpha' } }],
		});

		expect(result.status).toBe('error');
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect((result.error as NodeApiError).httpCode).toBe('401');
		expect(result.preAuthenticationRuns).toEqual([
			{ type: 'harnessTestApi', credentialsExpired: true },
		]);
		expect(state.authorizations).toEqual(['Zoho-oauthtoken stale', 'Zoho-oauthtoken token-1']);
		// The refreshed token was stored even though the retry failed.
		expect(credentials['cred-1'].data.accessToken).toBe('token-1');
	});

	it('with continueOnFail, turns a failing item into an error item and goes on with the others', async () => {
		const input = [
			{ json: { word: 'alpha' } },
			{ json: { word: 'missing' } },
			{ json: { word: 'gamma' } },
		];

		const result = await runWorkflow({
			workflow: echoWorkflow({ continueOnFail: true }),
			nodeTypes,
			credentialTypes,
			credentials: credentialStore(),
			inputItems: input,
		});

		expect(result.status).toBe('success');
		const [items] = result.outputs.Echo;
		expect(items).toHaveLength(3);
		expect(items.filter((item) => item.json.error !== undefined)).toHaveLength(1);
		expect(items[0]).toEqual({ json: { echoed: 'ALPHA-0' }, pairedItem: { item: 0 } });
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(items[1].json.error).toBe('The resource you are requesting could not be found');
		expect(items[2]).toEqual({ json: { echoed: 'GAMMA-2' }, pairedItem: { item: 2 } });
		expect(result.outputs['No Operation, do nothing'][0]).toHaveLength(3);
	});

	it("with onError 'continueErrorOutput', routes the error item to the second output", async () => {
		const input = [{ json: { word: 'alpha' } }, { json: { word: 'missing' } }];

		const result = await runWorkflow({
			workflow: echoWorkflow({ onError: 'continueErrorOutput' }),
			nodeTypes,
			credentialTypes,
			credentials: credentialStore(),
			inputItems: input,
		});

		expect(result.status).toBe('success');
		const [success, errors] = result.outputs.Echo;
		expect(success).toEqual([{ json: { echoed: 'ALPHA-0' }, pairedItem: { item: 0 } }]);
		expect(errors).toHaveLength(1);
		expect(errors[0].pairedItem).toEqual({ item: 1 });
		expect(errors[0].json.error).toBe('The resource you are requesting could not be found');
	});

	it('surfaces a NodeOperationError thrown by a node as the run error, with its class', async () => {
		const input = [{ json: { word: 'alpha' } }, { json: { word: 'invalid' } }];

		const result = await runWorkflow({
			workflow: echoWorkflow(),
			nodeTypes,
			credentialTypes,
			credentials: credentialStore(),
			inputItems: input,
		});

		expect(result.status).toBe('error');
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe('Value "INVALID-1" is not allowed');
		expect((result.error as NodeOperationError).context.itemIndex).toBe(1);
		expect(result.nodeErrors.Echo).toBe(result.error);
		expect(result.outputs['No Operation, do nothing']).toBeUndefined();
	});

	it('surfaces an HTTP failure from httpRequestWithAuthentication as a NodeApiError', async () => {
		const result = await runWorkflow({
			workflow: echoWorkflow(),
			nodeTypes,
			credentialTypes,
			credentials: credentialStore(),
			inputItems: [{ json: { word: 'missing' } }],
		});

		expect(result.status).toBe('error');
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect((result.error as NodeApiError).httpCode).toBe('404');
	});

	it('keeps binary data prepared by one node readable by the next (in memory)', async () => {
		const result = await runWorkflow({
			workflow: twoStep(['harness-test.writeBinary', 'harness-test.readBinary']),
			nodeTypes,
			inputItems: [{ json: { text: 'hello' } }, { json: { text: 'wörld' } }],
		});

		expect(result.status).toBe('success');
		const [written] = result.outputs.First;
		expect(written[0].binary?.data).toMatchObject({
			fileName: 'note.txt',
			mimeType: 'text/plain',
			data: Buffer.from('hello').toString('base64'),
		});
		expect(result.outputs.Second).toEqual([
			[
				{
					json: { text: 'hello', fileName: 'note.txt', mimeType: 'text/plain' },
					pairedItem: { item: 0 },
				},
				{
					json: { text: 'wörld', fileName: 'note.txt', mimeType: 'text/plain' },
					pairedItem: { item: 1 },
				},
			],
		]);
	});

	it('cancelling aborts an in-flight request promptly through getExecutionCancelSignal()', async () => {
		const controller = new AbortController();
		state.onSlowRequest = () => controller.abort();

		const startedAt = Date.now();
		const result = await runWorkflow({
			workflow: twoStep(['harness-test.slow', 'n8n-nodes-base.noOp']),
			nodeTypes,
			signal: controller.signal,
		});
		const took = Date.now() - startedAt;

		expect(result.status).toBe('canceled');
		expect(took).toBeLessThan(1_500);
		expect(state.slowRequests).toHaveLength(1);
		const closedAt = await state.slowRequests[0].closed;
		expect(closedAt - state.slowRequests[0].arrivedAt).toBeLessThan(1_000);
		expect(result.outputs.Second).toBeUndefined();
	});
});
