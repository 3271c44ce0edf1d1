/**
 * A cancelled execution: in-flight requests are aborted and no timer or retry wait is
 * left holding the process open. Each row runs the node in a child process with the
 * production runtime (15 s token timeout, 30 s API timeout, retry waits of seconds),
 * cancels it once the parent's simulator sees it in the state the row names, and then
 * the child must exit by itself, within a bound far below any of those timers. The
 * in-process cancel (harness grace period) is test/nodes/failures.test.ts › cancelling
 * the execution aborts the in-flight request.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

import type { CountersSnapshot } from '../../simulator';
import { ZohoAbortError } from '../../zoho/errors';
import { TokenCache } from '../../zoho/token/tokenCache';
import type { AccessToken } from '../../zoho/token/accessToken';
import type { CancelRunInput, CancelRunOutput } from './child/cancelRun';
import { startRelKit, TOKEN_PATH, writeSummarySection, type RelKit } from './support';

const RUN_TS = path.join(__dirname, 'child', 'runTs.js');
const CHILD = path.join(__dirname, 'child', 'cancelRun.ts');
/** How long the child may take to reach the state to cancel in (it loads n8n-core first). */
const REACH_BOUND_MS = 40_000;
/** How long a cancelled child may take to end by itself: far below the 15 s and 30 s timeouts. */
const EXIT_BOUND_MS = 8_000;
const LONG = 60_000;

let kit: RelKit;
const outcomes = new Map<string, ChildResult | Error>();

beforeAll(
	async () => {
		// One data centre per row, so rows run side by side with faults of their own.
		kit = await startRelKit({ sim: { dataCentres: ROWS.map((row) => row.dc) } });
		const settle = async (row: CancelRow) => {
			outcomes.set(
				row.name,
				await runChild(row).catch((error: unknown) =>
					error instanceof Error ? error : new Error(String(error)),
				),
			);
		};
		await Promise.all(ROWS.filter((row) => !row.alone).map(settle));
		// Rows that can only tell their state from the global token-request count run one at a time.
		for (const row of ROWS.filter((candidate) => candidate.alone)) await settle(row);
	},
	4 * (REACH_BOUND_MS + EXIT_BOUND_MS),
);
afterAll(async () => {
	await kit.close();
	await writeSummarySection('cancel', { childProcessRows: ROWS.length, passed });
});

interface CancelRow {
	name: string;
	/** The row's own data centre in the simulator. */
	dc: string;
	/** Needs the simulator to itself (its state shows only in global counts). */
	alone?: boolean;
	arrange: (kit: RelKit, dc: string) => void;
	parameters?: Record<string, unknown>;
	items?: number;
	/** When to cancel: the simulator sees the child in this state. Absent: never cancel. */
	reached?: (counters: CountersSnapshot, since: CountersSnapshot) => boolean;
	expected: CancelRunOutput;
}

const GET_ORG = { operation: 'apiRequest', method: 'GET', path: '/org' };
const CANCELLED = { status: 'canceled', error: 'The request to Zoho was cancelled.', items: 0 };
const seenAt = (counters: CountersSnapshot, options: { dc: string; path: string }) =>
	counters.authorizationHeaders.filter(
		(seen) => seen.dc === options.dc && seen.path === options.path,
	).length;
const answeredAt = (
	counters: CountersSnapshot,
	options: { dc: string; path: string; status: number },
) =>
	counters.calls.filter(
		(call) =>
			call.dc === options.dc && call.path === options.path && call.status === options.status,
	).length;

