// The API gateway in front of every product: token, route, scope, then rate limits.
import { matchBooks } from './books';
import { matchCrm } from './crm';
import { invalidToken, invalidUrl, scopeMismatch, tooManyRequests } from './errors';
import type { Exchange } from './exchange';
import { matchProducts } from './products';
import { ScopeSet } from './scopes';
import type { AccessTokenState } from './state';
import { resolveAccessToken } from './tokens';

/** API credits are counted per DC over 24 hours of simulator clock. */
const CREDIT_WINDOW_MS = 24 * 60 * 60 * 1000;

export async function handleApi(ex: Exchange): Promise<void> {
	const access = bearerToken(ex);
	if (!access) {
		ex.json(401, invalidToken());
		return;
	}
	const route = matchCrm(ex) ?? matchBooks(ex) ?? matchProducts(ex);
	if (!route) {
		ex.json(404, invalidUrl());
		return;
	}
	if (!route.allowed(new ScopeSet(access.scopes))) {
		ex.json(401, scopeMismatch());
		return;
	}
	const refusal = rateLimitRefusal(ex);
	if (refusal) {
		const retryAfter = ex.core.config.retryAfterSec;
		ex.json(
			429,
			tooManyRequests(refusal),
			retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {},
		);
		return;
	}
	const dc = ex.dc;
	dc.inFlight += 1;
	const credits = route.credits ?? 1;
	dc.creditsUsed += credits;
	ex.core.counters.recordCredits(dc.id, credits);
	ex.core.counters.recordInFlight(dc.inFlight);
	try {
		await ex.core.sleep(ex.core.config.apiLatencyMs);
		await route.handle(ex);
	} finally {
		dc.inFlight -= 1;
	}
}

function bearerToken(ex: Exchange): AccessTokenState | undefined {
	const header = ex.header('authorization');
	const match = header ? /^(?:Zoho-oauthtoken|Bearer)\s+(\S+)\s*$/i.exec(header) : null;
	const token = match?.[1];
	return token ? resolveAccessToken(ex.core, ex.dc, token) : undefined;
}

/** The reason to refuse with 429, or undefined when the call may go ahead. */
function rateLimitRefusal(ex: Exchange): string | undefined {
	const { dc, core } = ex;
	if (dc.inFlight >= core.config.concurrencyLimit) {
		return 'The number of concurrent requests has exceeded the allowed limit. Please try again later.';
	}
	const now = core.now();
	if (now - dc.creditWindowStart >= CREDIT_WINDOW_MS) {
		dc.creditWindowStart = now;
		dc.creditsUsed = 0;
	}
	if (dc.creditsUsed >= core.config.creditBudget) {
		return 'You have exceeded the API credits allowed for the day. Please try again later.';
	}
	return undefined;
}
