/**
 * The mint cool-down, kept by every token source: Zoho refusing (401) two different
 * tokens each within moments of their minting means minting more would only burn the
 * refresh token's budget (10 per 10 minutes), so minting stops for a while.
 */
import type { AccessToken } from '../token/accessToken';
import { ZohoAuthError } from '../errors';

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

/** Per credential: the last token refused right after its minting, and the end of a cool-down. */
export class CooldownBook {
	private readonly lastRefusal = new Map<string, { accessToken: string; at: number }>();
	private readonly until = new Map<string, number>();

	constructor(private readonly policy: CooldownPolicy) {}

	/** Throws the cool-down error while one lasts for `key`. */
	assertMayMint(key: string, now: number): void {
		const until = this.until.get(key);
		if (until === undefined) return;
		if (now < until) throw cooldownError({ until, now });
		this.until.delete(key);
	}

	refused(options: { key: string; token: AccessToken; now: number }): void {
		const { key, token, now } = options;
		if (!isFreshRefusal({ token, now, policy: this.policy })) return;
		const last = this.lastRefusal.get(key);
		if (
			last &&
			last.accessToken !== token.accessToken &&
			now - last.at < this.policy.freshRefusalMs
		) {
			this.until.set(key, now + this.policy.cooldownMs);
		}
		this.lastRefusal.set(key, { accessToken: token.accessToken, at: now });
	}
}
