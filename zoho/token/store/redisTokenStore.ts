/**
 * The fleet's shared token store in Redis (the one n8n's queue mode already runs): a
 * process looks for a token another process minted, and mints under a lease so one
 * process mints for all. Every key is `<prefix>{<hash>}:<what>`: the hash is the
 * credential's cache key (accounts URL, client id, refresh token hashed), the braces keep
 * one credential's keys in one Redis Cluster slot for the Lua scripts. Values are sealed
 * (sealedToken.ts); client secret and refresh token never leave the process. While Redis
 * is away, this process mints for itself (LocalMinter).
 */
import { randomUUID } from 'node:crypto';

import type { Clock } from '../../clock';
import type { ZohoCredentials } from '../../credentials';
import { pause } from '../../http/wait';
import type { AccessToken } from '../accessToken';
import { isFresh } from '../expiry';
import type { DiscardOptions, ObtainOptions, RefusedOptions, TokenSource } from './tokenSource';
import {
	cooldownError,
	DEFAULT_COOLDOWN,
	isFreshRefusal,
	LocalMinter,
	type CooldownPolicy,
} from './localMinter';
import {
	RELEASE_LEASE,
	RENEW_LEASE,
	StoreUnavailable,
	type RedisClient,
	type RedisLink,
} from '../../redis/redisLink';
import { openToken, sealKeys, sealPrefix, sealToken, tokenFingerprint } from './sealedToken';

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

export interface LeaseTimes {
	/** Lease lifetime; renewed every third of it while the holder mints. */
	leaseMs: number;
	/** How long a process waits for another's mint before minting itself. */
	waitMs: number;
	/** Pause between looks while waiting (jittered up to twice as long). */
	pollMs: number;
}

const DEFAULT_LEASE: LeaseTimes = { leaseMs: 10_000, waitMs: 15_000, pollMs: 50 };

/** One credential's keys (one Cluster slot) and the keys its token is sealed with. */
function credentialKeys(prefix: string, credentials: ZohoCredentials) {
	const base = `${prefix}{${credentials.key}}`;
	return {
		token: `${base}:token`,
		lease: `${base}:lease`,
		refused: `${base}:refused`,
		cooldown: `${base}:cooldown`,
		seal: sealKeys(credentials),
	};
}
type CredentialKeys = ReturnType<typeof credentialKeys>;

export class RedisTokenStore implements TokenSource {
	private readonly lease: LeaseTimes;
	private readonly cooldown: CooldownPolicy;
	private readonly fallback: LocalMinter;
	/** Per credential: the last token Zoho refused to this process, never taken from Redis again. */
	private readonly refusedHere = new Map<string, string>();

	constructor(
		private readonly deps: {
			link: RedisLink;
			clock: Clock;
			prefix: string;
			lease?: Partial<LeaseTimes>;
			cooldown?: CooldownPolicy;
			/** Written into the lease (with a random id), so an operator sees which process holds it, e.g. `host:pid`. */
			owner?: string;
		},
	) {
		this.lease = { ...DEFAULT_LEASE, ...deps.lease };
		this.cooldown = deps.cooldown ?? DEFAULT_COOLDOWN;
		this.fallback = new LocalMinter({ clock: deps.clock, cooldown: this.cooldown });
	}

	async obtain(options: ObtainOptions): Promise<AccessToken> {
		if (!(await this.deps.link.usable(options.logger))) return this.fallback.obtain(options);
		try {
			return await this.obtainShared(options);
		} catch (error) {
			if (error instanceof StoreUnavailable) return this.fallback.obtain(options);
			throw error;
		}
	}

	async refused(options: RefusedOptions): Promise<void> {
		const { credentials, token, logger } = options;
		this.refusedHere.set(credentials.key, token.accessToken);
		// The local book too: it decides while Redis is away.
		await this.fallback.refused(options);
		const keys = credentialKeys(this.deps.prefix, credentials);
		const now = this.deps.clock.now();
		const fresh = isFreshRefusal({ token, now, policy: this.cooldown });
		const args = [
			`${sealPrefix(keys.seal, token.accessToken)}:`,
			tokenFingerprint(keys.seal, token.accessToken),
			fresh ? '1' : '0',
			String(this.cooldown.freshRefusalMs),
			String(this.cooldown.cooldownMs),
			String(now + this.cooldown.cooldownMs),
		];
		await this.deps.link.shared(logger, (client) =>
			client.eval(REFUSED, 3, keys.token, keys.refused, keys.cooldown, ...args),
		);
	}

