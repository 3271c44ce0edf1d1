/**
 * Token lifetime arithmetic: pure functions of `now`, so every rule is testable
 * without waiting.
 */
export const DEFAULT_EARLY_REFRESH_MS = 5 * 60_000;
const DEFAULT_LIFETIME_S = 3600;
/** Zoho access tokens live an hour; anything claiming more than a day is not trusted. */
export const MAX_LIFETIME_S = 86_400;

export interface TokenTimes {
	/** When the token request was sent (ms since epoch). */
	issuedAt: number;
	/** Absolute expiry (ms since epoch). */
	expiresAt: number;
}

/**
 * Lifetime in seconds from a token answer. Prefers the legacy `expires_in_sec`
 * (whose sibling `expires_in` is in milliseconds), caps at one day.
 */
export function lifetimeSeconds(
	/** The token answer's lifetime fields (tokenSuccessSchema). */
	body: { expires_in?: number; expires_in_sec?: number },
): number {
	let seconds = body.expires_in_sec ?? body.expires_in ?? DEFAULT_LIFETIME_S;
	if (
		body.expires_in_sec === undefined &&
		seconds > MAX_LIFETIME_S &&
		seconds / 1000 <= MAX_LIFETIME_S
	) {
		seconds = seconds / 1000; // a bare millisecond `expires_in`
	}
	if (!(seconds > 0)) return DEFAULT_LIFETIME_S;
	return Math.min(seconds, MAX_LIFETIME_S);
}

/** Expiry counted from the moment the request was sent, never from when the answer arrived. */
export function tokenTimes(options: { sentAt: number; lifetimeS: number }): TokenTimes {
	return { issuedAt: options.sentAt, expiresAt: options.sentAt + options.lifetimeS * 1000 };
}

/**
 * When to stop using a token: `earlyRefreshMs` before expiry, but for short
 * lifetimes no later than half-way through.
 */
export function refreshDueAt(times: TokenTimes, earlyRefreshMs = DEFAULT_EARLY_REFRESH_MS): number {
	const lifetime = times.expiresAt - times.issuedAt;
	return times.expiresAt - Math.min(earlyRefreshMs, lifetime / 2);
}

/** A token is usable if refresh is not yet due and the clock has not gone backwards past its issue time. */
export function isFresh(
	times: TokenTimes,
	now: number,
	earlyRefreshMs = DEFAULT_EARLY_REFRESH_MS,
): boolean {
	if (now < times.issuedAt) return false;
	return now < refreshDueAt(times, earlyRefreshMs);
}

export function secondsLeft(times: TokenTimes, now: number): number {
	return Math.max(0, Math.floor((times.expiresAt - now) / 1000));
}
