/**
 * An n8n queue-mode fleet on one machine: a main (`n8n start`) and workers
 * (`n8n worker`, each with its own task-broker port) sharing one user folder, whose
 * env carries the database and queue settings; and webhook executions fired at it.
 * The caller brings PostgreSQL and Redis (servers/) and puts them in the folder's env.
 */
import { freePorts } from './process';
import { startN8n, type RunningN8n } from './server';
import type { N8nMajor } from './host';
import type { UserFolder } from './userFolder';
import { startN8nWorker, type RunningWorker } from './worker';

export interface QueueFleet {
  main: RunningN8n;
  workers: RunningWorker[];
  /** Stops the workers and starts `count` new ones (default: as many), with `env` over the folder's. */
  restartWorkers(options?: { env?: Record<string, string>; count?: number }): Promise<void>;
  /** Workers, then main. */
  stop(): Promise<void>;
}

export async function startQueueFleet(options: { major: N8nMajor; userFolder: UserFolder; workers?: number; workerEnv?: Record<string, string> }): Promise<QueueFleet> {
  const main = await startN8n({ major: options.major, userFolder: options.userFolder, readyTimeoutMs: 300_000 });
  const startWorkers = async (count: number, env: Record<string, string> = {}): Promise<RunningWorker[]> => {
    const ports = await freePorts(count);
    return Promise.all(
      ports.map((port) => startN8nWorker({ major: options.major, userFolder: options.userFolder, env: { ...env, N8N_RUNNERS_BROKER_PORT: String(port) } })),
    );
  };
  const fleet: QueueFleet = {
    main,
    workers: [],
    async restartWorkers(restart = {}) {
      const count = restart.count ?? fleet.workers.length;
      await Promise.all(fleet.workers.map((worker) => worker.stop()));
      fleet.workers = await startWorkers(count, restart.env);
    },
    async stop() {
      await Promise.all(fleet.workers.map((worker) => worker.stop()));
      fleet.workers = [];
      await main.stop();
    },
  };
  try {
    fleet.workers = await startWorkers(options.workers ?? 2, options.workerEnv);
  } catch (error) {
    await main.stop();
    throw error;
  }
  return fleet;
}

export interface WebhookRunOptions {
  baseUrl: string;
  /** The webhook's path (after /webhook/). */
  path: string;
  body: unknown;
  count: number;
  /** Calls in flight at once (default 20). */
  parallel?: number;
  timeoutMs?: number;
  /** After each call, with how many are done. */
  onDone?: (done: number) => void;
}

/** POSTs to a `lastNode` webhook `count` times; n8n answers 200 for a successful execution. Returns how many failed. */
export async function runWebhooks(options: WebhookRunOptions): Promise<{ failed: number; failures: string[] }> {
  let next = 0;
  let done = 0;
  const failures: string[] = [];
  const lane = async (): Promise<void> => {
    while (next < options.count) {
      next++;
      const outcome = await callWebhook(options);
      if (outcome !== undefined) failures.push(outcome);
      done++;
      options.onDone?.(done);
    }
  };
  await Promise.all(Array.from({ length: options.parallel ?? 20 }, lane));
  return { failed: failures.length, failures };
}

/** One call; undefined when the execution succeeded, else what n8n answered. */
export async function callWebhook(options: Pick<WebhookRunOptions, 'baseUrl' | 'path' | 'body' | 'timeoutMs'> & { signal?: AbortSignal }): Promise<string | undefined> {
  try {
    const response = await fetch(`${options.baseUrl}/webhook/${options.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(options.body),
      signal: options.signal ?? AbortSignal.timeout(options.timeoutMs ?? 120_000),
    });
    const text = await response.text();
    return response.status === 200 ? undefined : `HTTP ${response.status}: ${text.slice(0, 300)}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
