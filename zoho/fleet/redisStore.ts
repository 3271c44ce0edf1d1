/**
 * The fleet's shared token store and concurrency budget in Redis (the one n8n's
 * queue mode already runs). Every key is `<prefix>{<hash>}:<what>`: the hash is
 * the credential's cache key (accounts URL, client id, refresh token hashed), the
 * braces keep one credential's keys in one Redis Cluster slot for the Lua scripts.
 * Values are sealed (sealedToken.ts); client secret and refresh token never leave
 * the process.
 *
 * Redis is an efficiency primitive here, never a dependency: any Redis failure
 * (down, slow, restarted) makes this process use its own cache and limiter, with
 * one warning, and Redis again once it answers.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster, Redis } from 'ioredis';

import type { Clock } from '../clock';
import {
	LocalLimiter,
	slotWaitError,
	type AcquireOptions,
	type ConcurrencyLimiter,
	type ReleaseSlot,
} from './concurrency';
import type { ZohoCredentials } from '../credentials';
import { ZohoAbortError } from '../errors';
import { DEFAULT_EARLY_REFRESH_MS, isFresh } from '../token/expiry';
import {
	openToken,
	sealKeys,
	sealPrefix,
	sealToken,
	tokenFingerprint,
	type SealKeys,
} from './sealedToken';
import type { AccessToken } from '../token/accessToken';
import {
	cooldownError,
	DEFAULT_COOLDOWN,
	isFreshRefusal,
	MemoryTokenStore,
	type CooldownPolicy,
	type ObtainOptions,
	type StoreLogger,
	type TokenStore,
} from './tokenStore';

export type RedisClient = Redis | Cluster;

/** A Redis command failed; the caller falls back to this process's own state. */
class StoreUnavailable extends Error {}

/** The client, whether it can be used now, and the one warning per process. */
export class RedisLink {
	readonly client: RedisClient;
	private readonly logger: StoreLogger;
	private readonly readyWaitMs: number;
	private everReady = false;
	private warned = false;
	/** Set for a moment after a command failed: a slow Redis then costs one command timeout, not one per call. */
	private resting = false;
	private readonly restMs: number;

	constructor(options: {
		client: RedisClient;
		logger: StoreLogger;
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
		this.client.on('error', (error: unknown) => this.failed(error));
	}

	/** True when commands can go to Redis now. Only the first connection is waited for (briefly), never a reconnect. */
	async usable(): Promise<boolean> {
		if (this.resting) return false;
		if (this.ready()) return true;
		if (this.everReady || this.warned || this.client.status === 'end') return false;
		await this.firstReady();
		if (this.ready()) return true;
		this.failed(new Error(`not connected within ${this.readyWaitMs} ms`));
		return false;
	}

	private ready(): boolean {
		return this.client.status === 'ready';
	}

	/** Runs a command; a failure is reported once and becomes StoreUnavailable. */
	async run<T>(command: (client: RedisClient) => Promise<T>): Promise<T> {
		try {
			return await command(this.client);
		} catch (error) {
			this.failed(error);
			this.rest();
			throw new StoreUnavailable('Redis command failed', { cause: error });
		}
	}

	/** For what may fail without consequence (renewing or releasing a lease, releasing a slot): reported, not thrown. */
	quietly(command: (client: RedisClient) => Promise<unknown>): void {
		this.run(command).catch(ignoreUnavailable);
	}

	/** Disconnects and waits (boundedly) until the connection is really closed, so no socket outlives the runtime. */
	async close(): Promise<void> {
		if (this.client.status === 'end') return;
		const ended = new Promise<void>((resolve) => {
			const timer = setTimeout(resolve, 2_000);
			this.client.once('end', () => {
				clearTimeout(timer);
				resolve();
			});
		});
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

	private failed(error: unknown): void {
		if (this.warned) return;
		this.warned = true;
		const reason = error instanceof Error ? error.message : String(error);
		this.logger.warn(
			`Zoho token store: Redis is not available (${reason}). This process now uses its own token cache and concurrency limit, ` +
				'and Redis again as soon as it answers. Workflows are not affected; only the fleet-wide sharing pauses.',
		);
	}

	private firstReady(): Promise<void> {
		return new Promise((resolve) => {
			const done = () => {
				clearTimeout(timer);
				this.client.off('ready', done);
				this.client.off('end', done);
				resolve();
			};
			const timer = setTimeout(done, this.readyWaitMs);
			this.client.once('ready', done);
			this.client.once('end', done);
		});
	}
}

function ignoreUnavailable(error: unknown): void {
	// Already reported once by RedisLink; anything else is a bug and must surface.
	if (!(error instanceof StoreUnavailable)) throw error;
}

/** Deletes KEYS[1] if it still is the lease ARGV[1]. */
const RELEASE_LEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
/** Extends KEYS[1] by ARGV[2] ms if it still is the lease ARGV[1]. */
const RENEW_LEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
/** Deletes the token KEYS[1] if it is still the one whose sealed value starts with ARGV[1]. */
const DISCARD_IF = `local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, string.len(ARGV[1])) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
/**
 * A refused token: dropped if still held (as DISCARD_IF). When it was fresh
 * (ARGV[3] = 1) and the last fresh refusal (KEYS[2]) was of another token, the
 * cool-down KEYS[3] starts (value ARGV[6], the end, for messages).
 */
const REFUSED = `local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, string.len(ARGV[1])) == ARGV[1] then redis.call('DEL', KEYS[1]) end
if ARGV[3] == '1' then
	local last = redis.call('GET', KEYS[2])
	if last and last ~= ARGV[2] then redis.call('SET', KEYS[3], ARGV[6], 'PX', ARGV[5]) end
	redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[4])