const ROWS: CancelRow[] = [
	{
		name: 'not cancelled: a successful run ends by itself (the baseline)',
		dc: 'us',
		arrange: () => undefined,
		expected: { status: 'success', items: 1 },
	},
	{
		name: '10 API requests in flight (20 items, Max Concurrent Requests 10)',
		dc: 'eu',
		arrange: (k, dc) => {
			k.sim.injectFault({ dc, path: '/crm/v8/org', kind: 'delay', delayMs: LONG, times: Infinity });
		},
		parameters: { ...GET_ORG, options: { maxConcurrency: 10 } },
		items: 20,
		reached: (counters) => seenAt(counters, { dc: 'eu', path: '/crm/v8/org' }) >= 10,
		expected: CANCELLED,
	},
	{
		name: 'waiting out a 429 Retry-After of 20 s',
		dc: 'in',
		arrange: (k, dc) => {
			k.sim.injectFault({
				dc,
				path: '/crm/v8/org',
				kind: 'status',
				status: 429,
				times: Infinity,
				headers: { 'Retry-After': '20' },
			});
		},
		reached: (counters) =>
			answeredAt(counters, { dc: 'in', path: '/crm/v8/org', status: 429 }) >= 1,
		expected: CANCELLED,
	},
	{
		name: 'waiting out a token endpoint 503 before its retry',
		dc: 'au',
		arrange: (k, dc) => {
			k.sim.injectFault({
				dc,
				path: TOKEN_PATH,
				kind: 'status',
				status: 503,
				times: Infinity,
				headers: { 'Retry-After': '5' },
			});
		},
		reached: (counters) => answeredAt(counters, { dc: 'au', path: TOKEN_PATH, status: 503 }) >= 1,
		expected: CANCELLED,
	},
	{
		name: 'a token request in flight',
		dc: 'jp',
		alone: true,
		arrange: (k, dc) => {
			k.sim.injectFault({ dc, path: TOKEN_PATH, kind: 'delay', delayMs: LONG, times: Infinity });
		},
		reached: (counters, since) => counters.tokenRequests > since.tokenRequests,
		expected: CANCELLED,
	},
	{
		name: 'a grant-code exchange in flight',
		dc: 'cn',
		alone: true,
		arrange: (k, dc) => {
			k.sim.injectFault({ dc, path: TOKEN_PATH, kind: 'delay', delayMs: LONG, times: Infinity });
		},
		parameters: {
			operation: 'exchangeGrantCode',
			grantCode: '1000.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
		},
		reached: (counters, since) => counters.tokenRequests > since.tokenRequests,
		expected: CANCELLED,
	},
];

let passed = 0;

interface ChildResult {
	exit: { code: number | null; signal: NodeJS.Signals | null };
	output?: CancelRunOutput;
	stderr: string;
}

