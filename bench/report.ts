/** Turns the measurements into the table printed by `npm run bench` and written to bench/results.md. */
import {
	type BackfillResult,
	type BackfillRun,
	type BackfillWay,
	LIST_PAGE,
	PAGE_TOKEN_WINDOW,
} from './backfill';
import type { CrmResult } from './crmSync';
import {
	FLEET_LATENCY_MS,
	FLEET_ORG_LIMIT,
	FLEET_WRITES,
	type FleetResult,
	type FleetVariant,
} from './fleet';
import { CHECK_MINUTES, type InstantResult } from './instant';
import type { HostResult, HostRun, HostVariant } from './n8nHost';
import type { MemoryResult } from './memory';
import { fixed, median, mib, thousands, verdict, type Row } from './stats';
import type { ThroughputResult } from './throughput';
import type { TokenEconomyResult } from './tokenEconomy';

export interface BenchResults {
	economy?: TokenEconomyResult;
	throughput?: ThroughputResult;
	host?: HostResult;
	memory?: MemoryResult;
	crm?: CrmResult;
	fleet?: FleetResult;
	backfill?: BackfillResult;
	instant?: InstantResult;
}

function ratioText(ours: number, theirs: number): string {
	return `${ours}/${theirs} = ${fixed(ours / theirs, 3)}`;
}

export function economyRows(result: TokenEconomyResult): Row[] {
	const { sequential: seq, coldBurst: burst } = result;
	const section = '1 tokens';
	return [
		{
			section,
			what: `ours: ${seq.executions} executions × ${seq.itemsEach} items, one credential, one process`,
			measured: `${seq.ours.mints} minted (${seq.ours.tokenRequests} token request, ${thousands(seq.ours.apiCalls ?? 0)} API calls)`,
			goal: '1',
			verdict: verdict(seq.ours.mints === 1),
		},
		{
			section,
			what: `ours: ${burst.executions} executions started at once on a cold cache (${burst.itemsEach} items each)`,
			measured: `${burst.ours.mints} minted (${burst.ours.tokenRequests} token request, ${thousands(burst.ours.apiCalls ?? 0)} API calls)`,
			goal: '1',
			verdict: verdict(burst.ours.mints === 1),
		},
		{
			section,
			what: `per-run refresh (seed scripts, Rivery): ${seq.executions} executions one after another`,
			measured: `${seq.theirs.tokenRequests} token requests: ${seq.theirs.mints} minted, ${seq.theirs.throttled} refused by Zoho's throttle`,
			goal: '—',
			verdict: 'n/a',
		},
		{
			section,
			what: `per-run refresh: ${burst.executions} executions at once`,
			measured: `${burst.theirs.tokenRequests} token requests: ${burst.theirs.mints} minted, ${burst.theirs.throttled} refused by Zoho's throttle`,
			goal: '—',
			verdict: 'n/a',
		},
		{
			section,
			what: `token requests ours/theirs, ${seq.executions} executions`,
			measured: ratioText(seq.ours.tokenRequests, seq.theirs.tokenRequests),
			goal: '≤ 1/50 (0.020)',
			verdict: verdict(seq.ours.tokenRequests / seq.theirs.tokenRequests <= 1 / 50),
		},
		{
			section,
			what: `token requests ours/theirs, ${burst.executions} at once`,
			measured: ratioText(burst.ours.tokenRequests, burst.theirs.tokenRequests),
			goal: '≤ 1/50 (0.020)',
			verdict: verdict(burst.ours.tokenRequests / burst.theirs.tokenRequests <= 1 / 50 + 1e-12),
		},
	];
}

