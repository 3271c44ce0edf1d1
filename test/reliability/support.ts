/**
 * Shared set-up of the reliability suite: a simulator, a runtime whose every minted
 * access token is recorded, one fresh Self Client per table row (so counts are exact
 * and a row's faults cannot touch another's), a capture of every log line n8n's engine
 * or the node writes, and the scan for secrets in everything a run leaves behind.
 */
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import type { IDataObject, IHttpRequestHelper, INodeExecutionData } from 'n8n-workflow';
import { LoggerProxy } from 'n8n-workflow';

import { ZohoSelfClientApi } from '../../credentials/ZohoSelfClientApi.credentials';
import { ZohoOAuthRequest } from '../../nodes/ZohoOAuthRequest/ZohoOAuthRequest.node';
import { ZohoSimulator, type ZohoSimulatorOptions } from '../../simulator';
import {
	createZohoRuntime,
	setSharedZohoRuntime,
	type ZohoRuntime,
	type ZohoRuntimeOptions,
} from '../../zoho/runtime';
import { runWorkflow, type RunWorkflowResult } from '../../harness';
import type { CredentialStore } from '../../harness/credentialsHelper';
import { CREDENTIAL_ID, NODE_TYPE, zohoWorkflow } from '../nodes/kit';

export const ALL_SCOPES = ['ZohoCRM.modules.ALL', 'ZohoCRM.org.READ', 'ZohoBooks.fullaccess.all'];
export const TOKEN_PATH = '/oauth/v2/token';
export const ORG_ID = '10234695';

/** Retries as in production, with waits of a few milliseconds (as the node tests use). */
export const FAST_RUNTIME: ZohoRuntimeOptions = {
	apiRetry: { retries: 3, baseDelayMs: 5, maxDelayMs: 1_500 },
	tokenRetry: { retries: 2, baseDelayMs: 5, maxDelayMs: 50 },
	tokenTimeoutMs: 5_000,
};
/** Attempts of a token request that keeps failing: the first and FAST_RUNTIME's retries. */
export const TOKEN_ATTEMPTS = 3;
/** Attempts of an idempotent API call that keeps failing. */
export const API_ATTEMPTS = 4;

export interface SelfClient {
	clientId: string;
	clientSecret: string;
	refreshToken: string;
	/** The credential data n8n would decrypt: custom accounts URL pointing at the simulator. */
	data: Record<string, string>;
}

export interface RunOptions {
	inputItems?: INodeExecutionData[];
	continueOnFail?: boolean;
	signal?: AbortSignal;
}

export interface RelKit {
	sim: ZohoSimulator;
	readonly runtime: ZohoRuntime;
	credentials: CredentialStore;
	/** Every secret value this kit has seen: client secrets, refresh tokens, access tokens, grant codes. */
	secrets: Set<string>;
	/** A new Self Client with a refresh token, installed as the node's credential. */
	newClient(options?: { scopes?: string[] }): SelfClient;
	/** Replaces the node's credential data (the secrets in it are remembered). */
	useCredential(data: Record<string, string>): void;
	/** A fresh runtime (token cache), as a newly started n8n process; options over FAST_RUNTIME. */
	resetRuntime(options?: ZohoRuntimeOptions): void;
	/** The Zoho OAuth Request node with these parameters, in a workflow run by n8n-core. */
	run(parameters: IDataObject, options?: RunOptions): Promise<RunWorkflowResult>;
	/** preAuthentication as n8n calls it: a method of the credential class. */
	preAuthenticate(data: Record<string, unknown>): Promise<IDataObject>;
	/** Access tokens the simulator saw in Authorization headers: they are secrets too. */
	collectSeenTokens(): void;
	close(): Promise<void>;
}

