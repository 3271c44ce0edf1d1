/**
 * A real HTTP proxy for tests: Debian's tinyproxy, with a config file of its own in a
 * temporary directory, on a free port of 127.0.0.1, in the foreground; stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tinyproxy {
	/** http://127.0.0.1:<port> */
	url: string;
	port: number;
	/** The CONNECT requests tinyproxy logged so far, as "host:port". */
	tunnels(): Promise<string[]>;
	stop(): Promise<void>;
}

export interface TinyproxyOptions {
	/** Ports CONNECT may reach; every port when absent. */
	connectPorts?: number[];
	basicAuth?: { user: string; password: string };
}

export async function startTinyproxy(options: TinyproxyOptions = {}): Promise<Tinyproxy> {
	const dir = await mkdtemp(join(tmpdir(), 'tinyproxy-'));
	const port = await freePort();
	const logFile = join(dir, 'tinyproxy.log');
	const lines = [
		`Port ${port}`,
		'Listen 127.0.0.1',
		'Allow 127.0.0.1',
		'Timeout 30',
		'MaxClients 50',
		'LogLevel Connect',
		`LogFile "${logFile}"`,
		...(options.connectPorts ?? []).map((allowed) => `ConnectPort ${allowed}`),
		...(options.basicAuth ? [`BasicAuth ${options.basicAuth.user} ${options.basicAuth.password}`] : []),
	];
	const config = join(dir, 'tinyproxy.conf');
	await writeFile(config, `${lines.join('\n')}\n`);
	const child = spawn('tinyproxy', ['-d', '-c', config], { stdio: 'ignore' });
	try {
		await listening({ child, port });
	} catch (error) {
		await stopChild(child);
		await rm(dir, { recursive: true, force: true });
		throw error;
	}
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		async tunnels() {
			const log = await readFile(logFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
				if (error.code === 'ENOENT') return '';
				throw error;
			});
			return [...log.matchAll(/Request \(file descriptor \d+\): CONNECT (\S+) HTTP/g)].map((match) => match[1] ?? '');
		},
		async stop() {
			await stopChild(child);
			await rm(dir, { recursive: true, force: true });
		},
	};
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

/** Waits (at most 5 s) until the proxy accepts connections. */
async function listening(options: { child: ChildProcess; port: number }): Promise<void> {
	for (let waited = 0; waited < 5_000; waited += 50) {
		if (options.child.exitCode !== null) throw new Error(`tinyproxy exited with code ${options.child.exitCode}`);
		if (await accepts(options.port)) return;
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	throw new Error('tinyproxy did not start listening within 5 s');
}

function accepts(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = createConnection({ host: '127.0.0.1', port });
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

/** SIGTERM, then SIGKILL if it has not gone within 3 s. */
async function stopChild(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
	await exited;
	clearTimeout(timer);
}
