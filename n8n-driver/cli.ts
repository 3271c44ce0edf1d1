/** n8n's command line: imports, headless executions, publishing a workflow. */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { hostFor, type N8nMajor } from './host';
import { processEnv, run, tail, type CliResult } from './process';
import type { UserFolder } from './userFolder';

export interface N8nCliOptions {
	major: N8nMajor;
	userFolder: UserFolder;
	args: string[];
	timeoutMs?: number;
	/** See RunOptions.stdoutFile. */
	stdoutFile?: string;
	/** Measure the n8n process's peak resident memory (GNU time, where installed). */
	measurePeakRss?: boolean;
}

export interface N8nCliResult extends CliResult {
	/** The n8n process's peak resident set size (bytes), when asked for and measurable. */
	peakRssBytes?: number;
}

const GNU_TIME = '/usr/bin/time';
const PEAK_RSS_LINE = /^n8n-driver peak RSS KiB: (\d+)$/m;

/** `n8n <args>` on the host's node in the user folder. Never throws on a non-zero exit. */
export async function n8nCli(options: N8nCliOptions): Promise<N8nCliResult> {
	const host = hostFor(options.major);
	const measure = options.measurePeakRss === true && fs.existsSync(GNU_TIME);
	const command = [host.nodeBin, host.n8nBin, ...options.args];
	const result = await run({
		command: measure ? GNU_TIME : host.nodeBin,
		args: measure ? ['-f', 'n8n-driver peak RSS KiB: %M', ...command] : command.slice(1),
		cwd: options.userFolder.dir,
		env: processEnv(host, options.userFolder.env),
		timeoutMs: options.timeoutMs,
		stdoutFile: options.stdoutFile,
	});
	const peak = measure ? PEAK_RSS_LINE.exec(result.stderr) : null;
	return peak ? { ...result, peakRssBytes: Number(peak[1]) * 1024 } : result;
}

/** A credential as `n8n import:credentials` takes it; `data` is plain text, n8n encrypts it. */
export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface ImportCredentialsOptions {
	major: N8nMajor;
	userFolder: UserFolder;
	credentials: CredentialImport[];
	timeoutMs?: number;
}

export function importCredentials(options: ImportCredentialsOptions): Promise<CliResult> {
	return importJson({ ...options, command: 'import:credentials', content: options.credentials });
}

export interface ImportWorkflowOptions {
	major: N8nMajor;
	userFolder: UserFolder;
	/** A workflow JSON with an explicit `id` (at most 21 characters). */
	workflow: { id: string } & Record<string, unknown>;
	timeoutMs?: number;
}

export function importWorkflow(options: ImportWorkflowOptions): Promise<CliResult> {
	const id = options.workflow.id;
	if (typeof id !== 'string' || id.length === 0 || id.length > 21) {
		throw new Error(`workflow id must be 1-21 characters, got ${JSON.stringify(id)}`);
	}
	return importJson({ ...options, command: 'import:workflow', content: options.workflow });
}

export interface ImportWorkflowsOptions {
	major: N8nMajor;
	userFolder: UserFolder;
	/** Workflow JSONs, each with an explicit `id` (at most 21 characters), imported by one n8n command. */
	workflows: Array<{ id: string } & Record<string, unknown>>;
	timeoutMs?: number;
}

export function importWorkflows(options: ImportWorkflowsOptions): Promise<CliResult> {
	for (const workflow of options.workflows) {
		const id = workflow.id;
		if (typeof id !== 'string' || id.length === 0 || id.length > 21) {
			throw new Error(`workflow id must be 1-21 characters, got ${JSON.stringify(id)}`);
		}
	}
	return importJson({ ...options, command: 'import:workflow', content: options.workflows });
}

interface ImportJsonOptions {
	major: N8nMajor;
	userFolder: UserFolder;
	command: 'import:credentials' | 'import:workflow';
	content: unknown;
	timeoutMs?: number;
}

/** Writes the JSON into the user folder and imports it; throws when n8n refuses it. */
async function importJson(options: ImportJsonOptions): Promise<CliResult> {
	const importDir = path.join(options.userFolder.dir, 'imports');
	fs.mkdirSync(importDir, { recursive: true });
	const unique = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
	const file = path.join(importDir, `${options.command.replace(':', '-')}-${unique}.json`);
	fs.writeFileSync(file, JSON.stringify(options.content, null, 2));
	const result = await n8nCli({
		major: options.major,
		userFolder: options.userFolder,
		args: [options.command, `--input=${file}`],
		timeoutMs: options.timeoutMs,
	});
	// 2.x skips workflows that break its content-import policy, and still exits 0.
	if (result.code !== 0 || /Skipped workflow/.test(result.stdout + result.stderr)) {
		throw new Error(
			`n8n ${options.command} failed (code ${String(result.code)}):\n${tail(result.stdout + result.stderr)}`,
		);
	}
	return result;
}

