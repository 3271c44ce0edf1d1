/**
 * Profiling aid, not part of `npm run bench`: our node's own CPU cost per API
 * call, with the network taken out. An in-memory undici dispatcher answers every
 * request with the same CRM record, so neither the kernel nor the simulator adds
 * noise; the node and the minimal node (floorNode.ts) run alternately in n8n-core
 * on that dispatcher, and the difference of their CPU time per call is what our
 * request path costs above n8n's floor. Steady to a few microseconds, where
 * the socket benchmark moves by tens.
 *
 * With a latency, every answer waits that long (a timer per request, as a socket
 * wait would): CPU per call at the answer times real Zoho has (20–50 ms). The plain
 * undici loop (the throughput bench's raw side: request() and JSON, no n8n) runs too.
 *
 *   node dist-tools/bench/overhead.js [concurrency=5] [rounds=15] [latencyMs=0]
 */
import { Dispatcher, request } from 'undici';

import type { CredentialStore } from '../harness/credentialsHelper';
import { parseCredentials } from '../zoho/credentials';
import { createZohoRuntime, setSharedZohoRuntime } from '../zoho/runtime';
import { setFloorDispatcher } from './floorNode';
import { floorWorkflow, inputItems, runZohoNode, zohoWorkflow } from './inProcess';
import { median } from './stats';

const ORIGIN = 'http://127.0.0.1:9';
const RECORD = Buffer.from(
	JSON.stringify({
		data: [
			{
				id: '5725767000000412001',
				Last_Name: 'Lovelace',
				First_Name: 'Ada',
				Email: 'ada@example.com',
				Company: 'Analytical Engines Ltd',
				Lead_Status: 'Contacted',
				Phone: '+44 20 7946 0000',
				Owner: { id: '5725767000000317001', name: 'Demo User' },
				Created_Time: '2026-11-01T10:00:00+00:00',
				Modified_Time: '2026-11-02T10:00:00+00:00',
			},
		],
	}),
);
const HEADERS = [
	Buffer.from('content-type'),
	Buffer.from('application/json;charset=UTF-8'),
	Buffer.from('content-length'),
	Buffer.from(String(RECORD.length)),
];

/** Answers every request at the next turn of the event loop (or after `latencyMs`), as a socket would; handlers of either undici style. */
class CannedDispatcher extends Dispatcher {
	constructor(private readonly latencyMs: number) {
		super();
	}

	dispatch(_options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
		const later = (answer: () => void): unknown =>
			this.latencyMs > 0 ? setTimeout(answer, this.latencyMs) : setImmediate(answer);
		later(() => {
			if (handler.onRequestStart) {
				const controller = {
					abort: () => undefined,
					pause: () => undefined,
					resume: () => undefined,
					aborted: false,
					paused: false,
					reason: null,
				};
				handler.onRequestStart(controller, {});
				handler.onResponseStart?.(
					controller,
					200,
					{
						'content-type': 'application/json;charset=UTF-8',
						'content-length': String(RECORD.length),
					},
					'OK',
				);
				handler.onResponseData?.(controller, RECORD);
				handler.onResponseEnd?.(controller, {});
				return;
			}
			const legacy = handler as unknown as {
				onConnect(abort: () => void): void;
				onHeaders(status: number, headers: Buffer[], resume: () => void, text: string): boolean;
				onData(chunk: Buffer): boolean;
				onComplete(trailers: Buffer[]): void;
			};
			legacy.onConnect(() => undefined);
			legacy.onHeaders(200, HEADERS, () => undefined, 'OK');
			legacy.onData(RECORD);
			legacy.onComplete([]);
		});
		return true;
	}

	close(): Promise<void> {
		return Promise.resolve();
	}

	destroy(): Promise<void> {
		return Promise.resolve();
	}
}

function cpuUs(): number {
	const usage = process.cpuUsage();
	return usage.user + usage.system;
}

