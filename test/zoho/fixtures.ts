// Shared helpers of the Zoho core tests: a clock moved in step with the simulator's,
// a Self Client in the simulator, runtimes that are closed after each test, and the
// checks that no secret leaks into an error.
import {
	createServer as createHttpServer,
	type IncomingMessage,
	type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

import { Agent } from 'undici';

import type { ZohoSimulator } from '../../simulator';
import type { Clock } from '../../zoho/clock';
import { ZohoError } from '../../zoho/errors';
import { createZohoRuntime, type ZohoRuntime, type ZohoRuntimeOptions } from '../../zoho/runtime';
import { ZohoTokenClient, type TokenClientOptions } from '../../zoho/token/tokenClient';
import type { RetryPolicy } from '../../zoho/http/retry';

export const SCOPES = ['ZohoCRM.modules.ALL', 'ZohoCRM.org.READ'];

/** Retries as in production, with waits of a few milliseconds. */
export const TINY_RETRY: RetryPolicy = { retries: 2, baseDelayMs: 1, maxDelayMs: 5 };
export const NO_RETRY: RetryPolicy = { retries: 0, baseDelayMs: 1, maxDelayMs: 1 };

/** A clock that stands still until the test moves it; moving it moves the simulator too. */
export class SimClock implements Clock {
	private time: number;

	constructor(private readonly sim: ZohoSimulator) {
		this.time = sim.now();
	}

	now(): number {
		return this.time;
	}

	/** Moves this clock and the simulator's by `ms`. */
	advance(ms: number): void {
		this.time += ms;
		this.sim.advanceClock(ms);
	}

	/** Moves only this clock (as if n8n's host clock jumped). */
	set(ms: number): void {
		this.time = ms;
	}
}

export interface SelfClient {
	dc: string;
	clientId: string;
	clientSecret: string;
	refreshToken: string;
	/** The raw credential data n8n would hand over, pointed at the simulator. */
	data: Record<string, string>;
}

/** A Self Client with a refresh token in one DC of the simulator. */
export function selfClient(sim: ZohoSimulator, dc = 'us', scopes = SCOPES): SelfClient {
	const { clientId, clientSecret } = sim.registerClient(dc);
	const refreshToken = sim.createRefreshToken(dc, { clientId, scopes });
	return {
		dc,
		clientId,
		clientSecret,
		refreshToken,
		data: {
			dataCentre: 'custom',
			customAccountsUrl: sim.url(dc),
			clientId,
			clientSecret,
			refreshToken,
		},
	};
}

const openRuntimes: ZohoRuntime[] = [];
const openAgents: Agent[] = [];

/** A runtime with fast retries; closed by `closeOpened()`. */
export function openRuntime(options: ZohoRuntimeOptions = {}): ZohoRuntime {
	const runtime = createZohoRuntime({ tokenRetry: TINY_RETRY, ...options });
	openRuntimes.push(runtime);
	return runtime;
}

/** A token client on its own undici Agent; closed by `closeOpened()`. */
export function openTokenClient(
	options: Omit<TokenClientOptions, 'dispatcher'> = {},
): ZohoTokenClient {
	const dispatcher = new Agent();
	openAgents.push(dispatcher);
	return new ZohoTokenClient({ retry: TINY_RETRY, ...options, dispatcher });
}

/** Call from afterEach. */
export async function closeOpened(): Promise<void> {
	const runtimes = openRuntimes.splice(0);
	const agents = openAgents.splice(0);
	await Promise.all([
		...runtimes.map((runtime) => runtime.close()),
		...agents.map((agent) => agent.close()),
	]);
}

/** The rejection of `promise`; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
	try {
		await promise;
	} catch (error) {
		return error;
	}
	throw new Error('expected a rejection, got a result');
}

/** The rejection of `promise` as a ZohoError of `code`. */
export async function zohoRejection(
	promise: Promise<unknown>,
	code: ZohoError['code'],
): Promise<ZohoError> {
	const error = await rejectionOf(promise);
	expect(error).toBeInstanceOf(ZohoError);
	expect((error as ZohoError).code).toBe(code);
	return error as ZohoError;
}

/** Every own field of an error (message, hint, body excerpt, cause …) as one JSON text. */
export function ownFieldsText(error: unknown): string {
	if (!(error instanceof Error)) return JSON.stringify(error);
	const fields: Record<string, unknown> = {};
	for (const name of Object.getOwnPropertyNames(error))
		fields[name] = (error as unknown as Record<string, unknown>)[name];
	const seen = new WeakSet<object>();
	return JSON.stringify(fields, (_key, value: unknown) => {
		if (value instanceof Error)
			return { name: value.name, message: value.message, stack: value.stack, cause: value.cause };
		if (typeof value === 'object' && value !== null) {
			if (seen.has(value)) return '[circular]';
			seen.add(value);
		}
		return value;
	});
}

/** None of `secrets` in the error's message, hint or any other own field, nor in `extraTexts`. */
export function expectNoSecrets(options: {
	error?: unknown;
	secrets: ReadonlyArray<string>;
	extraTexts?: ReadonlyArray<string>;
}): void {
	const texts: string[] = [...(options.extraTexts ?? [])];
	if (options.error !== undefined) {
		const error = options.error as { message?: unknown; hint?: unknown };
		texts.push(String(error.message), String(error.hint), ownFieldsText(options.error));
	}
	for (const secret of options.secrets) {
		expect(secret.length).toBeGreaterThanOrEqual(6);
		for (const text of texts) expect(text).not.toContain(secret);
	}
}

/** Polls `condition` every few ms, at most `limitMs` in all. */
export async function until(condition: () => boolean, limitMs = 2_000): Promise<void> {
	for (let waited = 0; !condition(); waited += 5) {
		if (waited >= limitMs) throw new Error('condition not reached in time');
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}

/** A server that must never be reached: it counts what it receives and answers 200. */
export interface Trap {
	url: string;
	/** "METHOD host path" of each request received. */
	received: string[];
	close(): Promise<void>;
}

/** A trap on 127.0.0.1 (plain http, or https with the given key and certificate). */
export async function startTrap(tls?: { key: string; cert: string }): Promise<Trap> {
	const received: string[] = [];
	const handler = (req: IncomingMessage, res: ServerResponse): void => {
		received.push(`${req.method ?? ''} ${req.headers.host ?? ''} ${req.url ?? ''}`);
		res.writeHead(200, { 'content-type': 'application/json' }).end('{"trapped":true}');
	};
	const server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
		received,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
