// Default limits (see shared/zoho.md) and validation of partial configuration.
import type { SimConfig } from './types';

export const DEFAULT_CONFIG: Readonly<SimConfig> = {
	tokenLifetimeSec: 3600,
	mintLimit: 10,
	mintWindowMs: 600_000,
	liveTokenCap: 15,
	refreshTokenCap: 20,
	grantCodeTtlMs: 180_000,
	legacyExpiresShape: false,
	apiLatencyMs: 0,
	concurrencyLimit: Infinity,
	// Zoho's is 10 in every edition (limits.ts); off by default like the edition's limit.
	subConcurrencyLimit: Infinity,
	creditBudget: Infinity,
	retryAfterSec: undefined,
	notModifiedStatus: 304,
	notifyDelayMs: 0,
	// Zoho does not document how long it waits for a notify URL; ten seconds is our choice.
	notifyTimeoutMs: 10_000,
	bulkReadJobMs: 2_000,
	bulkReadPageSize: 200_000,
	bulkReadDownloadsPerMinute: 10,
	bulkReadMaxJobs: Infinity,
	bulkReadJobCredits: 50,
	recycleBinDays: 60,
	pageTokenRecordLimit: 100_000,
};

/** Keys that must be at least 1 (a cap of 0 would make the simulator useless). */
const POSITIVE_KEYS = new Set([
	'tokenLifetimeSec',
	'mintLimit',
	'mintWindowMs',
	'liveTokenCap',
	'refreshTokenCap',
	'bulkReadPageSize',
	'bulkReadDownloadsPerMinute',
	'bulkReadMaxJobs',
	'pageTokenRecordLimit',
]);
/** Keys where JSON `null` means "no limit" (JSON cannot carry Infinity). */
const UNLIMITED_KEYS = new Set([
	'concurrencyLimit',
	'subConcurrencyLimit',
	'creditBudget',
	'bulkReadMaxJobs',
]);

/**
 * Returns `current` with `partial` applied. Throws on unknown keys or bad values so a
 * typo in a test fails loudly instead of silently testing the defaults.
 */
export function mergeConfig(current: SimConfig, partial: Record<string, unknown>): SimConfig {
	const next: SimConfig = { ...current };
	for (const [key, raw] of Object.entries(partial)) {
		if (!(key in DEFAULT_CONFIG)) throw new Error(`unknown simulator config key: ${key}`);
		// An explicit undefined clears retryAfterSec and leaves every other key alone.
		if (raw === undefined && key !== 'retryAfterSec') continue;
		if (key === 'legacyExpiresShape') {
			if (typeof raw !== 'boolean') throw new Error('legacyExpiresShape must be a boolean');
			next.legacyExpiresShape = raw;
			continue;
		}
		if (key === 'notModifiedStatus') {
			if (raw !== 304 && raw !== 204) throw new Error('notModifiedStatus must be 304 or 204');
			next.notModifiedStatus = raw;
			continue;
		}
		if (key === 'retryAfterSec') {
			if (raw === undefined || raw === null) next.retryAfterSec = undefined;
			else next.retryAfterSec = checkNumber(key, raw);
			continue;
		}
		const value = raw === null && UNLIMITED_KEYS.has(key) ? Infinity : checkNumber(key, raw);
		if (POSITIVE_KEYS.has(key) && value < 1) throw new Error(`${key} must be at least 1`);
		(next as unknown as Record<string, number>)[key] = value;
	}
	return next;
}

function checkNumber(key: string, raw: unknown): number {
	if (typeof raw !== 'number' || Number.isNaN(raw) || raw < 0) {
		throw new Error(`${key} must be a non-negative number`);
	}
	return raw;
}