async function main(): Promise<void> {
	const concurrency = Number(process.argv[2] ?? '5');
	const rounds = Math.max(3, Number(process.argv[3] ?? '15'));
	const latencyMs = Math.max(0, Number(process.argv[4] ?? '0'));
	// At a realistic latency a run is bounded by latency × calls / concurrency: fewer calls keep it short.
	const CALLS = latencyMs > 0 ? 1_000 : 5_000;
	const dispatcher = new CannedDispatcher(latencyMs);
	setFloorDispatcher(dispatcher);
	const runtime = createZohoRuntime({ dispatcher });
	setSharedZohoRuntime(runtime);
	const data = {
		dataCentre: 'custom',
		customAccountsUrl: ORIGIN,
		clientId: '1000.OVERHEAD',
		clientSecret: 'overhead-secret',
		refreshToken: '1000.overhead.refresh',
		accessToken: '',
	};
	const store: CredentialStore = { overhead: { type: 'zohoSelfClientApi', data } };
	const now = Date.now();
	const token = {
		accessToken: '1000.overhead.access',
		apiDomain: ORIGIN,
		tokenType: 'Bearer',
		issuedAt: now,
		expiresAt: now + 3_600_000,
	};
	runtime.auth.cache.offer(parseCredentials(data).key, token);

	const path = '/crm/v8/Leads/5725767000000412001';
	const ours = zohoWorkflow(
		{ operation: 'apiRequest', method: 'GET', path, options: { maxConcurrency: concurrency } },
		'overhead',
	);
	const floor = floorWorkflow({ url: `${ORIGIN}${path}`, token: token.accessToken, concurrency });
	const items = inputItems(CALLS);
	const measure = async (workflow: typeof ours): Promise<number> => {
		const before = cpuUs();
		const run = await runZohoNode({ workflow, credentials: store, items });
		if (run.outputItems !== CALLS)
			throw new Error(`expected ${CALLS} items, got ${run.outputItems}`);
		return (cpuUs() - before) / CALLS;
	};
	// The plain undici loop of the throughput bench, outside n8n: the same calls, no node around them.
	const headers = {
		accept: 'application/json',
		authorization: `Zoho-oauthtoken ${token.accessToken}`,
	};
	const measureRaw = async (): Promise<number> => {
		const before = cpuUs();
		const answers: unknown[] = [];
		let next = 0;
		const worker = async (): Promise<void> => {
			while (next++ < CALLS) {
				const res = await request(`${ORIGIN}${path}`, { method: 'GET', headers, dispatcher });
				answers.push(await res.body.json());
			}
		};
		await Promise.all(Array.from({ length: concurrency }, worker));
		if (answers.length !== CALLS)
			throw new Error(`expected ${CALLS} answers, got ${answers.length}`);
		return (cpuUs() - before) / CALLS;
	};
	for (let warm = 0; warm < 3; warm++) {
		await measure(ours);
		await measure(floor);
		await measureRaw();
	}
	const samples = { ours: [] as number[], floor: [] as number[], raw: [] as number[] };
	for (let round = 0; round < rounds; round++) {
		// Alternating order, so neither side always runs after the other's garbage.
		const order =
			round % 2 === 0 ? (['ours', 'floor', 'raw'] as const) : (['raw', 'floor', 'ours'] as const);
		for (const which of order)
			samples[which].push(
				which === 'raw' ? await measureRaw() : await measure(which === 'ours' ? ours : floor),
			);
	}
	const [o, f, r] = [median(samples.ours), median(samples.floor), median(samples.raw)];
	const mints = runtime.auth.cache.stats.refreshes;
	process.stdout.write(
		`${concurrency} in flight, ${latencyMs} ms answers, ${rounds} rounds of ${CALLS} calls: CPU per call ours ${o.toFixed(1)} µs, ` +
			`minimal node ${f.toFixed(1)} µs, plain loop ${r.toFixed(1)} µs; ours / minimal node ${(o / f).toFixed(2)}, ` +
			`ours / plain loop ${(o / r).toFixed(2)} (token fetches ${mints})\n`,
	);
	setSharedZohoRuntime(undefined);
}

main().catch((error: unknown) => {
	process.stderr.write(
		`overhead failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exit(1);
});