export async function startRelKit(options: { sim?: ZohoSimulatorOptions } = {}): Promise<RelKit> {
	const sim = new ZohoSimulator({ dataCentres: ['us'], ...options.sim });
	await sim.start();
	const secrets = new Set<string>();
	const credentials: CredentialStore = { [CREDENTIAL_ID]: { type: 'zohoSelfClientApi', data: {} } };
	let runtime = recordingRuntime(FAST_RUNTIME, secrets);
	setSharedZohoRuntime(runtime);

	const remember = (...values: Array<string | undefined>) => {
		for (const value of values) if (value && value.trim().length >= 6) secrets.add(value.trim());
	};

	const kit: RelKit = {
		sim,
		get runtime() {
			return runtime;
		},
		credentials,
		secrets,
		newClient(opts = {}) {
			const client = sim.registerClient('us');
			const refreshToken = sim.createRefreshToken('us', {
				clientId: client.clientId,
				scopes: opts.scopes ?? ALL_SCOPES,
			});
			remember(client.clientSecret, refreshToken);
			const data = {
				dataCentre: 'custom',
				customAccountsUrl: sim.url('us'),
				...client,
				refreshToken,
				accessToken: '',
			};
			kit.useCredential(data);
			return { ...client, refreshToken, data };
		},
		useCredential(data) {
			remember(data.clientSecret, data.refreshToken, data.accessToken);
			credentials[CREDENTIAL_ID] = { type: 'zohoSelfClientApi', data: { ...data } };
		},
		resetRuntime(overrides = {}) {
			// The old runtime's idle sockets close in the background; the test goes on with a new one.
			void runtime.close();
			runtime = recordingRuntime({ ...FAST_RUNTIME, ...overrides }, secrets);
			setSharedZohoRuntime(runtime);
		},
		run: (parameters, opts = {}) =>
			runWorkflow({
				workflow: zohoWorkflow(parameters, { continueOnFail: opts.continueOnFail }),
				nodeTypes: { [NODE_TYPE]: new ZohoOAuthRequest() },
				credentialTypes: { zohoSelfClientApi: new ZohoSelfClientApi() },
				credentials,
				inputItems: opts.inputItems,
				signal: opts.signal,
				timeoutMs: 30_000,
			}),
		preAuthenticate: (data) =>
			new ZohoSelfClientApi().preAuthentication.call({} as IHttpRequestHelper, data as never),
		collectSeenTokens() {
			for (const seen of sim.counters().authorizationHeaders)
				remember(seen.value.replace(/^\S+\s+/, ''));
		},
		async close() {
			setSharedZohoRuntime(undefined);
			await runtime.close();
			await sim.stop();
		},
	};
	return kit;
}

/** A runtime whose token client reports every access and refresh token it receives. */
function recordingRuntime(options: ZohoRuntimeOptions, secrets: Set<string>): ZohoRuntime {
	const runtime = createZohoRuntime(options);
	const client = runtime.auth.tokenClient;
	const refresh = client.refresh.bind(client);
	const exchange = client.exchangeGrantCode.bind(client);
	client.refresh = async (args) => {
		const token = await refresh(args);
		secrets.add(token.accessToken);
		return token;
	};
	client.exchangeGrantCode = async (args) => {
		secrets.add(args.code);
		const result = await exchange(args);
		secrets.add(result.accessToken);
		secrets.add(result.refreshToken);
		return result;
	};
	return runtime;
}

// ---------------------------------------------------------------------------------------
// Log lines

export interface LogLine {
	level: string;
	text: string;
}

const captured: LogLine[] = [];
let logCaptureInstalled = false;

/**
 * Routes n8n's logging into `logLines()`: `LoggerProxy` (what WorkflowExecute writes,
 * including the execution's error) and the DI `Logger` behind a node's `this.logger`.
 */
export function installLogCapture(): void {
	if (logCaptureInstalled) return;
	const write = (level: string) => (message: unknown, meta?: unknown) => {
		captured.push({ level, text: `${String(message)} ${deepText(meta)}` });
	};
	const logger = {
		error: write('error'),
		warn: write('warn'),
		info: write('info'),
		debug: write('debug'),
		scoped: () => logger,
	};
	LoggerProxy.init(logger as never);
	const requireFromCore = createRequire(require.resolve('n8n-core'));
	const { Container } = requireFromCore('@n8n/di') as {
		Container: { set(type: unknown, value: unknown): void };
	};
	const { Logger } = requireFromCore('@n8n/backend-common') as { Logger: unknown };
	Container.set(Logger, logger);
	logCaptureInstalled = true;
}

/** Log lines written since the last call (and forgets them). */
export function takeLogLines(): LogLine[] {
	return captured.splice(0);
}

// ---------------------------------------------------------------------------------------
// Secrets

/**
 * Every own property (enumerable or not: message, stack, cause, context …) of every
 * object reachable from `value`, as one text. Errors are walked like plain objects, so
 * nothing an error carries escapes the scan.
 */
export function deepText(value: unknown): string {
	const seen = new WeakSet<object>();
	const walk = (current: unknown, depth: number): unknown => {
		if (current === null || current === undefined) return current;
		if (typeof current === 'bigint' || typeof current === 'symbol') return String(current);
		if (typeof current === 'function') return undefined;
		if (typeof current !== 'object') return current;
		if (Buffer.isBuffer(current)) return current.toString('utf8');
		if (seen.has(current) || depth > 12) return '[seen]';
		seen.add(current);
		const out: Record<string, unknown> = {};
		for (const name of Object.getOwnPropertyNames(current)) {
			out[name] = walk((current as Record<string, unknown>)[name], depth + 1);
		}
		return out;
	};
	return JSON.stringify(walk(value, 0)) ?? '';
}

