/**
 * Proves the n8n hosts work without the package under test: a trivial workflow
 * is imported and executed headless, a failing one reports its error, a
 * throwaway community package installed from an `npm pack` tarball is loaded,
 * and `n8n start` becomes ready and stops.
 *
 *   bash n8n-host/install.sh all
 *   npx jest -c e2e/jest.config.js e2e/host.smoke.test.ts
 *
 * N8N_E2E_MAJORS=2 (or 1) limits the run to one major.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	type ExecuteResult,
	type N8nMajor,
	type UserFolder,
	createUserFolder,
	executeWorkflow,
	importWorkflow,
	nodeOutput,
	packPackage,
	startN8n,
} from '../n8n-driver';

const majors: N8nMajor[] = (process.env.N8N_E2E_MAJORS ?? '1,2')
	.split(',')
	.map((major) => Number(major.trim()) as N8nMajor);

/** Manual Trigger → `second`, the shape every headless workflow here has. */
function twoNodeWorkflow(options: {
	id: string;
	second: Record<string, unknown>;
}): { id: string } & Record<string, unknown> {
	return {
		id: options.id,
		name: `host smoke ${options.id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		nodes: [
			{
				id: '6b7c2f0e-0c5e-4b8e-9b59-2f4a6f0c1a01',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{ id: '6b7c2f0e-0c5e-4b8e-9b59-2f4a6f0c1a02', position: [220, 0], ...options.second },
		],
		connections: {
			Start: { main: [[{ node: options.second.name, type: 'main', index: 0 }]] },
		},
	};
}

const setWorkflow = twoNodeWorkflow({
	id: 'hostSmokeSet00000001',
	second: {
		name: 'Set',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		parameters: {
			mode: 'manual',
			assignments: {
				assignments: [
					{ id: 'a1', name: 'greeting', value: 'hello', type: 'string' },
					// An expression, so the expression engine (legacy on 1.x, vm on 2.x) is exercised.
					{ id: 'a2', name: 'sum', value: '={{ 1 + 2 }}', type: 'number' },
				],
			},
			options: {},
		},
	},
});

const failingWorkflow = twoNodeWorkflow({
	id: 'hostSmokeFail0000001',
	second: {
		name: 'Fail',
		type: 'n8n-nodes-base.stopAndError',
		typeVersion: 1,
		parameters: { errorMessage: 'failing on purpose' },
	},
});

const probeWorkflow = twoNodeWorkflow({
	id: 'hostSmokeProbe000001',
	second: { name: 'Probe', type: 'n8n-nodes-host-probe.hostProbe', typeVersion: 1, parameters: {} },
});

function logExecution(major: N8nMajor, what: string, result: ExecuteResult): void {
	const crash = result.crashedAtExit
		? ` (then crashed with ${String(result.signal)} while exiting)`
		: '';
	console.log(
		`n8n ${major}.x: execute (${what}) took ${result.durationMs} ms, exit ${String(result.code)}${crash}`,
	);
	if (!result.run) console.log(result.stdout.slice(-4000), result.stderr.slice(-4000));
}

/**
 * A minimal community package, written and packed at test time: one node whose
 * output comes from a runtime dependency, so the tarball install is proven to
 * bring the package's own node_modules.
 */
async function packProbePackage(): Promise<{ tarball: string; cleanup(): void }> {
	const source = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-probe-src-'));
	const nodeDir = path.join(source, 'dist', 'nodes', 'HostProbe');
	fs.mkdirSync(nodeDir, { recursive: true });
	fs.writeFileSync(
		path.join(source, 'package.json'),
		JSON.stringify({
			name: 'n8n-nodes-host-probe',
			version: '0.0.1',
			keywords: ['n8n-community-node-package'],
			files: ['dist'],
			n8n: {
				n8nNodesApiVersion: 1,
				credentials: [],
				nodes: ['dist/nodes/HostProbe/HostProbe.node.js'],
			},
			dependencies: { ms: '2.1.3' },
			peerDependencies: { 'n8n-workflow': '*' },
		}),
	);
	fs.writeFileSync(
		path.join(nodeDir, 'HostProbe.node.js'),
		`'use strict';
const ms = require('ms');
class HostProbe {
  constructor() {
    this.description = {
      displayName: 'Host Probe', name: 'hostProbe', group: ['transform'], version: 1,
      description: 'Proves the package was loaded', defaults: { name: 'Host Probe' },
      inputs: ['main'], outputs: ['main'], properties: [],
    };
  }
  async execute() {
    const items = this.getInputData();
    return [items.map((_, item) => ({ json: { loaded: true, oneMinuteMs: ms('1m') }, pairedItem: { item } }))];
  }
}
exports.HostProbe = HostProbe;
`,
	);
	try {
		const tarball = await packPackage({ cwd: source });
		return {
			tarball,
			cleanup: () => {
				fs.rmSync(source, { recursive: true, force: true });
				fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
			},
		};
	} catch (error) {
		fs.rmSync(source, { recursive: true, force: true });
		throw error;
	}
}

describe.each(majors)('n8n %i.x host', (major) => {
	let userFolder: UserFolder;

	beforeAll(async () => {
		userFolder = await createUserFolder({ major });
		await importWorkflow({ major, userFolder, workflow: setWorkflow });
		await importWorkflow({ major, userFolder, workflow: failingWorkflow });
	});

	afterAll(() => userFolder?.cleanup());

	test('executes a trivial workflow headless', async () => {
		const result = await executeWorkflow({ major, userFolder, id: setWorkflow.id });
		logExecution(major, 'set', result);

		expect({ succeeded: result.succeeded, error: result.run?.data?.resultData?.error }).toEqual({
			succeeded: true,
			error: undefined,
		});
		expect(result.run?.data?.resultData?.lastNodeExecuted).toBe('Set');
		expect(nodeOutput(result.run, 'Set')).toEqual([{ greeting: 'hello', sum: 3 }]);
	});

	test('a failing workflow exits 1 and still yields its run with the error', async () => {
		const result = await executeWorkflow({ major, userFolder, id: failingWorkflow.id });
		logExecution(major, 'failing', result);

		expect(result.succeeded).toBe(false);
		// 2.x may crash while exiting (see ExecuteResult.crashedAtExit) after the run was printed.
		expect(result.crashedAtExit ? 1 : result.code).toBe(1);
		expect(result.run?.data?.resultData?.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'failing on purpose',
		});
	});

	test('loads a community package installed from an npm pack tarball', async () => {
		const probe = await packProbePackage();
		const probeFolder = await createUserFolder({ major, packageTarball: probe.tarball });
		try {
			expect(probeFolder.packageName).toBe('n8n-nodes-host-probe');
			await importWorkflow({ major, userFolder: probeFolder, workflow: probeWorkflow });
			const result = await executeWorkflow({
				major,
				userFolder: probeFolder,
				id: probeWorkflow.id,
			});
			logExecution(major, 'community package', result);

			expect(result.run?.data?.resultData?.error).toBeUndefined();
			expect(result.succeeded).toBe(true);
			expect(nodeOutput(result.run, 'Probe')).toEqual([{ loaded: true, oneMinuteMs: 60_000 }]);
		} finally {
			probeFolder.cleanup();
			probe.cleanup();
		}
	});

	test('n8n start becomes ready and stops on SIGTERM', async () => {
		const n8n = await startN8n({ major, userFolder });
		try {
			console.log(`n8n ${major}.x: ready after ${n8n.readyMs} ms at ${n8n.baseUrl}`);
			const health = await fetch(`${n8n.baseUrl}/healthz`);
			expect(health.status).toBe(200);
		} finally {
			const stopping = Date.now();
			await n8n.stop();
			console.log(`n8n ${major}.x: stopped in ${Date.now() - stopping} ms`);
		}
		expect(() => process.kill(n8n.pid, 0)).toThrow();
	});
});
