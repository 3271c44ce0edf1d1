// `npm start`: builds the package and the tools with their output in a log file, then runs
// the compiled scripts/start.ts in this same process. So the clock in the banner covers the
// build, and the process npm starts is the one that owns n8n and the simulator (a SIGTERM or
// SIGINT to npm reaches it and stops them).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// package.json starts this with `exec`, so npm's `sh -c` becomes this process and the SIGTERM or
// SIGINT npm passes on (an IDE's stop button signals npm alone) lands here: start.ts's handler
// stops n8n and the simulator. If npm itself dies without passing anything on (SIGKILL), this
// process gets a new parent; then it signals itself (during the build, Node's default ends it).
const parent = process.ppid;
setInterval(() => {
	if (!isAlive(parent)) process.kill(process.pid, 'SIGTERM');
}, 500).unref();

function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: the pid is alive (reused by another user's process is unlikely within 500 ms).
		return error.code === 'EPERM';
	}
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const startedAt = Date.now();
// Beside .n8n-user/start/, which the start empties; it holds every step's full output.
const logFile = path.join(root, '.n8n-user', 'start.log');
fs.mkdirSync(path.dirname(logFile), { recursive: true });
fs.writeFileSync(logFile, '');

const BUILD_STEPS = [
	['build', 'building the package (tsc + gulp)'],
	['build:tools', 'building the scripts and the simulator (tsc)'],
];

function runToLog(script) {
	const out = fs.openSync(logFile, 'a');
	fs.writeSync(out, `\n$ npm run ${script}\n`);
	const child = spawn('npm', ['run', script], { cwd: root, stdio: ['ignore', out, out] });
	fs.closeSync(out);
	return new Promise((resolve, reject) => {
		child.once('error', reject);
		child.once('close', (code) => resolve(code));
	});
}

const relativeLog = path.relative(process.cwd(), logFile);
for (const [index, [script, what]] of BUILD_STEPS.entries()) {
	// The builds take under a minute: seconds suffice here (scripts/local.ts's elapsed() goes on).
	const seconds = Math.round((Date.now() - startedAt) / 1000);
	process.stdout.write(`[zoho-n8n ${seconds} s] step ${index + 1}: ${what}\n`);
	const code = await runToLog(script);
	if (code !== 0) {
		const tail = fs.readFileSync(logFile, 'utf8').slice(-3000);
		process.stderr.write(
			`[zoho-n8n] npm run ${script} failed (code ${code}); its output ends:\n${tail}\nFull output: ${relativeLog}\n`,
		);
		process.exit(1);
	}
}

process.env.ZOHO_START_STARTED_AT = String(startedAt);
process.env.ZOHO_START_LOG = logFile;
process.env.ZOHO_START_STEP = String(BUILD_STEPS.length);
await import(pathToFileURL(path.join(root, 'dist-tools', 'scripts', 'start.js')).href);
