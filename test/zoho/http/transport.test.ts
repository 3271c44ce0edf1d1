// sendHttp against a plain HTTP server on 127.0.0.1: answers collected whole from
// undici's dispatcher (chunked bodies, empty bodies, headers), the caller's cancel
// signal at every stage, and undici's timeouts reported as TIMEOUT.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';

import { ZohoError } from '../../../zoho/errors';
import { requestTarget, sendHttp } from '../../../zoho/http/transport';
import { until } from '../fixtures';

const seen: Array<{ method?: string; url?: string; authorization?: string; body: string }> = [];
/** Answers held back by the /hold route, released in afterEach. */
const held: http.ServerResponse[] = [];

const server = http.createServer((req, res) => {
	const chunks: Buffer[] = [];
	req.on('data', (chunk: Buffer) => chunks.push(chunk));
	req.on('end', () => {
		seen.push({
			method: req.method,
			url: req.url,
			authorization: req.headers.authorization,
			body: Buffer.concat(chunks).toString('utf8'),
		});
		if (req.url?.startsWith('/chunks')) {
			// Three writes with pauses: undici sees the body in more than one chunk.
			res.writeHead(200, { 'content-type': 'application/json', 'x-part': ['a', 'b'] });
			res.write('{"data":[');
			setTimeout(() => res.write('"' + 'x'.repeat(100_000) + '",'), 20);
			setTimeout(() => res.end('"end"]}'), 40);
		} else if (req.url === '/empty') {
			res.writeHead(204).end();
		} else if (req.url?.startsWith('/hold')) {
			res.writeHead(200, { 'content-type': 'application/json' });
			if (req.url === '/hold/body') res.write('{"partial":');
			held.push(res);
		} else {
			res
				.writeHead(201, { 'content-type': 'application/json' })
				.end(JSON.stringify({ echo: req.url }));
		}
	});
});

let origin = '';
let agent: Agent;

beforeAll(async () => {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	agent = new Agent({ keepAliveTimeout: 1_000 });
});
afterEach(() => {
	for (const res of held.splice(0)) res.destroy();
	seen.length = 0;
});
afterAll(async () => {
	await agent.close();
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function failure(promise: Promise<unknown>): Promise<ZohoError> {
	const error = await promise.then(
		() => undefined,
		(reason: unknown) => reason,
	);
	if (!(error instanceof ZohoError)) throw new Error(`expected a ZohoError, got ${String(error)}`);
	return error;
}

describe('sendHttp', () => {
	it('collects an answer that arrives in several chunks, byte for byte, with its headers', async () => {
		const res = await sendHttp({
			url: `${origin}/chunks`,
			method: 'GET',
			dispatcher: agent,
			timeoutMs: 5_000,
		});
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toBe('application/json');
		expect(res.headers['x-part']).toEqual(['a', 'b']);
		const json = JSON.parse(res.body.toString('utf8')) as { data: string[] };
		expect(json.data).toHaveLength(2);
		expect(json.data[0]).toHaveLength(100_000);
		expect(json.data[1]).toBe('end');
	});

	it('gives an empty body for 204', async () => {
		const res = await sendHttp({
			url: `${origin}/empty`,
			method: 'GET',
			dispatcher: agent,
			timeoutMs: 5_000,
		});
		expect(res.status).toBe(204);
		expect(res.body.length).toBe(0);
	});

	it('sends method, headers, body and query; a given target is where the request goes', async () => {
		const url = `${origin}/records?page=2&per_page=200#fragment`;
		expect(requestTarget(url)).toEqual({ origin, path: '/records?page=2&per_page=200' });
		const res = await sendHttp({
			url,
			target: requestTarget(url),
			method: 'POST',
			headers: { authorization: 'Zoho-oauthtoken abc', 'content-type': 'application/json' },
			body: '{"a":1}',
			dispatcher: agent,
			timeoutMs: 5_000,
		});
		expect(res.status).toBe(201);
		expect(JSON.parse(res.body.toString('utf8'))).toEqual({ echo: '/records?page=2&per_page=200' });
		expect(seen).toEqual([
			{
				method: 'POST',
				url: '/records?page=2&per_page=200',
				authorization: 'Zoho-oauthtoken abc',
				body: '{"a":1}',
			},
		]);
	});

	it('a signal aborted before sending: ABORTED, and nothing reaches the server', async () => {
		const controller = new AbortController();
		controller.abort();
		const error = await failure(
			sendHttp({
				url: `${origin}/never`,
				method: 'GET',
				dispatcher: agent,
				timeoutMs: 5_000,
				signal: controller.signal,
			}),
		);
		expect(error.code).toBe('ABORTED');
		expect(seen).toHaveLength(0);
	});

	it('cancelling while waiting for the answer: ABORTED, without waiting for the timeout', async () => {
		const controller = new AbortController();
		const pending = sendHttp({
			url: `${origin}/hold`,
			method: 'GET',
			dispatcher: agent,
			timeoutMs: 60_000,
			signal: controller.signal,
		});
		await until(() => held.length === 1);
		controller.abort();
		const error = await failure(pending);
		expect(error.code).toBe('ABORTED');
		expect(error.message).toBe('The request to Zoho was cancelled.');
	});

	it('cancelling in the middle of the body: ABORTED', async () => {
		const controller = new AbortController();
		const pending = sendHttp({
			url: `${origin}/hold/body`,
			method: 'GET',
			dispatcher: agent,
			timeoutMs: 60_000,
			signal: controller.signal,
		});
		await until(() => held.length === 1);
		controller.abort();
		expect((await failure(pending)).code).toBe('ABORTED');
	});

	it('no answer within timeoutMs: TIMEOUT, retryable, naming the URL', async () => {
		const error = await failure(
			sendHttp({ url: `${origin}/hold`, method: 'GET', dispatcher: agent, timeoutMs: 200 }),
		);
		expect(error.code).toBe('TIMEOUT');
		expect(error.retryable).toBe(true);
		expect(error.message).toBe(`Zoho did not answer within 200 ms (${origin}/hold).`);
	});

	it('a body that stops half-way: TIMEOUT as well', async () => {
		const error = await failure(
			sendHttp({ url: `${origin}/hold/body`, method: 'GET', dispatcher: agent, timeoutMs: 200 }),
		);
		expect(error.code).toBe('TIMEOUT');
	});

	it('a refused connection: CONNECTION_REFUSED with the fix', async () => {
		const closed = http.createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise<void>((resolve) => closed.close(() => resolve()));
		const error = await failure(
			sendHttp({
				url: `http://127.0.0.1:${port}/x`,
				method: 'GET',
				dispatcher: agent,
				timeoutMs: 5_000,
			}),
		);
		expect(error.code).toBe('CONNECTION_REFUSED');
		expect(error.hint).toMatch(/Data Centre/);
	});
});