end
return 1`;
/**
 * One slot of ARGV[1] in the sorted set KEYS[1] (member ARGV[3], scored by its
 * expiry on Redis's own clock, so hosts' clocks do not matter): expired slots
 * (of processes that died) are dropped first.
 */
const ACQUIRE_SLOT = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
	redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
	if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
	return 1
end
return 0`;

export interface LeaseTimes {
	/** Lease lifetime; renewed every third of it while the holder mints. */
	leaseMs: number;
	/** How long a process waits for another's mint before minting itself. */
	waitMs: number;
	/** Pause between looks while waiting (jittered up to twice as long). */
	pollMs: number;
}

export const DEFAULT_LEASE: LeaseTimes = { leaseMs: 10_000, waitMs: 15_000, pollMs: 50 };

interface CredentialKeys {
	token: string;
	lease: string;
	refused: string;
	cooldown: string;
	seal: SealKeys;
}

export class RedisTokenStore implements TokenStore {
	readonly kind = 'redis';
	private readonly link: RedisLink;
	private readonly clock: Clock;
	private readonly prefix: string;
	private readonly earlyRefreshMs: number;
	private readonly lease: LeaseTimes;
	private readonly cooldown: CooldownPolicy;
	private readonly fallback: MemoryTokenStore;
	private readonly owner: string;
	/** Per credential: the last token Zoho refused to this process, never taken from Redis again. */
	private readonly rejected = new Map<string, string>();
	private readonly keys = new Map<string, CredentialKeys>();

	constructor(options: {
		link: RedisLink;
		clock: Clock;
		prefix: string;
		earlyRefreshMs?: number;
		lease?: Partial<LeaseTimes>;
		cooldown?: CooldownPolicy;
		/** Written into the lease (with a random id), so an operator sees which process holds it, e.g. `host:pid`. */
		owner?: string;
	}) {
		this.link = options.link;
		this.owner = options.owner ?? 'process';
		this.clock = options.clock;
		this.prefix = options.prefix;
		this.earlyRefreshMs = options.earlyRefreshMs ?? DEFAULT_EARLY_REFRESH_MS;
		this.lease = { ...DEFAULT_LEASE, ...options.lease };
		this.cooldown = options.cooldown ?? DEFAULT_COOLDOWN;
		this.fallback = new MemoryTokenStore({ clock: this.clock, cooldown: this.cooldown });
	}

	async obtain(options: ObtainOptions): Promise<AccessToken> {
		if (!(await this.link.usable())) return this.fallback.obtain(options);
		try {
			return await this.obtainShared(options);
		} catch (error) {
			if (error instanceof StoreUnavailable) return this.fallback.obtain(options);
			throw error;
		}
	}