export interface ExecuteWorkflowOptions {
	major: N8nMajor;
	userFolder: UserFolder;
	id: string;
	timeoutMs?: number;
	/** See N8nCliOptions.measurePeakRss. */
	measurePeakRss?: boolean;
}

export interface ExecuteResult extends N8nCliResult {
	/** The run n8n printed (`--rawOutput`), or undefined if none could be parsed. */
	run: N8nRun | undefined;
	/**
	 * n8n printed a complete run, then its process died of a crash signal while
	 * exiting. Seen on 2.x with its default `vm` expression engine: isolated-vm's
	 * thread pool is torn down by exit() while an isolate is still being disposed
	 * (about 1 run in 15, more under CPU load). The run was already saved.
	 */
	crashedAtExit: boolean;
	/** The run finished without error and n8n exited 0 (or crashed only after printing it). */
	succeeded: boolean;
}

/** The parts of n8n's run data the tests look at; the rest is kept as is. */
export interface N8nRun {
	data?: {
		resultData?: {
			runData?: Record<string, Array<N8nTaskData>>;
			lastNodeExecuted?: string;
			error?: { message?: string; [key: string]: unknown };
		};
	};
	status?: string;
	finished?: boolean;
	[key: string]: unknown;
}

export interface N8nTaskData {
	executionStatus?: string;
	error?: { message?: string; [key: string]: unknown };
	data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> };
	[key: string]: unknown;
}

/** `n8n execute --id=<id> --rawOutput`; exit code 1 means the run failed (its JSON is still printed). */
export async function executeWorkflow(options: ExecuteWorkflowOptions): Promise<ExecuteResult> {
	// Through a file: n8n exits right after printing, which cuts a large run short on a pipe.
	const stdoutFile = path.join(options.userFolder.dir, `execute-${options.id}-${Date.now()}.out`);
	const result = await n8nCli({
		major: options.major,
		userFolder: options.userFolder,
		args: ['execute', `--id=${options.id}`, '--rawOutput'],
		timeoutMs: options.timeoutMs,
		stdoutFile,
		measurePeakRss: options.measurePeakRss,
	});
	fs.rmSync(stdoutFile, { force: true });
	const run = parseRunJson(result.stdout) as N8nRun | undefined;
	const crashedAtExit =
		run !== undefined &&
		result.code === null &&
		CRASH_SIGNALS.has(result.signal ?? '') &&
		!result.timedOut;
	const runOk =
		run !== undefined &&
		run.data?.resultData?.error === undefined &&
		(run.status ?? 'success') === 'success';
	return {
		...result,
		run,
		crashedAtExit,
		succeeded: runOk && (result.code === 0 || crashedAtExit),
	};
}

const CRASH_SIGNALS = new Set(['SIGSEGV', 'SIGABRT', 'SIGBUS']);

/** Output items of a node's first run, first output. */
export function nodeOutput(
	run: N8nRun | undefined,
	nodeName: string,
): Array<Record<string, unknown>> {
	const task = run?.data?.resultData?.runData?.[nodeName]?.[0];
	return (task?.data?.main?.[0] ?? []).map((item) => item.json);
}

/**
 * The first top-level `{…}` block of the output that parses as JSON.
 * 2.x prints log lines before the run; a block is searched from each `{`
 * that starts a line, matching braces outside strings.
 */
export function parseRunJson(stdout: string): unknown {
	for (let start = stdout.indexOf('{'); start !== -1; start = stdout.indexOf('{', start + 1)) {
		if (start > 0 && stdout[start - 1] !== '\n') continue;
		const end = matchingBrace(stdout, start);
		if (end === -1) continue;
		try {
			return JSON.parse(stdout.slice(start, end + 1));
		} catch {
			// Not JSON (a log line that happens to start with a brace): keep looking.
			continue;
		}
	}
	return undefined;
}

function matchingBrace(text: string, start: number): number {
	let depth = 0;
	let inString = false;
	for (let i = start; i < text.length; i++) {
		const char = text[i];
		if (inString) {
			if (char === '\\') i++;
			else if (char === '"') inString = false;
			continue;
		}
		if (char === '"') inString = true;
		else if (char === '{') depth++;
		else if (char === '}' && --depth === 0) return i;
	}
	return -1;
}

/**
 * Makes a workflow active for the next `n8n start` (the running server does not
 * notice): `publish:workflow` on 2.x, `update:workflow --active=true` on 1.x.
 */
export async function activateWorkflow(options: {
	major: N8nMajor;
	userFolder: UserFolder;
	id: string;
}): Promise<CliResult> {
	const args =
		options.major === 2
			? ['publish:workflow', `--id=${options.id}`]
			: ['update:workflow', `--id=${options.id}`, '--active=true'];
	const result = await n8nCli({ major: options.major, userFolder: options.userFolder, args });
	if (result.code !== 0) {
		throw new Error(
			`n8n ${args.join(' ')} failed (code ${String(result.code)}):\n${tail(result.stdout + result.stderr)}`,
		);
	}
	return result;
}

/** The account n8n asks for on first open. */
