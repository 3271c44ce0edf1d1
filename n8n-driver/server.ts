/**
 * `n8n start` (a main: editor, webhooks, triggers) or `n8n worker` (queue mode) as
 * a child process, ready when n8n says so.
 */
import { spawn } from 'node:child_process';

import { hostFor, type N8nMajor } from './host';
import { delay, KILL_GRACE_MS, processEnv, tail } from './process';
import type { UserFolder } from './userFolder';

const DEFAULT_READY_TIMEOUT_MS = 90_000;

export interface StartN8nOptions {
	major: N8nMajor;
	userFolder: UserFolder;
	/** `worker` for a queue-mode worker; `start` (a main) by default. */
	command?: 'start' | 'worker';
	/** Variables for this process only, over the folder's (e.g. a worker's own task-broker port). */
	env?: Record<string, string>;
	readyTimeoutMs?: number;
	/** Called with every chunk n8n writes to stdout or stderr. */
	onOutput?: (chunk: string) => void;
}

export interface RunningN8n {
	baseUrl: string;
	pid: number;
	/** Milliseconds from spawn to the readiness probe answering 200. */
	readyMs: number;
	/** Everything n8n wrote to stdout and stderr so far. */
	output(): string;
	/** `signal` (SIGTERM by default) by PID, SIGKILL after a grace period; resolves when the process is gone. */
	stop(signal?: NodeJS.Signals): Promise<void>;
	/** Resolves with n8n's exit code (-1 for a signal) once the process has ended, for whatever reason. */
	exited: Promise<number | null>;
}

const READY_LINE = {
	start: 'Editor is now accessible via',
	worker: 'n8n worker is now ready',
} as const;

/** `n8n start` on the folder's port, or `n8n worker`; resolves once n8n reports ready. */
export async function startN8n(options: StartN8nOptions): Promise<RunningN8n> {
	const host = hostFor(options.major);
	const port = options.userFolder.env.N8N_PORT;
	const baseUrl = `http://127.0.0.1:${port}`;
	// 2.x answers /healthz long before it can serve requests; /healthz/readiness waits for the database.
	const probe = `${baseUrl}${options.major === 2 ? '/healthz/readiness' : '/healthz'}`;
	const command = options.command ?? 'start';
	const started = Date.now();
	const child = spawn(host.nodeBin, [host.n8nBin, command], {
		cwd: options.userFolder.dir,
		env: processEnv(host, { ...options.userFolder.env, ...options.env }),
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	if (child.pid === undefined) throw new Error(`could not spawn ${host.nodeBin}`);
	const pid = child.pid;
	let output = '';
	const onChunk = (chunk: string): void => {
		output += chunk;
		options.onOutput?.(chunk);
	};
	child.stdout.setEncoding('utf8').on('data', onChunk);
	child.stderr.setEncoding('utf8').on('data', onChunk);
	let exitCode: number | null | undefined;
	const exited = new Promise<void>((resolve) => {
		child.once('exit', (code, signal) => {
			exitCode = code ?? (signal ? -1 : null);
			resolve();
		});
	});

	/** True once the process has exited, false if it is still running after `ms`. */
	const exitWithin = async (ms: number): Promise<boolean> => {
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<boolean>(
			(resolve) => (timer = setTimeout(() => resolve(false), ms)),
		);
		try {
			return await Promise.race([exited.then(() => true), timeout]);
		} finally {
			clearTimeout(timer);
		}
	};

	const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
		if (exitCode !== undefined) return;
		child.kill(signal);
		if (await exitWithin(KILL_GRACE_MS)) return;
		child.kill('SIGKILL');
		if (!(await exitWithin(KILL_GRACE_MS)))
			throw new Error(`n8n (pid ${pid}) did not exit after SIGKILL`);
	};

	const deadline = started + (options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
	while (Date.now() < deadline) {
		if (exitCode !== undefined) {
			throw new Error(
				`n8n ${command} exited (code ${String(exitCode)}) before it was ready:\n${tail(output)}`,
			);
		}
		// n8n prints this line once its REST routes and active workflows (webhooks) are up; on 1.x
		// /healthz answers earlier, while POST /rest/owner/setup still answers 404.
		// A worker serves no HTTP unless its health check is switched on: its log line is the signal.
		if (
			output.includes(READY_LINE[command]) &&
			(command === 'worker' || (await answers200(probe)))
		) {
			return {
				baseUrl,
				pid,
				readyMs: Date.now() - started,
				output: () => output,
				stop,
				exited: exited.then(() => exitCode ?? null),
			};
		}
		await delay(250);
	}
	await stop();
	throw new Error(
		`n8n ${command} was not ready at ${probe} within ${options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS} ms:\n${tail(output)}`,
	);
}

async function answers200(url: string): Promise<boolean> {
	try {
		const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
		await response.arrayBuffer();
		return response.status === 200;
	} catch {
		// Not listening yet (connection refused) or slow to answer: the caller polls again.
		return false;
	}
}
