/**
 * An HTTP server on 127.0.0.1 that workflows report to (an HTTP Request node posting what
 * it got): tests and the benchmark see each execution, when it ran and with which items.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Hit {
	/** When the request arrived, ms (this host's clock). */
	at: number;
	body: unknown;
}

export interface Receiver {
	/** `http://127.0.0.1:<port>/hit` */
	url: string;
	hits: Hit[];
	/** Resolves once `count` hits have arrived, or rejects after `timeoutMs`. */
	waitFor(count: number, timeoutMs: number): Promise<void>;
	close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
	const hits: Hit[] = [];
	const waiters = new Set<() => void>();
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			hits.push({ at: Date.now(), body: parse(text) });
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"ok":true}');
			for (const waiter of waiters) waiter();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hit`;
	return {
		url,
		hits,
		waitFor(count, timeoutMs) {
			if (hits.length >= count) return Promise.resolve();
			return new Promise((resolve, reject) => {
				const check = () => {
					if (hits.length < count) return;
					clearTimeout(timer);
					waiters.delete(check);
					resolve();
				};
				const timer = setTimeout(() => {
					waiters.delete(check);
					reject(
						new Error(`${hits.length} of ${count} executions reported within ${timeoutMs} ms`),
					);
				}, timeoutMs);
				waiters.add(check);
			});
		},
		async close() {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

function parse(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		// Not JSON: kept as it came.
		return text;
	}
}
