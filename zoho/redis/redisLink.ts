/**
 * The one Redis client the fleet's token store and limiter share, and what happens when
 * Redis fails. Redis is an efficiency primitive here, never a dependency: any failure
 * (down, slow, restarted) makes this process use its own cache and limiter, with one
 * warning, and Redis again once it answers.
 */
import type { Cluster, Redis } from 'ioredis';

import type { Logger } from '../logger';
import { abortableWait } from '../http/wait';

export type RedisClient = Redis | Cluster;

/** Deletes KEYS[1] if it still is the lease ARGV[1]. */
export const RELEASE_LEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
/** Extends KEYS[1] by ARGV[2] ms if it still is the lease ARGV[1]. */
export const RENEW_LEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/** A Redis command failed; the caller falls back to this process's own state. */
export class StoreUnavailable extends Error {}

/** The client, whether it can be used now, and the one warning per process. */
export class RedisLink {
	readonly client: RedisClient;
	/** For calls that bring no logger of their own. */
	private readonly logger: Logger;
	private readonly readyWaitMs: number;
	private readonly restMs: number;
	private everReady = false;
	private warned = false;
	/** Set for a moment after a command failed: a slow Redis then costs one command timeout, not one per call. */
	private resting = false;
	/** What the client reported while reconnecting in the background: told by the next call that finds Redis away. */
	private lastFailure?: unknown;

	constructor(options: {
		client: RedisClient;
		logger: Logger;
		readyWaitMs?: number;
		restMs?: number;
	}) {
		this.client = options.client;
		this.logger = options.logger;
		this.readyWaitMs = options.readyWaitMs ?? 2_000;
		this.restMs = options.restMs ?? 2_000;
		this.client.on('ready', () => {
			this.everReady = true;
		});
		// Without a listener ioredis reports every failed reconnect itself.
		this.client.on('error', (error: unknown) => {
			this.lastFailure = error;
		});
	}

	/**
	 * True when commands can go to Redis now. Only the first connection is waited for
	 * (briefly), never a reconnect. Redis away is told to `logger`, once per process.
	 */
	async usable(logger?: Logger): Promise<boolean> {
		if (this.resting) return false;
		if (this.ready()) return true;
		if (this.everReady || this.warned || this.client.status === 'end') {
			this.failed(this.lastFailure ?? new Error(`connection ${this.client.status}`), logger);
			return false;
		}
		await this.event(['ready', 'end'], this.readyWaitMs);
		if (this.ready()) return true;
		this.failed(new Error(`not connected within ${this.readyWaitMs} ms`), logger);
		return false;
	}

	private ready(): boolean {
		return this.client.status === 'ready';
	}

	/** Runs a command; a failure is told to `logger` (once per process) and becomes StoreUnavailable. */
	async run<T>(
		logger: Logger | undefined,
		command: (client: RedisClient) => Promise<T>,
	): Promise<T> {
		try {
			return await command(this.client);
		} catch (error) {
			this.failed(error, logger);
			this.rest();
			throw new StoreUnavailable('Redis command failed', { cause: error });
		}
	}

	/** The command's answer, or undefined while Redis is away or when the command failed (told once by run). */
	async shared<T>(
		logger: Logger | undefined,
		command: (client: RedisClient) => Promise<T>,
	): Promise<T | undefined> {
		if (!(await this.usable(logger))) return undefined;
		try {
			return await this.run(logger, command);
		} catch (error) {
			if (error instanceof StoreUnavailable) return undefined;
			throw error;
		}
	}

	/** For what may fail without consequence (renewing or releasing a lease, releasing a slot). */
	quietly(logger: Logger | undefined, command: (client: RedisClient) => Promise<unknown>): void {
		void this.shared(logger, command);
	}

	/** Disconnects and waits (boundedly) until the connection is really closed, so no socket outlives the runtime. */
	async close(): Promise<void> {
		if (this.client.status === 'end') return;
		const ended = this.event(['end'], 2_000);
		this.client.disconnect();
		await ended;
	}

	private rest(): void {
		if (this.resting) return;
		this.resting = true;
		setTimeout(() => {
			this.resting = false;
		}, this.restMs).unref();
	}

	private failed(error: unknown, logger: Logger = this.logger): void {
		if (this.warned) return;
		this.warned = true;
		const reason = error instanceof Error ? error.message : String(error);
		logger.warn(
			`Zoho token store: Redis is not available (${reason}). This process now uses its own token cache and concurrency limit, ` +
				'and Redis again as soon as it answers. Workflows are not affected; only the fleet-wide sharing pauses.',
		);
	}

	/** The first of `names` the client emits, or `ms` passing. */
	private event(names: string[], ms: number): Promise<void> {
		const happened = () => ({ value: undefined });
		return abortableWait<void>({
			timeout: { ms, end: happened },
			start: (end) => {
				const done = () => end(happened());
				for (const name of names) this.client.once(name, done);
				return () => {
					for (const name of names) this.client.off(name, done);
				};
			},
		});
	}
}