export function throughputRows(result: ThroughputResult): Row[] {
	const section = '2 throughput';
	const rows: Row[] = result.levels.map((level) => {
		const pairRatio = median(level.pairRatios);
		return {
			section,
			what: `${thousands(result.calls)} GETs, ${level.concurrency} in flight: node (n8n-core) vs plain undici loop`,
			measured:
				`${thousands(level.oursRate)} vs ${thousands(level.rawRate)} calls/s → ratio ${fixed(level.ratio)} ` +
				`(back-to-back pairs: median ${fixed(pairRatio)}; minimal n8n node doing the plain loop's calls: ${fixed(level.floorRatio)}; ` +
				`client CPU per call ${fixed(level.cpuUsPerCall.ours, 0)} ours, ${fixed(level.cpuUsPerCall.floor, 0)} minimal node, ${fixed(level.cpuUsPerCall.raw, 0)} plain loop µs)`,
			goal: '≥ 0.90',
			verdict: verdict(level.ratio >= 0.9),
		};
	});
	for (const level of result.withLatency.levels) {
		rows.push({
			section,
			what: `context: ${thousands(result.withLatency.calls)} GETs, ${level.concurrency} in flight, simulator answering after ${result.withLatency.latencyMs} ms`,
			measured: `${fixed(median(level.ours), 0)} vs ${fixed(median(level.raw), 0)} ms → ratio ${fixed(level.ratio)}`,
			goal: '— (context)',
			verdict: 'n/a',
		});
	}
	rows.push({
		section,
		what: `cache hit: ${thousands(result.cacheHit.calls)} runtime.auth.getToken calls on a warm cache`,
		measured: `${fixed(result.cacheHit.usPerCall, 2)} µs per call (${result.cacheHit.mintsDuring} minted)`,
		goal: '< 50 µs',
		verdict: verdict(result.cacheHit.usPerCall < 50 && result.cacheHit.mintsDuring === 0),
	});
	const ra = result.returnAll;
	rows.push({
		section,
		what: `Return All, ${thousands(ra.records)} CRM records (${ra.pages} pages): node vs hand-written page walk`,
		measured: `${fixed(median(ra.ours), 0)} vs ${fixed(median(ra.raw), 0)} ms → ratio ${fixed(ra.ratio)}`,
		goal: '— (reported)',
		verdict: 'n/a',
	});
	return rows;
}

const VARIANT_LABEL: Record<HostVariant, string> = {
	httpZohoCredential: 'n8n HTTP Request node + our credential (predefined type)',
	httpOAuth2: "n8n HTTP Request node + n8n's generic OAuth2 credential (client credentials)",
	ourNode: 'our node, Max Concurrent Requests 5',
};

function byVariant(runs: HostRun[], variant: HostVariant): HostRun[] {
	return runs.filter((run) => run.variant === variant && !run.error);
}

export function hostRows(result: HostResult): Row[] {
	const section = `3 n8n ${result.n8nVersion}`;
	if (result.failure) {
		return [
			{
				section,
				what: 'n8n host part',
				measured: `could not run: ${result.failure}`,
				goal: '≥ 10×',
				verdict: 'n/a',
			},
		];
	}
	const rows: Row[] = [];
	const oursMs = median(byVariant(result.runs, 'ourNode').map((run) => run.nodeMs));
	for (const variant of ['httpZohoCredential', 'httpOAuth2', 'ourNode'] as const) {
		const all = result.runs.filter((run) => run.variant === variant);
		const ok = byVariant(result.runs, variant);
		const failed = all.filter((run) => run.error);
		const first = all[0];
		rows.push({
			section,
			what: `${VARIANT_LABEL[variant]}: 1,000 GETs`,
			measured:
				(ok.length
					? `node time ${ok.map((run) => thousands(run.nodeMs)).join(' / ')} ms (median ${thousands(median(ok.map((run) => run.nodeMs)))}); `
					: '') +
				`minted ${first?.mints ?? '—'} on the first execution, ${all.reduce((sum, run) => sum + run.mints, 0)} over ${all.length}` +
				(first?.scheme ? `; header ${first.scheme}` : '') +
				(failed.length ? `; ${failed.length} failed: ${failed[0]?.error ?? ''}` : ''),
			goal: '—',
			verdict: 'n/a',
		});
	}
	for (const variant of ['httpZohoCredential', 'httpOAuth2'] as const) {
		const theirs = median(byVariant(result.runs, variant).map((run) => run.nodeMs));
		const ratio = theirs / oursMs;
		rows.push({
			section,
			what: `node time ${variant === 'httpOAuth2' ? 'HTTP Request + OAuth2' : 'HTTP Request + our credential'} / our node`,
			measured: Number.isFinite(ratio) ? `${fixed(ratio, 1)}×` : 'not measured',
			goal: '≥ 10×',
			verdict: verdict(Number.isFinite(ratio) ? ratio >= 10 : undefined),
		});
	}
	return rows;
}

