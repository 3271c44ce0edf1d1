/**
 * What `npm start` and `npm run demo` both do before n8n runs: install the n8n
 * host if missing, pack this package, start the Zoho simulator on its fixed
 * port in this process, and prepare a user folder under .n8n-user/ (git-ignored,
 * emptied on every run).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	assertPortFree,
	ensureHostInstalled,
	type N8nMajor,
	n8nVersion,
	packPackage,
	type PreparedInstance,
	prepareInstance,
	repoRoot,
	SIMULATOR_PORT,
} from '../n8n-driver';
import { type DemoSimulator, startDemoSimulator } from '../simulator/demo';

export interface LocalSetup {
	major: N8nMajor;
	version: string;
	demo: DemoSimulator;
	prepared: PreparedInstance;
}

export interface LocalSetupOptions {
	/** Sub-folder of .n8n-user/ for this command, so `start` and `demo` do not wipe each other. */
	folder: string;
	/** n8n's HTTP port (checked free before anything else happens). */
	port?: number;
	env?: Record<string, string>;
}

export function log(line: string): void {
	process.stdout.write(`[zoho-n8n] ${line}\n`);
}

/** n8n major from `--major=1|2` or N8N_MAJOR; 2 by default. */
export function majorFromArgs(argv: readonly string[] = process.argv.slice(2)): N8nMajor {
	const flag = argv.find((arg) => arg.startsWith('--major='))?.slice('--major='.length);
	const value = flag ?? process.env.N8N_MAJOR ?? '2';
	if (value !== '1' && value !== '2') throw new Error(`n8n major must be 1 or 2, got ${value}`);
	return Number(value) as N8nMajor;
}

export async function setUpLocal(options: LocalSetupOptions): Promise<LocalSetup> {
	const major = majorFromArgs();
	// The simulator serves US on SIMULATOR_PORT and EU on the next port.
	await assertPortFree(SIMULATOR_PORT, 'Zoho simulator, US');
	await assertPortFree(SIMULATOR_PORT + 1, 'Zoho simulator, EU');
	if (options.port !== undefined) await assertPortFree(options.port, 'n8n editor');

	log(
		`checking the n8n ${major}.x host (bash n8n-host/install.sh ${major}; a full install takes a few minutes once)`,
	);
	await ensureHostInstalled(major);
	const version = n8nVersion(major);

	log('packing this package (npm pack)');
	const tarball = await packPackage();
	let demo: DemoSimulator | undefined;
	try {
		demo = await startDemoSimulator({ port: SIMULATOR_PORT });
		log(
			`Zoho simulator listening on ${demo.accountsUrl} (2500 Leads, 20 Contacts, Books organization ${demo.organizationId})`,
		);
		const prepared = await prepareInstance({
			major,
			tarball,
			demo,
			dir: path.join(repoRoot(), '.n8n-user', options.folder),
			...(options.port !== undefined ? { port: options.port } : {}),
			...(options.env !== undefined ? { env: options.env } : {}),
			log,
		});
		return { major, version, demo, prepared };
	} catch (error) {
		await demo?.sim.stop();
		throw error;
	} finally {
		fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
	}
}

export function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
