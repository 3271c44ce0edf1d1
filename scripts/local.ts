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

/** When `npm start` began (scripts/start.mjs sets it before the build), else when this process did. */
const startedAt = Number(process.env.ZOHO_START_STARTED_AT ?? '') || Date.now();
/** Steps scripts/start.mjs already took (the builds). */
let stepsTaken = Number(process.env.ZOHO_START_STEP ?? '') || 0;

/** Time since the command began, build included: "42 s", "4 min 05 s". */
export function elapsed(): string {
	const seconds = Math.round((Date.now() - startedAt) / 1000);
	if (seconds < 60) return `${seconds} s`;
	return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

export function log(line: string): void {
	process.stdout.write(`[zoho-n8n ${elapsed()}] ${line}\n`);
}

/** One numbered line per step, so a long first start shows what it does and how far it is. */
export function step(what: string): void {
	stepsTaken += 1;
	log(`step ${stepsTaken}: ${what}`);
}

/** Where a command's long outputs go (the n8n install, npm's): beside its user folder. */
export function logFileOf(folder: string): string {
	return process.env.ZOHO_START_LOG ?? path.join(repoRoot(), '.n8n-user', `${folder}.log`);
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

	const logFile = logFileOf(options.folder);
	fs.mkdirSync(path.dirname(logFile), { recursive: true });
	step(
		`n8n ${major}.x (bash n8n-host/install.sh ${major}: the first time about 5 minutes and 4 GB, its output in ${path.relative(process.cwd(), logFile)})`,
	);
	// A first install is silent for minutes between its phases: say it is still going.
	const heartbeat = setInterval(() => log(`  still installing n8n ${major}.x`), 30_000);
	try {
		await ensureHostInstalled(major, { logFile, onProgress: (line) => log(`  ${line}`) });
	} finally {
		clearInterval(heartbeat);
	}
	const version = n8nVersion(major);

	step('packing this package (npm pack)');
	const tarball = await packPackage();
	let demo: DemoSimulator | undefined;
	try {
		step("starting the Zoho simulator and preparing n8n's user folder");
		demo = await startDemoSimulator({ port: SIMULATOR_PORT });
		log(
			`  Zoho simulator listening on ${demo.accountsUrl} (2500 Leads, 20 Contacts, Books organization ${demo.organizationId})`,
		);
		const prepared = await prepareInstance({
			major,
			tarball,
			demo,
			dir: path.join(repoRoot(), '.n8n-user', options.folder),
			...(options.port !== undefined ? { port: options.port } : {}),
			...(options.env !== undefined ? { env: options.env } : {}),
			log: (line) => log(`  ${line}`),
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