export function memoryRows(result: MemoryResult): Row[] {
	const section = '4 memory';
	return [
		{
			section,
			what: `peak growth during one execution of ${thousands(result.items)} GET items through the node (n8n holds its input and output items)`,
			measured:
				`RSS ${mib(result.nodeRssGrowth)}, JS heap ${mib(result.nodeHeapGrowth)} ` +
				`(plain loop keeping the ${thousands(result.items)} parsed answers: RSS ${mib(result.rawRssGrowth)}, heap ${mib(result.rawHeapGrowth)})`,
			goal: '— (reported)',
			verdict: 'n/a',
		},
		{
			section,
			what: `per cached credential (${thousands(result.credentials)} credentials with a token in the cache)`,
			measured: `${thousands(result.heapPerCredential)} bytes of JS heap each (RSS changed by ${fixed((result.rssPerCredential * result.credentials) / 1024 / 1024, 1)} MiB for all ${thousands(result.credentials)}: within page-level noise)`,
			goal: '— (reported)',
			verdict: 'n/a',
		},
	];
}

export function crmRows(result: CrmResult): Row[] {
	const section = `5 CRM sync, n8n ${result.n8nVersion}`;
	if (result.failure)
		return [
			{
				section,
				what: 'CRM sync part',
				measured: `could not run: ${result.failure}`,
				goal: '≥ 20×',
				verdict: 'n/a',
			},
		];
	const setting = `${thousands(result.records)} upserts into Contacts, Max Concurrent Requests ${result.concurrency}, Zoho answering after ${result.latencyMs} ms`;
	const rows: Row[] = result.runs.map((run) => ({
		section,
		what: `Batch Size ${run.batchSize}: ${setting}`,
		measured:
			`${thousands(run.apiCalls)} API calls (${thousands(run.recordsSent)} records), ${thousands(run.credits)} credits, ${run.mints} minted, ` +
			`${thousands(run.succeeded)}/${thousands(run.outputItems)} output items SUCCESS, peak ${run.maxInFlight} in flight; node time ${thousands(run.nodeMs)} ms` +
			(run.error ? `; failed: ${run.error}` : ''),
		goal: run.batchSize === 100 ? `${result.records / 100} calls` : '—',
		verdict:
			run.batchSize === 100
				? verdict(
						!run.error && run.apiCalls === result.records / 100 && run.succeeded === result.records,
					)
				: 'n/a',
	}));
	const batched = result.runs.find((run) => run.batchSize === 100 && !run.error);
	const single = result.runs.find((run) => run.batchSize === 1 && !run.error);
	if (batched && single) {
		const ratio = single.nodeMs / batched.nodeMs;
		rows.push({
			section,
			what: 'node time Batch Size 1 / Batch Size 100',
			measured: `${thousands(single.nodeMs)} / ${thousands(batched.nodeMs)} ms = ${fixed(ratio, 1)}× (API calls ${thousands(single.apiCalls)} / ${thousands(batched.apiCalls)}, credits ${thousands(single.credits)} / ${thousands(batched.credits)})`,
			goal: '≥ 20×',
			verdict: verdict(ratio >= 20),
		});
	}
	return rows;
}

const FLEET_LABEL: Record<FleetVariant, string> = {
	oursRedis: "our node, tokens in the queue's Redis (no setting), credential Concurrency Limit 5",
	oursPerProcess: 'our node, every process for itself (ZOHO_TOKEN_STORE=memory), no limit',
	httpOAuth2: "n8n HTTP Request node + n8n's generic OAuth2 credential (client credentials)",
};

