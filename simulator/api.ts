// The API gateway in front of every product: token, route, scope, then rate limits.
import { matchBooks } from './books';
import { matchCrm } from './crm';
import { invalidToken, invalidUrl, scopeMismatch, tooManyRequests } from './errors';
import type { Exchange } from './exchange';
import { countsAgainstSubConcurrency, creditsOf } from './limits';
import { matchProducts } from './products';
import { ScopeSet } from './scopes';
import type { AccessTokenState } from './state';
import { resolveAccessToken } from './tokens';

/** API credits are counted per DC over a rolling 24 hours of simulator clock. */
const CREDIT_WINDOW_MS = 24 * 60 * 60 * 1000;
const CREDITS_HEADER = 'X-API-CREDITS-REMAINING';

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
		ex.json(429, tooManyRequests(refusal.message), {
			...(retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {}),
			...(refusal.creditsSpent ? { [CREDITS_HEADER]: '0' } : {}),
		});
		return;
	}
	const dc = ex.dc;
	const sub = countsAgainstSubConcurrency(ex);
	dc.inFlight += 1;
	if (sub) dc.subInFlight += 1;
	const credits = creditsOf(ex, route);
	dc.spendCredits({ at: ex.core.now(), credits });
	ex.core.counters.recordCredits(dc.id, credits);
	ex.core.counters.recordInFlight(dc.inFlight);
	const remaining = creditsRemainingHeader(ex);
	if (remaining) ex.res.setHeader(...remaining);
	try {
		await ex.core.sleep(ex.core.config.apiLatencyMs);
		await route.handle(ex);
	} finally {
		dc.inFlight -= 1;
		if (sub) dc.subInFlight -= 1;
	}
}

/**
 * X-API-CREDITS-REMAINING, which Zoho sends once half the day's credits are used (api-limits
 * page, as quoted by the fact sheet); none without a budget.
 */
function creditsRemainingHeader(ex: Exchange): [string, string] | undefined {
	const budget = ex.core.config.creditBudget;
	if (!Number.isFinite(budget) || ex.dc.creditsUsed * 2 < budget) return undefined;
	return [CREDITS_HEADER, String(Math.max(0, budget - ex.dc.creditsUsed))];
}

function bearerToken(ex: Exchange): AccessTokenState | undefined {
	const header = ex.header('authorization');
	const match = header ? /^(?:Zoho-oauthtoken|Bearer)\s+(\S+)\s*$/i.exec(header) : null;
	const token = match?.[1];
	return token ? resolveAccessToken(ex.core, ex.dc, token) : undefined;
}

/**
 * The reason to refuse with 429, or undefined when the call may go ahead. Zoho's status-codes
 * page gives 429 TOO_MANY_REQUESTS for a spent budget and for concurrency alike and documents
 * no message for either: the texts are ours, and a spent budget says so with
 * X-API-CREDITS-REMAINING: 0 (our choice, an open question in docs/zoho-conformance.md).
 */
function rateLimitRefusal(ex: Exchange): { message: string; creditsSpent?: true } | undefined {
	const { dc, core } = ex;
	if (dc.inFlight >= core.config.concurrencyLimit) {
		return {
			message:
				'The number of concurrent requests has exceeded the allowed limit. Please try again later.',
		};
	}
	if (dc.subInFlight >= core.config.subConcurrencyLimit && countsAgainstSubConcurrency(ex)) {
		return {
			message:
				'The number of concurrent requests for this API has exceeded the allowed limit. Please try again later.',
		};
	}
	// Credits of calls older than 24 hours age out (a rolling window, api-limits page).
	dc.forgetCreditsBefore(core.now() - CREDIT_WINDOW_MS);
	if (dc.creditsUsed >= core.config.creditBudget) {
		return {
			message: 'You have exceeded the API credits allowed for the day. Please try again later.',
			creditsSpent: true,
		};
	}
	return undefined;
}
