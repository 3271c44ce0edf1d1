/**
 * Part 1, token economy: how many access tokens our node mints, against the
 * "refresh before every execution" pattern of seed scripts and Rivery-style
 * integrations, counted by the simulator with its default limits (10 mints per
 * refresh token per 10 minutes; the 11th is refused with Zoho's throttle error).
 */
import { request } from 'undici';

import type { CredentialStore } from '../harness/credentialsHelper';
import { freshRuntime, inputItems, runZohoNode, zohoWorkflow } from './inProcess';
import { credentialData, type SimClient, type SimulatorProcess } from './simulatorControl';

export interface TokenCount {
	/** POSTs to /oauth/v2/token. */
	tokenRequests: number;
	/** Access tokens minted. */
	mints: number;
	/** Refresh requests refused with the throttle error. */
	throttled: number;
	/** API calls answered 200. */
	apiCalls?: number;
}

export interface TokenEconomyResult {
	sequential: { executions: number; itemsEach: number; ours: TokenCount; theirs: TokenCount };
	coldBurst: { executions: number; itemsEach: number; ours: TokenCount; theirs: TokenCount };
}

const SEQUENTIAL_EXECUTIONS = 100;
const SEQUENTIAL_ITEMS = 100;
const BURST_EXECUTIONS = 50;
const BURST_ITEMS = 20;

export async function tokenEconomy(
	sim: SimulatorProcess,
	client: SimClient,
): Promise<TokenEconomyResult> {
	const sequentialOurs = await oursSequential(sim, client);
	const burstOurs = await oursColdBurst(sim, client);
	const sequentialTheirs = await theirs(sim, client, {
		executions: SEQUENTIAL_EXECUTIONS,
		atOnce: false,
	});
	const burstTheirs = await theirs(sim, client, { executions: BURST_EXECUTIONS, atOnce: true });
	return {
		sequential: {
			executions: SEQUENTIAL_EXECUTIONS,
			itemsEach: SEQUENTIAL_ITEMS,
			ours: sequentialOurs,
			theirs: sequentialTheirs,
		},
		coldBurst: {
			executions: BURST_EXECUTIONS,
			itemsEach: BURST_ITEMS,
			ours: burstOurs,
			theirs: burstTheirs,
		},
	};
}

async function count(sim: SimulatorProcess, refreshToken: string): Promise<TokenCount> {
	const counters = await sim.counters();
	const apiCalls = Object.entries(counters.callsByPathStatus)
		.filter(([key]) => key.startsWith('GET ') && key.endsWith(' 200'))
		.reduce((sum, [, n]) => sum + n, 0);
	return {
		tokenRequests: counters.tokenRequests,
		mints: counters.mints[refreshToken] ?? 0,
		throttled: counters.tokenRequestsByOutcome.throttled ?? 0,
		apiCalls,
	};
}

async function credentialStore(
	sim: SimulatorProcess,
	client: SimClient,
): Promise<{ store: CredentialStore; refreshToken: string }> {
	const refreshToken = await sim.createRefreshToken(client);
	return {
		store: {
			economy: {
				type: 'zohoSelfClientApi',
				data: credentialData({ url: sim.url, client, refreshToken }),
			},
		},
		refreshToken,
	};
}

/** 100 executions one after another, 100 items each, one process (one token cache), cold at the start. */
async function oursSequential(sim: SimulatorProcess, client: SimClient): Promise<TokenCount> {
	const { store, refreshToken } = await credentialStore(sim, client);
	const runtime = await freshRuntime();
	await sim.resetCounters();
	const workflow = zohoWorkflow(
		{ operation: 'apiRequest', method: 'GET', path: '/org' },
		'economy',
	);
	const items = inputItems(SEQUENTIAL_ITEMS);
	for (let execution = 0; execution < SEQUENTIAL_EXECUTIONS; execution++) {
		const run = await runZohoNode({ workflow, credentials: store, items });
		if (run.outputItems !== SEQUENTIAL_ITEMS)
			throw new Error(`execution ${execution} gave ${run.outputItems} items`);
	}
	await runtime.close();
	return count(sim, refreshToken);
}

/** 50 executions started at once on a cold cache. */
async function oursColdBurst(sim: SimulatorProcess, client: SimClient): Promise<TokenCount> {
	const { store, refreshToken } = await credentialStore(sim, client);
	const runtime = await freshRuntime();
	await sim.resetCounters();
	const workflow = zohoWorkflow(
		{ operation: 'apiRequest', method: 'GET', path: '/org' },
		'economy',
	);
	const runs = await Promise.all(
		Array.from({ length: BURST_EXECUTIONS }, () =>
			runZohoNode({ workflow, credentials: store, items: inputItems(BURST_ITEMS) }),
		),
	);
	if (runs.some((run) => run.outputItems !== BURST_ITEMS))
		throw new Error('a burst execution lost items');
	await runtime.close();
	return count(sim, refreshToken);
}

/**
 * The per-run pattern: every execution asks the token endpoint for a new access
 * token before doing anything (one after another, or all at once).
 */
async function theirs(
	sim: SimulatorProcess,
	client: SimClient,
	options: { executions: number; atOnce: boolean },
): Promise<TokenCount> {
	const refreshToken = await sim.createRefreshToken(client);
	await sim.resetCounters();
	const refresh = async (): Promise<void> => {
		const form = new URLSearchParams({
			grant_type: 'refresh_token',
			client_id: client.clientId,
			client_secret: client.clientSecret,
			refresh_token: refreshToken,
		});
		const res = await request(`${sim.url}/oauth/v2/token`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: form.toString(),
		});
		await res.body.text();
	};
	if (options.atOnce) {
		await Promise.all(Array.from({ length: options.executions }, refresh));
	} else {
		for (let execution = 0; execution < options.executions; execution++) await refresh();
	}
	return count(sim, refreshToken);
}
