/**
 * `npm start` stops what it started when a SIGTERM or SIGINT reaches the npm process alone
 * (an IDE's stop button, a process manager), not only on Ctrl+C to the whole terminal, and
 * when npm is killed outright. npm passes a signal only to the `sh -c` running the script: a
 * shell that dies of it (SIGTERM) or holds it until its child ends (SIGINT) without passing it on.
 *
 * Runs the real start script of package.json and scripts/start.mjs under the real npm, in a
 * copy of the repository's layout whose builds do nothing and whose dist-tools/scripts/start.js
 * stands in for start.ts: it starts a long-lived child (as start.ts starts n8n) and stops it
 * on SIGTERM/SIGINT, as start.ts's handler does. The test signals npm only and expects that
 * child to be gone.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../..');
const WAIT_MS = 15_000;

const STAND_IN_START = `
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
fs.writeFileSync('child.pid', String(child.pid));
fs.writeFileSync('start.pid', String(process.pid));
const stop = (signal) => {
	fs.writeFileSync('stopped-by', signal);
	child.kill('SIGTERM');
	child.once('exit', () => process.exit(0));
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
`;

interface Manifest {
	scripts: Record<string, string>;
}

let dir: string;
let leftover: number[] = [];

beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zoho-start-signals-'));
	fs.mkdirSync(path.join(dir, 'scripts'));
	fs.mkdirSync(path.join(dir, 'dist-tools', 'scripts'), { recursive: true });
	fs.copyFileSync(path.join(REPO, 'scripts', 'start.mjs'), path.join(dir, 'scripts', 'start.mjs'));
	fs.writeFileSync(path.join(dir, 'dist-tools', 'scripts', 'start.js'), STAND_IN_START);
	const manifest = {
		name: 'start-signals',
		version: '1.0.0',
		private: true,
		scripts: {
			build: 'node -e ""',
			'build:tools': 'node -e ""',
			start: (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as Manifest)
				.scripts.start,
		},
	};
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
	leftover = [];
});

afterEach(() => {
	for (const pid of leftover) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
	fs.rmSync(dir, { recursive: true, force: true });
});

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

async function waitFor<T>(what: string, probe: () => T | undefined): Promise<T> {
	const deadline = Date.now() + WAIT_MS;
	for (;;) {
		const value = probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

function readIfThere(file: string): string | undefined {
	const full = path.join(dir, file);
	return fs.existsSync(full) && fs.readFileSync(full, 'utf8') !== ''
		? fs.readFileSync(full, 'utf8')
		: undefined;
}

it.each([
	['SIGTERM', 'SIGTERM'],
	['SIGINT', 'SIGINT'],
	// start.mjs sees npm gone and signals itself.
	['SIGKILL', 'SIGTERM'],
] as const)(
	'a %s to the npm process alone stops the children of npm start (by %s)',
	async (signal, stoppedBy) => {
		const npm = spawn('npm', ['start'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		npm.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
		npm.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
		const npmExited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
		if (npm.pid !== undefined) leftover.push(npm.pid);
		const childPid = Number(await waitFor('the stand-in n8n', () => readIfThere('child.pid')));
		leftover.push(childPid, Number(readIfThere('start.pid')));
		expect(isAlive(childPid)).toBe(true);
		// The build steps were announced, in order, before start.js ran.
		expect(output.match(/step \d: [a-z ]+/g)).toEqual([
			'step 1: building the package ',
			'step 2: building the scripts and the simulator ',
		]);

		npm.kill(signal);
		await npmExited;
		expect(await waitFor('the stop', () => readIfThere('stopped-by'))).toBe(stoppedBy);
		await waitFor('the stand-in n8n to end', () => (isAlive(childPid) ? undefined : true));
		expect(isAlive(childPid)).toBe(false);
		expect(fs.readFileSync(path.join(dir, '.n8n-user', 'start.log'), 'utf8')).toContain(
			'$ npm run build:tools',
		);
	},
);
