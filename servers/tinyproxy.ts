/**
 * A real HTTP proxy for tests: Debian's tinyproxy, with a config file of its own in a
 * temporary directory, on a free port of 127.0.0.1, in the foreground; stopped by its PID.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort, spawnServer, waitUntilReady } from './child';

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
		...(options.basicAuth
			? [`BasicAuth ${options.basicAuth.user} ${options.basicAuth.password}`]
			: []),
	];
	const config = join(dir, 'tinyproxy.conf');
	await writeFile(config, `${lines.join('\n')}\n`);
	const child = spawnServer({ command: 'tinyproxy', args: ['-d', '-c', config] });
	try {
		await waitUntilReady({
			what: `tinyproxy on port ${port}`,
			child,
			ready: () => accepts(port),
			timeoutMs: 5_000,
		});
	} catch (error) {
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
			return [...log.matchAll(/Request \(file descriptor \d+\): CONNECT (\S+) HTTP/g)].map(
				(match) => match[1] ?? '',
			);
		},
		async stop() {
			await child.stop({ graceMs: 3_000 });
			await rm(dir, { recursive: true, force: true });
		},
	};
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
