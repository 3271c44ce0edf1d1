/**
 * Queue mode: a main puts executions on a Redis queue, workers run them; all share
 * PostgreSQL, Redis and the encryption key. The variables every process of such a
 * fleet needs, and a fleet of one main and N workers on one machine.
 */
import { freePorts } from './process';
import { startN8n, type RunningN8n } from './server';
import type { N8nMajor } from './host';
import type { UserFolder } from './userFolder';

export interface QueueModeOptions {
	redis: { host: string; port: number };
	postgres: { host: string; port: number; user: string; database: string; password?: string };
}

/** Give these to `createUserFolder({ env })`: every command in that folder then runs in queue mode. */
export function queueModeEnv(options: QueueModeOptions): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: options.redis.host,
		QUEUE_BULL_REDIS_PORT: String(options.redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: options.postgres.host,
		DB_POSTGRESDB_PORT: String(options.postgres.port),
		DB_POSTGRESDB_USER: options.postgres.user,
		DB_POSTGRESDB_PASSWORD: options.postgres.password ?? '',
		DB_POSTGRESDB_DATABASE: options.postgres.database,
		// Executions run on workers only; the main just enqueues them.
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
	};
}

export interface QueueFleetOptions {
	major: N8nMajor;
	/** A folder made with `queueModeEnv`; main and workers share it (one machine). */
	userFolder: UserFolder;
	workers: number;
	/** Executions one worker runs at once (n8n's default is 10). */
	workerConcurrency?: number;
	/** Variables for the workers only (e.g. the token store's setting). */
	workerEnv?: Record<string, string>;
	/** Called with each process's output, labelled `main`, `worker 1` … */
	onOutput?: (label: string, chunk: string) => void;
}

export interface QueueFleet {
	main: RunningN8n;
	workers: RunningN8n[];
	/** Stops every worker and starts as many new ones (a deploy), with `workerEnv` instead of the fleet's when given. */
	restartWorkers(options?: { workerEnv?: Record<string, string> }): Promise<void>;
	/** Stops one worker with `signal` (e.g. SIGKILL: a crash) and starts a new one in its place. */
	replaceWorker(index: number, signal?: NodeJS.Signals): Promise<void>;
	/** Stops the main (its triggers and webhooks with it); `whileStopped` runs; a new main starts. */
	replaceMain(whileStopped?: () => Promise<void>): Promise<void>;
	stop(): Promise<void>;
}

/** How many executions a worker has started, from its log (n8n logs each at info level). */
export function executionsStarted(worker: RunningN8n): number {
	return worker.output().match(/Worker started execution/g)?.length ?? 0;
}

export async function startQueueFleet(options: QueueFleetOptions): Promise<QueueFleet> {
	let workerEnv = options.workerEnv;
	const startWorker = async (index: number): Promise<RunningN8n> => {
		// Each process starts a task broker of its own: one port each.
		const [brokerPort] = await freePorts(1);
		return startN8n({
			major: options.major,
			userFolder: options.userFolder,
			command: 'worker',
			env: {
				N8N_RUNNERS_BROKER_PORT: String(brokerPort),
				N8N_CONCURRENCY_PRODUCTION_LIMIT: String(options.workerConcurrency ?? 10),
				...workerEnv,
			},
			readyTimeoutMs: 180_000,
			onOutput: (chunk) => options.onOutput?.(`worker ${index + 1}`, chunk),
		});
	};
	const startMain = () =>
		startN8n({
			major: options.major,
			userFolder: options.userFolder,
			readyTimeoutMs: 180_000,
			onOutput: (chunk) => options.onOutput?.('main', chunk),
		});
	const main = await startMain();
	const workers: RunningN8n[] = [];
	try {
		workers.push(
			...(await Promise.all(
				Array.from({ length: options.workers }, (_, index) => startWorker(index)),
			)),
		);
	} catch (error) {
		await Promise.all([main.stop(), ...workers.map((worker) => worker.stop())]);
		throw error;
	}
	const fleet: QueueFleet = {
		main,
		workers,
		async restartWorkers(restart = {}) {
			if (restart.workerEnv) workerEnv = restart.workerEnv;
			await Promise.all(workers.map((worker) => worker.stop()));
			const fresh = await Promise.all(workers.map((_, index) => startWorker(index)));
			workers.splice(0, workers.length, ...fresh);
		},
		async replaceWorker(index, signal) {
			await workers[index].stop(signal);
			workers[index] = await startWorker(index);
		},
		async replaceMain(whileStopped) {
			await fleet.main.stop();
			await whileStopped?.();
			fleet.main = await startMain();
		},
		async stop() {
			await Promise.all(workers.map((worker) => worker.stop()));
			await fleet.main.stop();
		},
	};
	return fleet;
}
