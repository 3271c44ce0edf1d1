// One HTTP listener per DC. Its origin is that DC's accounts server, api_domain and the
// host of every product API at once.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { handleRevoke, handleTokenRequest } from './accounts';
import { handleAdmin } from './admin';
import { handleApi } from './api';
import { readBody } from './body';
import type { SimCore } from './core';
import { invalidUrl, zohoError } from './errors';
import { Exchange } from './exchange';
import { applyFault } from './faultAnswers';
import type { DcState } from './state';
import type { FaultSpec } from './types';

const TOKEN_PATH = '/oauth/v2/token';
const REVOKE_PATH = '/oauth/v2/token/revoke';

export function createDcServer(options: {
	core: SimCore;
	dc: DcState;
	tls?: { key: string; cert: string };
}): Server {
	const { core, dc, tls } = options;
	const handler = (req: IncomingMessage, res: ServerResponse): void => {
		// handleRequest answers (or drops) every request itself and never rejects.
		void handleRequest({ core, dc, req, res });
	};
	const server = tls ? createHttpsServer(tls, handler) : createServer(handler);
	// Longer than clients keep an idle connection (undici: at most 60 s), so the client lets one go
	// first: a request never meets a connection the server just closed (a POST would not be retried).
	server.keepAliveTimeout = 65_000;
	return server;
}

export function listen(server: Server, port: number): Promise<number> {
	return new Promise((resolve, reject) => {
		const onError = (error: Error): void => reject(error);
		server.once('error', onError);
		server.listen(port, '127.0.0.1', () => {
			server.off('error', onError);
			const address = server.address();
			if (address === null || typeof address === 'string')
				reject(new Error('listener has no TCP address'));
			else resolve(address.port);
		});
	});
}

export function close(server: Server): Promise<void> {
	return new Promise((resolve) => {
		server.close(() => resolve());
		server.closeAllConnections();
	});
}

async function handleRequest(options: {
	core: SimCore;
	dc: DcState;
	req: IncomingMessage;
	res: ServerResponse;
}): Promise<void> {
	const { core, dc, req, res } = options;
	const url = new URL(req.url ?? '/', 'http://127.0.0.1');
	const admin = url.pathname === '/__sim' || url.pathname.startsWith('/__sim/');
	const ex = new Exchange({ core, dc, req, res, url, counted: !admin });
	try {
		const body = await readBody(req);
		if (body === undefined) {
			ex.json(413, zohoError('FILE_SIZE_MORE_THAN_ALLOWED', 'the request body is too large'));
			return;
		}
		ex.body = body;
		if (admin) {
			handleAdmin(ex);
			return;
		}
		observe(ex);
		const fault = core.faults.take({ dc: dc.id, method: ex.method, path: ex.path });
		if (fault?.afterHandling) {
			await handleThenFail(ex, fault);
			return;
		}
		if (fault) {
			if (isTokenRequest(ex) && fault.kind !== 'delay')
				core.counters.recordTokenOutcome(`fault:${fault.kind}`);
			if (await applyFault(ex, fault)) return;
		}
		await route(ex);
	} catch (error: unknown) {
		if (req.destroyed) return;
		if (ex.isAnswered) {
			res.destroy();
			return;
		}
		const reason = error instanceof Error ? error.message : String(error);
		ex.json(500, zohoError('INTERNAL_ERROR', 'simulator error', { reason }));
	}
}

/** The request takes effect as usual; then its answer is lost to the fault (or, for 'delay', sent late). */
async function handleThenFail(ex: Exchange, fault: FaultSpec): Promise<void> {
	ex.withhold();
	try {
		await route(ex);
	} catch (error) {
		// The usual simulator error answer goes out instead.
		ex.release({ send: false });
		throw error;
	}
	if (fault.kind === 'delay') {
		await ex.core.sleep(fault.delayMs ?? 0);
		ex.release({ send: true });
		return;
	}
	ex.release({ send: false });
	await applyFault(ex, fault);
}

/** Counts what tests assert on before anything can refuse the request. */
function observe(ex: Exchange): void {
	const authorization = ex.header('authorization');
	if (authorization !== undefined) {
		ex.core.counters.recordAuthorization({
			dc: ex.dc.id,
			host: ex.header('host') ?? '',
			path: ex.path,
			value: authorization,
		});
	}
	if (isTokenRequest(ex)) ex.core.counters.recordTokenRequest();
}

function isTokenRequest(ex: Exchange): boolean {
	return ex.method === 'POST' && ex.path === TOKEN_PATH;
}

async function route(ex: Exchange): Promise<void> {
	if (ex.path === TOKEN_PATH) {
		handleTokenRequest(ex);
		return;
	}
	if (ex.path === REVOKE_PATH) {
		handleRevoke(ex);
		return;
	}
	if (ex.path.startsWith('/oauth/')) {
		ex.json(404, invalidUrl());
		return;
	}
	await handleApi(ex);
}