export interface ScanTarget {
	where: string;
	text: string;
}

/** What a node run leaves for a user or an operator to see. */
export function runTexts(
	result: RunWorkflowResult,
	options: { outputsExcepted?: boolean } = {},
): ScanTarget[] {
	const targets: ScanTarget[] = [];
	const error = result.error;
	if (error) {
		targets.push(
			{ where: 'error message', text: error.message },
			{
				where: 'error description',
				text: String((error as { description?: unknown }).description ?? ''),
			},
			{ where: 'JSON.stringify(error)', text: JSON.stringify(error) },
			{ where: 'error, every field', text: deepText(error) },
		);
	}
	for (const [node, nodeError] of Object.entries(result.nodeErrors)) {
		targets.push({
			where: `node error of ${node}`,
			text: `${JSON.stringify(nodeError)} ${deepText(nodeError)}`,
		});
	}
	targets.push({
		where: 'run data error (as n8n saves it)',
		text: deepText(result.run.data.resultData.error),
	});
	if (!options.outputsExcepted) {
		for (const [index, output] of (result.outputs.Zoho ?? []).entries()) {
			targets.push({ where: `output ${index} items`, text: deepText(output) });
		}
	}
	return targets;
}

/** Texts of an error thrown outside a workflow (preAuthentication, the Test button). */
export function errorTexts(error: unknown): ScanTarget[] {
	const message = error instanceof Error ? error.message : String(error);
	return [
		{ where: 'error message', text: message },
		{ where: 'JSON.stringify(error)', text: JSON.stringify(error) ?? '' },
		{ where: 'error, every field', text: deepText(error) },
	];
}

/** The pieces of a secret worth looking for on their own (Zoho tokens are `1000.<hex>.<hex>`). */
function secretForms(secret: string): string[] {
	const forms = new Set([secret, encodeURIComponent(secret)]);
	for (const part of secret.split('.')) if (part.length >= 16) forms.add(part);
	return [...forms];
}

/** Where each secret appears, as "where: secret…"; empty when nothing leaked. */
export function findLeaks(targets: ScanTarget[], secrets: Iterable<string>): string[] {
	const leaks: string[] = [];
	for (const secret of secrets) {
		for (const form of secretForms(secret)) {
			for (const target of targets) {
				if (target.text.includes(form)) leaks.push(`${target.where}: ${form.slice(0, 10)}…`);
			}
		}
	}
	return leaks;
}

// ---------------------------------------------------------------------------------------
// Summary

const SUMMARY_FILE = path.join(__dirname, 'summary.json');

/**
 * Writes one section of test/reliability/summary.json, only under
 * `npm run reliability:summary` (ZOHO_RELIABILITY_SUMMARY=1): a plain test run never
 * writes a tracked file. Test files run in parallel workers, so the read-merge-write is
 * guarded by a lock directory (mkdir is atomic).
 */
export async function writeSummarySection(
	section: string,
	data: Record<string, unknown>,
): Promise<void> {
	if (process.env.ZOHO_RELIABILITY_SUMMARY !== '1') return;
	const lock = `${SUMMARY_FILE}.lock`;
	let locked = false;
	for (let attempt = 0; attempt < 500 && !locked; attempt++) {
		try {
			mkdirSync(lock);
			locked = true;
		} catch {
			// Another worker holds the lock: wait a little (bounded).
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
	}
	if (!locked) throw new Error(`could not lock ${lock}; remove it if no test is running`);
	try {
		let summary: Record<string, unknown> = {};
		try {
			summary = JSON.parse(readFileSync(SUMMARY_FILE, 'utf8')) as Record<string, unknown>;
		} catch {
			// No summary yet (or an unreadable one): start afresh.
			summary = {};
		}
		summary[section] = data;
		const ordered = Object.fromEntries(
			Object.entries(summary).sort(([a], [b]) => a.localeCompare(b)),
		);
		writeFileSync(SUMMARY_FILE, `${JSON.stringify(ordered, null, '\t')}\n`);
	} finally {
		rmdirSync(lock);
	}
}

/** Items with a json payload each. */
export function itemsOf(values: IDataObject[]): INodeExecutionData[] {
	return values.map((json) => ({ json }));
}
