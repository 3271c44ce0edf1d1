/**
 * The secret scan itself: it must find a planted secret wherever a run can leave one
 * (else the zero leaks of faults.test.ts and badInputs.test.ts would mean nothing), the
 * log capture must really see n8n's log lines, and the two operations whose purpose
 * is to output a token must output it nowhere else.
 */
import { NodeApiError, NodeOperationError, type INode } from 'n8n-workflow';

import { parseCredentials, tokenFields } from '../../zoho/credentials';
import {
	deepText,
	errorTexts,
	findLeaks,
	installLogCapture,
	runTexts,
	startRelKit,
	takeLogLines,
	writeSummarySection,
	type RelKit,
	type ScanTarget,
} from './support';

let kit: RelKit;
beforeAll(async () => {
	installLogCapture();
	kit = await startRelKit();
});
afterAll(async () => {
	await kit.close();
	await writeSummarySection('secretScanner', {
		selfTests: planted.length,
		leaksFoundInRuns: runLeaks.length,
		leaks: runLeaks,
	});
});
beforeEach(() => {
	kit.sim.clearFaults();
	kit.resetRuntime();
});

const SECRET = `1000.${'5ec2e7'.repeat(5)}ab.${'c0ffee'.repeat(5)}cd`;
const NODE = {
	id: 'n',
	name: 'Zoho',
	type: 'x',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
} as INode;

const planted: Array<[string, () => ScanTarget[]]> = [
	['a NodeOperationError message', () => errorTexts(new NodeOperationError(NODE, `bad ${SECRET}`))],
	[
		'a NodeApiError description',
		() =>
			errorTexts(
				new NodeApiError(NODE, { message: 'x' }, { message: 'x', description: `fix ${SECRET}` }),
			),
	],
	[
		'an error context',
		() =>
			errorTexts(
				Object.assign(new NodeOperationError(NODE, 'x'), { context: { data: { token: SECRET } } }),
			),
	],
	[
		'an error cause, two levels down',
		() =>
			errorTexts(new Error('outer', { cause: new Error('middle', { cause: new Error(SECRET) }) })),
	],
	[
		'a non-enumerable field',
		() =>
			errorTexts(
				Object.defineProperty(new Error('x'), 'secret', { value: SECRET, enumerable: false }),
			),
	],
	[
		'a buffer',
		() => [{ where: 'buffer', text: deepText({ body: Buffer.from(`token=${SECRET}`) }) }],
	],
	[
		'only the hex part of a token',
		() => [{ where: 'text', text: `token ${SECRET.split('.')[2]}` }],
	],
	[
		'a URL-encoded form',
		() => [{ where: 'text', text: `?t=${encodeURIComponent(`${SECRET}/x`)}` }],
	],
];

const runLeaks: string[] = [];

describe('the secret scan', () => {
	it.each(planted)('finds a secret in %s', (_where, targets) => {
		expect(findLeaks(targets(), [SECRET]).length).toBeGreaterThan(0);
	});

	it('finds nothing where there is nothing', () => {
		expect(
			findLeaks(errorTexts(new NodeOperationError(NODE, 'Client ID is empty.')), [SECRET]),
		).toEqual([]);
	});
});

describe('log capture', () => {
	it("captures n8n's own log lines, including the error a failed execution logs", async () => {
		kit.newClient();
		takeLogLines();
		const result = await kit.run({ operation: 'apiRequest', method: 'GET', path: 'no-slash' });
		expect(result.error?.message).toBe('Path or URL "no-slash" must start with "/".');
		const lines = takeLogLines();
		expect(
			lines
				.map((line) => line.text)
				.filter((text) => text.startsWith('Workflow execution finished with error')),
		).toHaveLength(1);
		expect(
			lines.some((line) => line.text.includes('Path or URL \\"no-slash\\" must start with')),
		).toBe(true);
	});
});

describe('operations that output a token', () => {
	it('Get Access Token: the token is in its output item, and nowhere else', async () => {
		kit.newClient();
		takeLogLines();
		const result = await kit.run({ operation: 'getAccessToken' });
		const token = String(result.outputs.Zoho?.[0]?.[0]?.json.access_token);
		expect(token).toMatch(/^1000\./);
		expect(kit.secrets.has(token)).toBe(true);
		const elsewhere = [
			...runTexts(result, { outputsExcepted: true }),
			...takeLogLines().map((line) => ({ where: 'log', text: line.text })),
		];
		const leaks = findLeaks(elsewhere, kit.secrets);
		runLeaks.push(...leaks);
		expect(leaks).toEqual([]);
		// The exception is needed: the output does hold it.
		expect(findLeaks(runTexts(result), [token]).length).toBeGreaterThan(0);
	});

	it('Exchange Grant Code: the new tokens are in its output item, and nowhere else', async () => {
		const client = kit.newClient();
		const code = kit.sim.createGrantCode('us', {
			clientId: client.clientId,
			scopes: ['ZohoCRM.modules.ALL'],
		});
		kit.secrets.add(code);
		takeLogLines();
		const result = await kit.run(
			{ operation: 'exchangeGrantCode', grantCode: '={{ $json.code }}' },
			{ inputItems: [{ json: { code } }] },
		);
		expect(result.outputs.Zoho?.[0]?.[0]?.json.refresh_token).toMatch(/^1000\./);
		const elsewhere = [
			...runTexts(result, { outputsExcepted: true }),
			...takeLogLines().map((line) => ({ where: 'log', text: line.text })),
		];
		const leaks = findLeaks(elsewhere, kit.secrets);
		runLeaks.push(...leaks);
		expect(leaks).toEqual([]);
	});
});

describe('a token saved in the credential by another process', () => {
	it('does not leak when the API refuses it and the refresh fails too', async () => {
		const client = kit.newClient();
		const other = await kit.runtime.auth.getToken(parseCredentials(client.data));
		kit.useCredential({ ...client.data, ...tokenFields(other) });
		kit.resetRuntime();
		kit.sim.injectFault({ path: '/crm/v8/org', kind: 'status', status: 401, times: 1 });
		kit.sim.injectFault({
			path: '/oauth/v2/token',
			kind: 'status',
			status: 200,
			body: { error: 'invalid_code' },
		});
		kit.sim.resetCounters();
		takeLogLines();
		const result = await kit.run({ operation: 'apiRequest', method: 'GET', path: '/org' });
		expect(result.error?.message).toBe(
			'Zoho rejected the Refresh Token (invalid_code): it was revoked, mistyped, or belongs to another client or data centre.',
		);
		// The saved token was used (no mint before the 401), then refused.
		expect(kit.sim.counters().authorizationHeaders.map((seen) => seen.value)).toEqual([
			`Zoho-oauthtoken ${other.accessToken}`,
		]);
		kit.collectSeenTokens();
		const targets = [
			...runTexts(result),
			...takeLogLines().map((line) => ({ where: 'log', text: line.text })),
		];
		const leaks = findLeaks(targets, kit.secrets);
		runLeaks.push(...leaks);
		expect(leaks).toEqual([]);
	});
});
