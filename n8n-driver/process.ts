/**
 * Child processes and ports: every process the driver spawns is its own child,
 * bounded by a timeout and stopped by its own PID.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

import type { N8nHost } from './host';

export interface CliResult {
	code: number | null;
	/** The signal that ended the process, if one did. */
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	timedOut: boolean;
	durationMs: number;
}

const DEFAULT_CLI_TIMEOUT_MS = 120_000;
export const KILL_GRACE_MS = 10_000;

/** Ports the OS hands out as free right now (kept open together so they differ). */
export async function freePorts(count: number): Promise<number[]> {
	const servers = await Promise.all(
		Array.from(
			{ length: count },
			() =>
				new Promise<net.Server>((resolve, reject) => {
					const server = net.createServer();
					server.once('error', reject);
					server.listen(0, '127.0.0.1', () => resolve(server));
				}),
		),
	);
	const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
	await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
	return ports;
}

/**
 * The parent's environment without what would leak into the isolated instance:
 * n8n settings, and jest's NODE_ENV=test (n8n then believes it runs inside its own
 * unit tests and refuses to load nodes).
 */
function cleanParentEnv(): Record<string, string> {
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (value === undefined || key === 'NODE_ENV' || /^(N8N_|DB_|JEST_)/.test(key)) continue;
		env[key] = value;
	}
	return env;
}

export function processEnv(
	host: N8nHost,
	folderEnv: Record<string, string>,
): Record<string, string> {
	const base = cleanParentEnv();
	// The task runner and anything else n8n spawns find the same node first.
	const pathVar = [path.dirname(host.nodeBin), base.PATH ?? '']
		.filter(Boolean)
		.join(path.delimiter);
	return { ...base, PATH: pathVar, ...folderEnv };
}

export interface RunOptions {
	command: string;
	args: string[];
	cwd: string;
	env?: Record<string, string>;
	timeoutMs?: number;
	/**
	 * The child's stdout goes to this file (read back into `stdout` at the end)
	 * instead of a pipe: a Node child that calls process.exit() loses what is still
	 * queued for a pipe (all but the first ~256 KB of a large run JSON); file writes
	 * are synchronous.
	 */
	stdoutFile?: string;
}

/** Runs one child process, bounded by a timeout that stops that child (by PID) only. */
export function run(options: RunOptions): Promise<CliResult> {
	const timeoutMs = options.timeoutMs ?? DEFAULT_CLI_TIMEOUT_MS;
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const stdoutFd =
			options.stdoutFile === undefined ? undefined : fs.openSync(options.stdoutFile, 'w');
		const child = spawn(options.command, options.args, {
			cwd: options.cwd,
			env: options.env ?? process.env,
			stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'],
		});
		// The child holds its own copy of the descriptor.
		if (stdoutFd !== undefined) fs.closeSync(stdoutFd);
		let stdout = '';
		let stderr = '';
		let timedOut = false;
		let killTimer: NodeJS.Timeout | undefined;
		child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		const timer = setTimeout(() => {
			timedOut = true;
			child.kill('SIGTERM');
			killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
		}, timeoutMs);
		child.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.once('close', (code, signal) => {
			clearTimeout(timer);
			if (killTimer) clearTimeout(killTimer);
			if (options.stdoutFile !== undefined) stdout = fs.readFileSync(options.stdoutFile, 'utf8');
			resolve({ code, signal, stdout, stderr, timedOut, durationMs: Date.now() - started });
		});
	});
}

export async function runChecked(options: RunOptions): Promise<CliResult> {
	const result = await run(options);
	if (result.code !== 0) {
		throw new Error(
			`${options.command} ${options.args.join(' ')} failed (code ${String(result.code)}` +
				`${result.timedOut ? ', timed out' : ''}):\n${tail(result.stderr || result.stdout)}`,
		);
	}
	return result;
}

export function tail(text: string, max = 4000): string {
	return text.length > max ? `…${text.slice(-max)}` : text;
}

export function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Throws a readable error when something already listens on 127.0.0.1:port. */
export async function assertPortFree(port: number, what: string): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		const server = net.createServer();
		server.once('error', (error: NodeJS.ErrnoException) => {
			reject(
				new Error(
					error.code === 'EADDRINUSE'
						? `port ${port} (${what}) is already in use: is another \`npm start\` or \`npm run demo\` running?`
						: `cannot listen on 127.0.0.1:${port} (${what}): ${error.message}`,
				),
			);
		});
		server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
	});
}