	async refused(options: { credentials: ZohoCredentials; token: AccessToken }): Promise<void> {
		const { credentials, token } = options;
		this.rejected.set(credentials.key, token.accessToken);
		// The local book too: it decides while Redis is away.
		await this.fallback.refused(options);
		if (!(await this.link.usable())) return;
		const keys = this.keysFor(credentials);
		const now = this.clock.now();
		const fresh = isFreshRefusal({ token, now, policy: this.cooldown });
		const args = [
			`${sealPrefix(keys.seal, token.accessToken)}:`,
			tokenFingerprint(keys.seal, token.accessToken),
			fresh ? '1' : '0',
			String(this.cooldown.freshRefusalMs),
			String(this.cooldown.cooldownMs),
			String(now + this.cooldown.cooldownMs),
		];
		await this.link
			.run((client) => client.eval(REFUSED, 3, keys.token, keys.refused, keys.cooldown, ...args))
			.catch(ignoreUnavailable);
	}

	async discard(options: { credentials: ZohoCredentials; accessToken?: string }): Promise<void> {
		const { credentials, accessToken } = options;
		if (accessToken !== undefined) this.rejected.set(credentials.key, accessToken);
		if (!(await this.link.usable())) return;
		const keys = this.keysFor(credentials);
		const command =
			accessToken === undefined
				? (client: RedisClient) => client.del(keys.token)
				: (client: RedisClient) =>
						client.eval(DISCARD_IF, 1, keys.token, `${sealPrefix(keys.seal, accessToken)}:`);
		await this.link.run(command).catch(ignoreUnavailable);
	}

	close(): Promise<void> {
		return this.link.close();
	}

	/** Look, else take the lease and mint, else wait and look again; past the wait, mint anyway. */
	private async obtainShared(options: ObtainOptions): Promise<AccessToken> {
		const { credentials, signal } = options;
		const keys = this.keysFor(credentials);
		const polls = Math.ceil(this.lease.waitMs / this.lease.pollMs);
		for (let poll = 0; poll < polls; poll++) {
			const shared = await this.look({ keys, credentials, force: options.force });
			if (shared) return shared;
			const id = `${this.owner}:${randomUUID()}`;
			const taken = await this.link.run((client) =>
				client.set(keys.lease, id, 'PX', this.lease.leaseMs, 'NX'),
			);
			if (taken === 'OK') return this.mintUnderLease({ ...options, keys, id });
			await pause(this.lease.pollMs * (1 + Math.random()), signal);
		}
		// The holder is alive (it renews) but slow: the lease saves mints, it must not stop work.
		const token = await options.mint(signal);
		await this.share(keys, token);
		return token;
	}

	private async mintUnderLease(
		options: ObtainOptions & { keys: CredentialKeys; id: string },
	): Promise<AccessToken> {
		const { keys, id } = options;
		const renew = setInterval(
			() => {
				this.link.quietly((client) =>
					client.eval(RENEW_LEASE, 1, keys.lease, id, String(this.lease.leaseMs)),
				);
			},
			Math.max(1, Math.floor(this.lease.leaseMs / 3)),
		);
		renew.unref();
		try {
			// Another process may have minted between our look and our lease.
			const shared = await this.look({
				keys,
				credentials: options.credentials,
				force: options.force,
			});
			if (shared) return shared;
			const token = await options.mint(options.signal);
			await this.share(keys, token);
			return token;
		} finally {
			clearInterval(renew);
			this.link.quietly((client) => client.eval(RELEASE_LEASE, 1, keys.lease, id));
		}
	}

	/** The shared token if fresh (and not one Zoho refused to us); throws while a cool-down lasts. */
	private async look(options: {
		keys: CredentialKeys;
		credentials: ZohoCredentials;
		force?: boolean;
	}): Promise<AccessToken | undefined> {
		const { keys, credentials } = options;
		const [sealed, cooldownUntil] = await this.link.run((client) =>
			client.mget(keys.token, keys.cooldown),
		);
		const now = this.clock.now();
		if (sealed && !options.force) {
			const token = openToken({ keys: keys.seal, sealed, aad: keys.token });
			if (
				token &&
				isFresh(token, now, this.earlyRefreshMs) &&
				this.rejected.get(credentials.key) !== token.accessToken
			)
				return token;
		}
		if (cooldownUntil) {
			const until = Number(cooldownUntil);
			if (Number.isFinite(until) && now < until) throw cooldownError({ until, now });
		}
		return undefined;
	}