export function fleetRows(result: FleetResult): Row[] {
	const section = `6 fleet, n8n ${result.n8nVersion}`;
	if (result.failure)
		return [
			{
				section,
				what: 'queue-mode fleet part',
				measured: `could not run: ${result.failure}`,
				goal: '—',
				verdict: 'n/a',
			},
		];
	const { load, writes } = result;
	const job = `${load.executions} webhook executions × ${load.callsEach} GETs (${load.parallel} at once), Zoho allowing ${FLEET_ORG_LIMIT} at once, answering after ${FLEET_LATENCY_MS} ms`;
	const rows = result.runs.map((run): Row => {
		const isRedis = run.variant === 'oursRedis';
		return {
			section,
			what: `${FLEET_LABEL[run.variant]}: ${job}`,
			measured:
				`${run.mints} minted, ${thousands(run.throttled)} × 429, peak ${run.maxInFlight} in flight, ${run.failedExecutions}/${load.executions} executions failed, ${fixed(run.wallMs / 1000, 1)} s ` +
				`(executions per worker ${run.executionsPerWorker.join(' + ')})` +
				(run.demand
					? `; again against an organisation without a limit: peak ${run.demand.maxInFlight} in flight, ${run.demand.mints} more minted, ${run.demand.failedExecutions} failed, ${fixed(run.demand.wallMs / 1000, 1)} s`
					: ''),
			goal: isRedis ? `1 mint, 0 × 429, ≤ ${FLEET_ORG_LIMIT} in flight, 0 failed` : '—',
			verdict: isRedis
				? verdict(
						run.mints === 1 &&
							run.throttled === 0 &&
							run.failedExecutions === 0 &&
							(run.demand?.maxInFlight ?? run.maxInFlight) <= FLEET_ORG_LIMIT,
					)
				: 'n/a',
		};
	});
	if (writes)
		rows.push({
			section,
			what:
				`our node writing, tokens in the queue's Redis, credential Concurrency Limit ${FLEET_WRITES.orgLimit}: ${FLEET_WRITES.executions} webhook executions × ${thousands(FLEET_WRITES.recordsEach)} Leads created 100 a call (all at once), ` +
				`Zoho allowing ${FLEET_WRITES.orgLimit} at once and ${FLEET_WRITES.subConcurrency} writes of more than 10 records (its sub-concurrency), answering after ${FLEET_LATENCY_MS} ms`,
			measured: `${thousands(writes.ok)} × 201, ${thousands(writes.throttled)} × 429, peak ${writes.maxInFlight} in flight, ${thousands(writes.credits)} credits (Zoho's table: 1 per 10 records), ${writes.failedExecutions}/${FLEET_WRITES.executions} executions failed, ${fixed(writes.wallMs / 1000, 1)} s`,
			goal: '0 × 429, 0 failed',
			verdict: verdict(writes.throttled === 0 && writes.failedExecutions === 0),
		});
	return rows;
}

const BACKFILL_LABEL: Record<BackfillWay, string> = {
	bulkRead: 'Export Records (Bulk Read)',
	returnAll: 'API Request, Return All',
	limitWindow: "API Request, Limit 100,000 (Zoho's page-token window)",
	coql: 'Query (COQL), Return All',
};

/** Bulk Read reads everything in a few calls; Return All stops at the window, saying so. */
function backfillGoal(run: BackfillRun, records: number): Pick<Row, 'goal' | 'verdict'> {
	if (run.way === 'bulkRead')
		return {
			goal: 'all records, ≤ 10 calls',
			verdict: verdict(!run.error && run.records === records && run.apiCalls <= 10),
		};
	if (run.way === 'returnAll')
		return {
			goal: 'stops at 100,000 read, saying so',
			verdict: verdict(run.error !== undefined && run.apiCalls * LIST_PAGE === PAGE_TOKEN_WINDOW),
		};
	return { goal: '—', verdict: 'n/a' };
}

export function backfillRows(result: BackfillResult): Row[] {
	const section = `7 backfill, n8n ${result.n8nVersion}`;
	if (result.failure)
		return [
			{
				section,
				what: 'backfill part',
				measured: `could not run: ${result.failure}`,
				goal: '—',
				verdict: 'n/a',
			},
		];
	const setting = `every record of a ${thousands(result.records)}-record module as items, Zoho answering each call after ${result.latencyMs} ms`;
	const rows: Row[] = result.runs.map((run) => ({
		section,
		what: `${BACKFILL_LABEL[run.way]}: ${setting}${run.way === 'bulkRead' ? ` (a job done after ${result.jobMs / 1000} s)` : ''}`,
		measured:
			`${thousands(run.records)} records, ${thousands(run.apiCalls)} API calls, ${thousands(run.credits)} credits; node ${fixed(run.nodeMs / 1000, 1)} s, ` +
			`n8n execute ${fixed(run.processMs / 1000, 1)} s; n8n peak RSS ${run.peakRssBytes === undefined ? 'n/a' : mib(run.peakRssBytes)}` +
			(run.error ? `; failed: ${run.error}` : ''),
		...backfillGoal(run, result.records),
	}));
	// Per record: a list reads no more than the window, Bulk Read the whole module.
	const bulk = result.runs.find((run) => run.way === 'bulkRead' && !run.error);
	const pages = result.runs.find((run) => run.way === 'limitWindow' && !run.error);
	if (bulk && pages && pages.records > 0 && bulk.records > 0) {
		const per = (run: BackfillRun, what: 'apiCalls' | 'credits') =>
			(run[what] * 100_000) / run.records;
		const ratio = per(pages, 'apiCalls') / per(bulk, 'apiCalls');
		rows.push({
			section,
			what: 'API calls per 100,000 records, API Request (Limit) / Bulk Read',
			measured: `${fixed(per(pages, 'apiCalls'), 0)} / ${fixed(per(bulk, 'apiCalls'), 1)} = ${fixed(ratio, 0)}× (credits ${fixed(per(pages, 'credits'), 0)} / ${fixed(per(bulk, 'credits'), 1)})`,
			goal: '≥ 100×',
			verdict: verdict(ratio >= 100),
		});
	}
	return rows;
}