	async discard(options: DiscardOptions): Promise<void> {
		const { credentials, accessToken, logger } = options;
		if (accessToken !== undefined) this.refusedHere.set(credentials.key, accessToken);
		const keys = credentialKeys(this.deps.prefix, credentials);
		const command =
			accessToken === undefined
				? (client: RedisClient) => client.del(keys.token)
				: (client: RedisClient) =>
						client.eval(DISCARD_IF, 1, keys.token, `${sealPrefix(keys.seal, accessToken)}:`);
		await this.deps.link.shared(logger, command);
	}

	close(): Promise<void> {
		return this.deps.link.close();
	}

	/** Look, else take the lease and mint, else wait and look again; past the wait, mint anyway. */
	private async obtainShared(options: ObtainOptions): Promise<AccessToken> {
		const { credentials, signal, logger } = options;
		const keys = credentialKeys(this.deps.prefix, credentials);
		const polls = Math.ceil(this.lease.waitMs / this.lease.pollMs);
		for (let poll = 0; poll < polls; poll++) {
			const shared = await this.look({ ...options, keys });
			if (shared) return shared;
			const id = `${this.deps.owner ?? 'process'}:${randomUUID()}`;
			const taken = await this.deps.link.run(logger, (client) =>
				client.set(keys.lease, id, 'PX', this.lease.leaseMs, 'NX'),
			);
			if (taken === 'OK') return this.mintUnderLease({ ...options, keys, id });
			await pause(this.lease.pollMs * (1 + Math.random()), { signal });
		}
		// The holder is alive (it renews) but slow: the lease saves mints, it must not stop work.
		return this.mintShared({ ...options, keys });
	}

	private async mintUnderLease(
		options: ObtainOptions & { keys: CredentialKeys; id: string },
	): Promise<AccessToken> {
		const { keys, id, logger } = options;
		const renew = setInterval(
			() => {
				this.deps.link.quietly(logger, (client) =>
					client.eval(RENEW_LEASE, 1, keys.lease, id, String(this.lease.leaseMs)),
				);
			},
			Math.max(1, Math.floor(this.lease.leaseMs / 3)),
		);
		renew.unref();
		try {
			// Another process may have minted between our look and our lease.
			const shared = await this.look(options);
			return shared ?? (await this.mintShared(options));
		} finally {
			clearInterval(renew);
			this.deps.link.quietly(logger, (client) => client.eval(RELEASE_LEASE, 1, keys.lease, id));
		}
	}

	/** The shared token if fresh (and not one Zoho refused to us); throws while a cool-down lasts. */
	private async look(
		options: ObtainOptions & { keys: CredentialKeys },
	): Promise<AccessToken | undefined> {
		const { keys, credentials } = options;
		const [sealed, cooldownUntil] = await this.deps.link.run(options.logger, (client) =>
			client.mget(keys.token, keys.cooldown),
		);
		const now = this.deps.clock.now();
		if (sealed && !options.force) {
			const token = openToken({ keys: keys.seal, sealed, aad: keys.token });
			if (
				token &&
				isFresh(token, now) &&
				this.refusedHere.get(credentials.key) !== token.accessToken
			)
				return token;
		}
		if (cooldownUntil) {
			const until = Number(cooldownUntil);
			if (Number.isFinite(until) && now < until) throw cooldownError({ until, now });
		}
		return undefined;
	}

	/**
	 * A new token from Zoho, written for the others with a lifetime matching its expiry; a
	 * failure to write only means others mint for themselves.
	 */
	private async mintShared(
		options: ObtainOptions & { keys: CredentialKeys },
	): Promise<AccessToken> {
		const { keys } = options;
		const token = await options.mint(options.signal);
		const ttl = token.expiresAt - this.deps.clock.now();
		if (ttl <= 0) return token;
		const sealed = sealToken({ keys: keys.seal, token, aad: keys.token });
		await this.deps.link.shared(options.logger, (client) =>
			client.set(keys.token, sealed, 'PX', ttl),
		);
		return token;
	}
}
