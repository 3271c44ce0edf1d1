/**
 * ZOHO_TOKEN_STORE=memory (and the default outside queue mode): every process mints its
 * own tokens, and its token cache (in front) makes that one mint per process per hour.
 * Nothing is stored here; only the mint cool-down is kept, which the Redis store keeps
 * too: Zoho refusing (401) two different tokens each within moments of their minting
 * means minting more would only burn the refresh token's budget (10 per 10 minutes), so
 * minting stops for a while.
 */
import type { Clock } from '../../clock';
import { ZohoAuthError } from '../../errors';
import type { AccessToken } from '../accessToken';
import type { ObtainOptions, RefusedOptions, TokenSource } from './tokenSource';

export interface CooldownPolicy {
	/** A token refused within this long after its minting counts as refused "right after mint". */
	freshRefusalMs: number;
	/** How long minting stops after the second such refusal in a row. */
	cooldownMs: number;
}

export const DEFAULT_COOLDOWN: CooldownPolicy = { freshRefusalMs: 60_000, cooldownMs: 5 * 60_000 };

export function isFreshRefusal(options: {
	token: AccessToken;
	now: number;
	policy: CooldownPolicy;
}): boolean {
	const age = options.now - options.token.issuedAt;
	return age >= 0 && age < options.policy.freshRefusalMs;
}

/** What every execution gets while the cool-down lasts. */
export function cooldownError(options: { until: number; now: number }): ZohoAuthError {
	const seconds = Math.max(1, Math.ceil((options.until - options.now) / 1000));
	return new ZohoAuthError(
		'TOKEN_COOLDOWN',
		`Zoho refused two access tokens right after issuing them (401 INVALID_TOKEN), so no new token is requested for this credential until ${new Date(options.until).toISOString()} (${seconds} s).`,
		{
			retryAfterMs: seconds * 1000,
			hint:
				"Every new token counts against Zoho's limit of 10 per refresh token in 10 minutes; asking again now would only use it up. " +
				'Check that the Data Centre and the API host belong together, that the refresh token was not revoked, and that no other app mints tokens with the same refresh token ' +
				'(Zoho keeps 15 live tokens per refresh token and drops the oldest). Runs after the cool-down try again.',
		},
	);
}

export class LocalMinter implements TokenSource {
	private readonly clock: Clock;
	private readonly policy: CooldownPolicy;
	/** Per credential: the last token refused right after its minting. */
	private readonly lastRefusal = new Map<string, { accessToken: string; at: number }>();
	/** Per credential: the end of a cool-down. */
	private readonly until = new Map<string, number>();

	constructor(options: { clock: Clock; cooldown?: CooldownPolicy }) {
		this.clock = options.clock;
		this.policy = options.cooldown ?? DEFAULT_COOLDOWN;
	}

	obtain(options: ObtainOptions): Promise<AccessToken> {
		const key = options.credentials.key;
		const until = this.until.get(key);
		const now = this.clock.now();
		if (until !== undefined && now < until) throw cooldownError({ until, now });
		this.until.delete(key);
		return options.mint(options.signal);
	}

	refused(options: RefusedOptions): Promise<void> {
		const { credentials, token } = options;
		const now = this.clock.now();
		if (!isFreshRefusal({ token, now, policy: this.policy })) return Promise.resolve();
		const last = this.lastRefusal.get(credentials.key);
		if (
			last &&
			last.accessToken !== token.accessToken &&
			now - last.at < this.policy.freshRefusalMs
		)
			this.until.set(credentials.key, now + this.policy.cooldownMs);
		this.lastRefusal.set(credentials.key, { accessToken: token.accessToken, at: now });
		return Promise.resolve();
	}

	discard(): Promise<void> {
		// Nothing shared: the TokenCache in front already dropped its entry.
		return Promise.resolve();
	}

	close(): Promise<void> {
		return Promise.resolve();
	}
}