/** The value below which `share` of the sorted values lie (nearest rank). */
function percentile(values: readonly number[], share: number): number {
	const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] as number;
}

const seconds = (ms: number) => `${fixed(ms / 1000, 2)} s`;

/** One renewal every half of Zoho's week. */
const RENEWALS_PER_DAY = 1 / 3.5;

export function instantRows(result: InstantResult): Row[] {
	const section = `8 instant trigger, n8n ${result.n8nVersion}`;
	if (result.failure)
		return [
			{
				section,
				what: 'instant trigger part',
				measured: `could not run: ${result.failure}`,
				goal: '—',
				verdict: 'n/a',
			},
		];
	const latency = (values: number[]) =>
		`median ${seconds(median(values))}, p95 ${seconds(percentile(values, 0.95))} (${values.filter(Number.isFinite).length} of ${result.changes} reported)`;
	const { checkCalls, checkCredits } = result.activation;
	const instantPerDay = ((24 * 60) / CHECK_MINUTES) * checkCredits + RENEWALS_PER_DAY;
	// n8n polls once a minute; each poll is one call (measured below), so a day is 1,440.
	const pollingPerDay = 24 * 60;
	const p95 = percentile(result.instantMs, 0.95);
	return [
		{
			section,
			what: `record stored → its execution reported, ${result.changes} changes one at a time: instant trigger (Zoho's notification)`,
			measured: latency(result.instantMs),
			goal: 'p95 ≤ 5 s',
			verdict: verdict(result.instantMs.every(Number.isFinite) && p95 <= 5_000),
		},
		{
			section,
			what: 'the same, polling trigger at its shortest interval (every minute), measured in the same run',
			measured: latency(result.pollingMs),
			goal: '—',
			verdict: 'n/a',
		},
		{
			section,
			what: 'API credits per idle day and trigger',
			measured:
				`instant: channel ${fixed(RENEWALS_PER_DAY, 2)} (a renewal every 3.5 days) + ${CHECK_MINUTES}-minute checks ${fixed(((24 * 60) / CHECK_MINUTES) * checkCredits, 0)} (${checkCalls} call${checkCalls === 1 ? '' : 's'} per check, measured: changes 1 credit and deletions 2) = ${fixed(instantPerDay, 1)}; ` +
				`with Catch Up off ${fixed(RENEWALS_PER_DAY, 2)}; activation ${result.activation.watchCalls} channel calls once. ` +
				`Polling every minute: ${thousands(pollingPerDay)} (one call per poll: ${result.polling.calls} calls in the run's ${fixed(result.polling.minutes, 1)} min)`,
			goal: 'channel < 1 a day, vs 1,440',
			verdict: verdict(RENEWALS_PER_DAY < 1 && instantPerDay < pollingPerDay / 10),
		},
		{
			section,
			what: 'API credits per 1,000 changes (fetching the records of each notification)',
			measured:
				`changes one at a time: ${thousands((result.fetches / result.changes) * 1000)} (${result.fetches} fetches for ${result.deliveries} notifications); ` +
				`one API write of ${result.batch.records} records: ${thousands((result.batch.fetches / result.batch.records) * 1000)} (${result.batch.fetches} fetch, ${result.batch.executions} execution with ${result.batch.items} items); deletions: 0`,
			goal: '≤ 1 per notification',
			verdict: verdict(result.fetches <= result.deliveries && result.batch.fetches === 1),
		},
	];
}

export function allRows(results: BenchResults): Row[] {
	return [
		...(results.economy ? economyRows(results.economy) : []),
		...(results.throughput ? throughputRows(results.throughput) : []),
		...(results.host ? hostRows(results.host) : []),
		...(results.memory ? memoryRows(results.memory) : []),
		...(results.crm ? crmRows(results.crm) : []),
		...(results.fleet ? fleetRows(results.fleet) : []),
		...(results.backfill ? backfillRows(results.backfill) : []),
		...(results.instant ? instantRows(results.instant) : []),
	];
}
