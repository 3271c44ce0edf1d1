/** `n8n worker` (queue mode) as a child process, ready when it says so; stopped or killed by its PID. */
import { spawn } from 'node:child_process';

import { hostFor, type N8nMajor } from './host';
import { delay, KILL_GRACE_MS, processEnv, tail } from './process';
import type { UserFolder } from './userFolder';

const READY_LINE = 'worker is now ready';

export interface StartWorkerOptions {
  major: N8nMajor;
  userFolder: UserFolder;
  /** Variables over the folder's, e.g. a broker port of the worker's own. */
  env?: Record<string, string>;
  concurrency?: number;
  readyTimeoutMs?: number;
}

export interface RunningWorker {
  pid: number;
  output(): string;
  /** SIGTERM (n8n finishes running jobs), SIGKILL after a grace period. */
  stop(): Promise<void>;
  /** SIGKILL at once: a worker that dies. */
  kill(): Promise<void>;
}

export async function startN8nWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const host = hostFor(options.major);
  const child = spawn(host.nodeBin, [host.n8nBin, 'worker', `--concurrency=${options.concurrency ?? 10}`], {
    cwd: options.userFolder.dir,
    env: processEnv(host, { ...options.userFolder.env, ...options.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${host.nodeBin}`);
  const pid = child.pid;
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  let ended = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => {
    ended = true;
  });
  const exitWithin = (ms: number): Promise<boolean> =>
    Promise.race([exited.then(() => true), delay(ms).then(() => ended)]);
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (ended) return;
    child.kill(signal);
    if (await exitWithin(KILL_GRACE_MS)) return;
    child.kill('SIGKILL');
    if (!(await exitWithin(KILL_GRACE_MS))) throw new Error(`n8n worker (pid ${pid}) did not exit after SIGKILL`);
  };
  const worker: RunningWorker = { pid, output: () => output, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 240_000);
  while (Date.now() < deadline) {
    if (ended) throw new Error(`n8n worker exited before it was ready:\n${tail(output)}`);
    if (output.includes(READY_LINE)) return worker;
    await delay(250);
  }
  await worker.stop();
  throw new Error(`n8n worker was not ready within ${options.readyTimeoutMs ?? 240_000} ms:\n${tail(output)}`);
}