async function until(condition: () => boolean, limitMs: number): Promise<boolean> {
	for (let waited = 0; waited < limitMs; waited += 20) {
		if (condition()) return true;
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	return condition();
}

async function runChild(row: CancelRow): Promise<ChildResult> {
	const { sim } = kit;
	const client = sim.registerClient(row.dc);
	const input: CancelRunInput = {
		accountsUrl: sim.url(row.dc),
		clientId: client.clientId,
		clientSecret: client.clientSecret,
		refreshToken: sim.createRefreshToken(row.dc, {
			clientId: client.clientId,
			scopes: ['ZohoCRM.org.READ'],
		}),
		parameters: row.parameters ?? GET_ORG,
		items: row.items,
	};
	row.arrange(kit, row.dc);
	const since = sim.counters();
	const child = spawn(process.execPath, [RUN_TS, CHILD], {
		env: { ...process.env, CANCEL_RUN_INPUT: JSON.stringify(input) },
		stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	let exit: ChildResult['exit'] | undefined;
	const exited = new Promise<ChildResult['exit']>((resolve) => {
		child.once('exit', (code, signal) => {
			exit = { code, signal };
			resolve(exit);
		});
	});
	try {
		if (row.reached) {
			const reached = await until(
				() => exit !== undefined || row.reached?.(sim.counters(), since) === true,
				REACH_BOUND_MS,
			);
			if (!reached || exit !== undefined)
				throw new Error(`the child did not reach the state to cancel in:\n${stderr}`);
			child.send('cancel');
			if (!(await until(() => exit !== undefined, EXIT_BOUND_MS))) {
				throw new Error(
					`the cancelled child was still running ${EXIT_BOUND_MS} ms later: something holds the process open`,
				);
			}
		} else if (!(await until(() => exit !== undefined, REACH_BOUND_MS))) {
			throw new Error('the child did not end by itself after a successful run');
		}
	} finally {
		// Only this test's own child, and only if it is still there.
		if (exit === undefined) {
			child.kill('SIGKILL');
			await exited;
		}
	}
	const line = stdout.trim().split('\n').pop() ?? '';
	return {
		exit: await exited,
		output: line ? (JSON.parse(line) as CancelRunOutput) : undefined,
		stderr,
	};
}

describe.each(ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
	it('ends with the expected status and the child process exits by itself', () => {
		const result = outcomes.get(row.name);
		if (result instanceof Error) throw result;
		expect(result?.stderr).toBe('');
		expect(result?.exit).toEqual({ code: 0, signal: null });
		expect(result?.output).toEqual(row.expected);
		passed++;
	});
});

describe('a shared token refresh and cancelled callers', () => {
	const clock = { now: () => 1_000_000 };
	const token = (name: string): AccessToken => ({
		accessToken: name,
		apiDomain: 'https://www.zohoapis.com',
		tokenType: 'Bearer',
		issuedAt: 1_000_000,
		expiresAt: 4_600_000,
	});

	/** A fetch that waits until released, and reports whether its signal was aborted. */
	function controlledFetch() {
		const calls: AbortSignal[] = [];
		let release: (value: AccessToken) => void = () => undefined;
		const fetch = (signal: AbortSignal) => {
			calls.push(signal);
			return new Promise<AccessToken>((resolve, reject) => {
				release = resolve;
				signal.addEventListener('abort', () => reject(new ZohoAbortError()), { once: true });
			});
		};
		return { fetch, calls, release: (value: AccessToken) => release(value) };
	}

	it('keeps the refresh while one caller still waits, and aborts it when the last one cancels', async () => {
		const cache = new TokenCache({ clock });
		const source = controlledFetch();
		const first = new AbortController();
		const second = new AbortController();
		const waits = [
			cache.get('k', source.fetch, { signal: first.signal }),
			cache.get('k', source.fetch, { signal: second.signal }),
		];
		first.abort();
		await expect(waits[0]).rejects.toBeInstanceOf(ZohoAbortError);
		expect(source.calls.map((signal) => signal.aborted)).toEqual([false]);
		second.abort();
		await expect(waits[1]).rejects.toBeInstanceOf(ZohoAbortError);
		expect(source.calls.map((signal) => signal.aborted)).toEqual([true]);
		// A later caller is not handed the abandoned refresh: it starts its own.
		const later = cache.get('k', source.fetch);
		await new Promise((resolve) => setImmediate(resolve)); // the fetch starts on the next tick
		expect(source.calls).toHaveLength(2);
		source.release(token('fresh'));
		await expect(later).resolves.toEqual(token('fresh'));
		expect(source.calls).toHaveLength(2);
		expect(cache.stats.refreshes).toBe(2);
	});

	it('never aborts a refresh that a caller without a cancel signal waits for (preAuthentication, the Test button)', async () => {
		const cache = new TokenCache({ clock });
		const source = controlledFetch();
		const cancelled = new AbortController();
		const withSignal = cache.get('k', source.fetch, { signal: cancelled.signal });
		const without = cache.get('k', source.fetch);
		cancelled.abort();
		await expect(withSignal).rejects.toBeInstanceOf(ZohoAbortError);
		expect(source.calls.map((signal) => signal.aborted)).toEqual([false]);
		source.release(token('kept'));
		await expect(without).resolves.toEqual(token('kept'));
		expect(cache.hit('k')).toEqual(token('kept'));
	});

	it('an already cancelled caller starts no refresh', async () => {
		const cache = new TokenCache({ clock });
		const source = controlledFetch();
		const cancelled = new AbortController();
		cancelled.abort();
		await expect(cache.get('k', source.fetch, { signal: cancelled.signal })).rejects.toBeInstanceOf(
			ZohoAbortError,
		);
		expect(source.calls).toHaveLength(0);
	});
});