	/** Writes a new token with a lifetime matching its expiry; a failure only means others mint for themselves. */
	private async share(keys: CredentialKeys, token: AccessToken): Promise<void> {
		const ttl = token.expiresAt - this.clock.now();
		if (ttl <= 0) return;
		const sealed = sealToken({ keys: keys.seal, token, aad: keys.token });
		await this.link
			.run((client) => client.set(keys.token, sealed, 'PX', ttl))
			.catch(ignoreUnavailable);
	}

	private keysFor(credentials: ZohoCredentials): CredentialKeys {
		let keys = this.keys.get(credentials.key);
		if (!keys) {
			const base = `${this.prefix}{${credentials.key}}`;
			keys = {
				token: `${base}:token`,
				lease: `${base}:lease`,
				refused: `${base}:refused`,
				cooldown: `${base}:cooldown`,
				seal: sealKeys(credentials),
			};
			// Bounded like the token cache: one entry per credential in use.
			if (this.keys.size >= 500) this.keys.clear();
			this.keys.set(credentials.key, keys);
		}
		return keys;
	}
}

/** A semaphore in a Redis sorted set: every process sharing the store counts against one limit. */
export class RedisLimiter implements ConcurrencyLimiter {
	private readonly link: RedisLink;
	private readonly prefix: string;
	private readonly pollMs: number;
	private readonly fallback = new LocalLimiter();
	/** This process's waiters per key: a slot released here wakes one at once instead of at its next poll. */
	private readonly wakers = new Map<string, Array<() => void>>();

	constructor(options: { link: RedisLink; prefix: string; pollMs?: number }) {
		this.link = options.link;
		this.prefix = options.prefix;
		this.pollMs = options.pollMs ?? 20;
	}

	async acquire(options: AcquireOptions): Promise<ReleaseSlot> {
		if (!(await this.link.usable())) return this.fallback.acquire(options);
		const key = `${this.prefix}{${options.key}}:slots`;
		const member = randomUUID();
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
		}, options.waitMs);
		try {
			for (;;) {
				const got = await this.link.run((client) =>
					client.eval(ACQUIRE_SLOT, 1, key, String(options.limit), String(options.holdMs), member),
				);
				if (got === 1) return this.releaser({ key, member, wakeKey: options.key });
				if (timedOut) throw slotWaitError(options);
				await this.nextChance(options.key, options.signal);
			}
		} catch (error) {
			if (error instanceof StoreUnavailable) return this.fallback.acquire(options);
			throw error;
		} finally {
			clearTimeout(timer);
		}
	}

	private releaser(options: { key: string; member: string; wakeKey: string }): ReleaseSlot {
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.link.quietly((client) => client.zrem(options.key, options.member));
			this.wakers.get(options.wakeKey)?.shift()?.();
		};
	}

	/** Resolves after a poll interval, or sooner when this process frees a slot of `key`. */
	private nextChance(key: string, signal?: AbortSignal): Promise<void> {
		if (signal?.aborted) return Promise.reject(new ZohoAbortError());
		return new Promise((resolve, reject) => {
			const leave = () => {
				clearTimeout(timer);
				signal?.removeEventListener('abort', onAbort);
				const waiting = this.wakers.get(key);
				const index = waiting ? waiting.indexOf(wake) : -1;
				if (waiting && index >= 0) waiting.splice(index, 1);
				if (waiting?.length === 0) this.wakers.delete(key);
			};
			const wake = () => {
				leave();
				resolve();
			};
			const onAbort = () => {
				leave();
				reject(new ZohoAbortError());
			};
			const timer = setTimeout(wake, this.pollMs * (1 + Math.random()));
			signal?.addEventListener('abort', onAbort, { once: true });
			const list = this.wakers.get(key);
			if (list) list.push(wake);
			else this.wakers.set(key, [wake]);
		});
	}
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
	try {
		await sleep(ms, undefined, { signal });
	} catch (error) {
		if (signal.aborted) throw new ZohoAbortError();
		throw error;
	}
}
