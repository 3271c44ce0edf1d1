/**
 * A real Redis (Debian's redis-server) on 127.0.0.1 for tests and the queue-mode
 * e2e: no persistence, stopped by PID. `.ci/run` installs the package.
 */
import * as net from 'node:net';

import { freePort, spawnServer, waitUntilReady, type ServerChild } from './child';

export interface RedisServer {
	host: '127.0.0.1';
	port: number;
	/** `redis://127.0.0.1:<port>` */
	url: string;
	pid: number;
	/** Stops it (SIGTERM, then SIGKILL). Idempotent. */
	stop(): Promise<void>;
}

/** Starts redis-server on `port` (a free one when absent) and waits until it answers PING. */
export async function startRedis(options: { port?: number } = {}): Promise<RedisServer> {
	const port = options.port ?? (await freePort());
	const child: ServerChild = spawnServer({
		command: 'redis-server',
		args: [
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--daemonize',
			'no',
			'--loglevel',
			'warning',
		],
	});
	await waitUntilReady({
		what: `redis-server on port ${port}`,
		child,
		ready: () => answersPing(port),
	});
	return {
		host: '127.0.0.1',
		port,
		url: `redis://127.0.0.1:${port}`,
		pid: child.pid,
		stop: () => child.stop(),
	};
}

/** True when a Redis on the port answers PING with PONG (a raw RESP exchange, no client library). */
export function answersPing(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		let reply = '';
		const done = (ok: boolean): void => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(1_000, () => done(false));
		socket.once('error', () => done(false));
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			reply += chunk.toString('utf8');
			if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
		});
	});
}
