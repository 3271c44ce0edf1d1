/**
 * A server process started by a test: its own child, stopped by its own PID, with
 * its output kept for the error message when it fails to come up.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import * as net from 'node:net';

export interface ServerChild {
	pid: number;
	/** What the process wrote to stdout and stderr so far (the last 20,000 characters). */
	output(): string;
	/** True once the process has exited. */
	readonly exited: boolean;
	/** Sends `signal` (default SIGTERM), then SIGKILL after `graceMs`; resolves once the process is gone. */
	stop(options?: { signal?: NodeJS.Signals; graceMs?: number }): Promise<void>;
}

export function spawnServer(options: {
	command: string;
	args: string[];
	spawn?: SpawnOptions;
}): ServerChild {
	const child = spawn(options.command, options.args, {
		...options.spawn,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	if (child.pid === undefined) throw new Error(`could not start ${options.command}`);
	let output = '';
	const keep = (chunk: Buffer): void => {
		output = (output + chunk.toString('utf8')).slice(-20_000);
	};
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	let exited = false;
	const gone = new Promise<void>((resolve) => {
		child.once('exit', () => {
			exited = true;
			resolve();
		});
		child.once('error', (error) => {
			output += `\n${error.message}`;
			exited = true;
			resolve();
		});
	});
	const exitWithin = async (ms: number): Promise<boolean> => {
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<boolean>(
			(resolve) => (timer = setTimeout(() => resolve(false), ms)),
		);
		try {
			return await Promise.race([gone.then(() => true), timeout]);
		} finally {
			clearTimeout(timer);
		}
	};
	return {
		pid: child.pid,
		output: () => output,
		get exited() {
			return exited;
		},
		async stop(stopOptions = {}) {
			if (exited) return;
			child.kill(stopOptions.signal ?? 'SIGTERM');
			if (await exitWithin(stopOptions.graceMs ?? 10_000)) return;
			child.kill('SIGKILL');
			if (!(await exitWithin(5_000)))
				throw new Error(`${options.command} (pid ${child.pid}) did not exit after SIGKILL`);
		},
	};
}

/** A port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as net.AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return port;
}

/** Polls `ready` every 100 ms until it answers true; throws with the server's output after `timeoutMs`. */
export async function waitUntilReady(options: {
	what: string;
	child: ServerChild;
	ready: () => Promise<boolean>;
	timeoutMs?: number;
}): Promise<void> {
	const deadline = Date.now() + (options.timeoutMs ?? 30_000);
	while (Date.now() < deadline) {
		if (options.child.exited)
			throw new Error(`${options.what} exited before it was ready:\n${options.child.output()}`);
		if (await options.ready()) return;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	await options.child.stop();
	throw new Error(
		`${options.what} was not ready within ${options.timeoutMs ?? 30_000} ms:\n${options.child.output()}`,
	);
}
