/**
 * `npm start` (through scripts/start.mjs, which builds first): this package inside a real
 * n8n (2.x by default, `-- --major=1` for 1.x), wired to the Zoho simulator, with the example
 * workflows imported and the owner account already set up. Ctrl+C, or a SIGTERM or SIGINT to
 * npm alone, stops n8n and the simulator.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	DEMO_OWNER,
	EDITOR_PORT,
	type RunningN8n,
	setupOwner,
	SIMULATOR_PORT,
	startN8n,
} from '../n8n-driver';
import {
	type LocalSetup,
	elapsed,
	errorText,
	log,
	logFileOf,
	majorFromArgs,
	setUpLocal,
	step,
} from './local';

async function main(): Promise<void> {
	const editorUrl = `http://127.0.0.1:${EDITOR_PORT}`;
	let setup: LocalSetup | undefined;
	let n8n: RunningN8n | undefined;
	let stopping = false;

	const shutdown = async (code: number): Promise<never> => {
		stopping = true;
		if (n8n) {
			log(`stopping n8n (pid ${n8n.pid})`);
			await n8n.stop().catch((error: unknown) => log(`could not stop n8n: ${errorText(error)}`));
		}
		if (setup) {
			log('stopping the Zoho simulator');
			await setup.demo.sim.stop();
		}
		process.exit(code);
	};
	const onSignal = (): void => {
		if (stopping) return;
		// A signal handler cannot wait; shutdown handles its own failures and exits.
		void shutdown(0);
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);

	try {
		setup = await setUpLocal({
			folder: 'start',
			port: EDITOR_PORT,
			env: {
				// Plain http on 127.0.0.1: the editor must not insist on a secure cookie.
				N8N_SECURE_COOKIE: 'false',
				N8N_EDITOR_BASE_URL: `${editorUrl}/`,
				// Webhook URLs shown in the editor (n8n would say localhost, which may resolve to ::1).
				[majorFromArgs() === 2 ? 'N8N_WEBHOOK_URL' : 'WEBHOOK_URL']: `${editorUrl}/`,
			},
		});
		const { userFolder } = setup.prepared;
		const logFile = path.join(userFolder.dir, 'n8n.log');
		const logStream = fs.createWriteStream(logFile);
		step(`starting n8n ${setup.version} (its output in ${path.relative(process.cwd(), logFile)})`);
		n8n = await startN8n({
			major: setup.major,
			userFolder,
			readyTimeoutMs: 180_000,
			onOutput: (chunk) => logStream.write(chunk),
		});
		await setupOwner(n8n.baseUrl, DEMO_OWNER);
		process.stdout.write(
			[
				'',
				`n8n ${setup.version} is ready (${elapsed()} since npm start, build included): ${editorUrl}`,
				'',
				`  Log in with   ${DEMO_OWNER.email}`,
				`  Password      ${DEMO_OWNER.password}`,
				'',
				`  Credential    "Zoho Self Client (simulator)" → Zoho simulator at http://127.0.0.1:${SIMULATOR_PORT}`,
				`  Workflows     ${setup.prepared.examples.map((example) => `"${example.workflow.name ?? example.workflow.id}"`).join(',\n                ')}`,
				`  Counters      http://127.0.0.1:${SIMULATOR_PORT}/__sim/counters (token mints, calls, Authorization headers)`,
				`  A Zoho change (for "Zoho OAuth Instant Trigger": Test this trigger, then create a Lead as a Zoho user would):`,
				`                curl -X POST http://127.0.0.1:${SIMULATOR_PORT}/__sim/records/Leads -H 'Content-Type: application/json' -d '{"fields":{"Last_Name":"Curl","Company":"Demo"}}'`,
				`  Build and install output: ${path.relative(process.cwd(), logFileOf('start'))}`,
				'',
				`  Everything lives in ${path.relative(process.cwd(), userFolder.dir)}/ and is wiped on the next npm start.`,
				'  Press Ctrl+C to stop n8n and the simulator.',
				'',
			].join('\n'),
		);
		const code = await n8n.exited;
		if (!stopping) {
			log(
				`n8n exited on its own (code ${String(code)}); last lines of its output:\n${n8n.output().slice(-3000)}`,
			);
			n8n = undefined;
			await shutdown(1);
		}
	} catch (error) {
		if (stopping) return;
		process.stderr.write(`[zoho-n8n] npm start failed: ${errorText(error)}\n`);
		await shutdown(1);
	}
}

// main catches its own failures and exits through shutdown().
void main();
