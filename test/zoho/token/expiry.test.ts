// Token lifetime arithmetic (zoho/expiry.ts): pure functions of `now`.
import {
	DEFAULT_EARLY_REFRESH_MS,
	isFresh,
	lifetimeSeconds,
	MAX_LIFETIME_S,
	refreshDueAt,
	secondsLeft,
	tokenTimes,
} from '../../../zoho/token/expiry';

const HOUR_MS = 3_600_000;
const T0 = Date.UTC(2024, 4, 1, 10, 0, 0);

describe('lifetimeSeconds', () => {
	it.each([
		['current shape, seconds', { expires_in: 3600 }, 3600],
		[
			'legacy shape: expires_in_sec wins over the millisecond expires_in',
			{ expires_in_sec: 3600, expires_in: 3_600_000 },
			3600,
		],
		[
			'expires_in_sec is preferred even when expires_in disagrees',
			{ expires_in_sec: 1800, expires_in: 3_600_000 },
			1800,
		],
		['a bare millisecond expires_in', { expires_in: 3_600_000 }, 3600],
		['nothing said: an hour', {}, 3600],
		['zero is not a lifetime: an hour', { expires_in: 0 }, 3600],
		[
			'expires_in_sec over a day is capped',
			{ expires_in_sec: 200_000, expires_in: 200_000_000 },
			MAX_LIFETIME_S,
		],
		['a huge expires_in is capped', { expires_in: 1e12 }, MAX_LIFETIME_S],
		['exactly a day is kept', { expires_in: 86_400 }, 86_400],
		['a short lifetime is kept', { expires_in: 20 }, 20],
	])('%s', (_name, body, expected) => {
		expect(lifetimeSeconds(body)).toBe(expected);
	});

	it('never exceeds one day', () => {
		expect(MAX_LIFETIME_S).toBe(86_400);
		for (const value of [86_401, 500_000, 86_400_001, 1e9, 1e15]) {
			expect(lifetimeSeconds({ expires_in: value })).toBeLessThanOrEqual(MAX_LIFETIME_S);
			expect(lifetimeSeconds({ expires_in_sec: value })).toBeLessThanOrEqual(MAX_LIFETIME_S);
		}
	});
});

describe('tokenTimes', () => {
	it('counts the lifetime from when the request was sent', () => {
		expect(tokenTimes({ sentAt: T0, lifetimeS: 3600 })).toEqual({
			issuedAt: T0,
			expiresAt: T0 + HOUR_MS,
		});
	});
});

describe('refreshDueAt', () => {
	it('is five minutes before expiry by default', () => {
		expect(DEFAULT_EARLY_REFRESH_MS).toBe(300_000);
		expect(refreshDueAt({ issuedAt: T0, expiresAt: T0 + HOUR_MS })).toBe(T0 + HOUR_MS - 300_000);
	});

	it('honours another early-refresh margin', () => {
		expect(refreshDueAt({ issuedAt: T0, expiresAt: T0 + HOUR_MS }, 60_000)).toBe(
			T0 + HOUR_MS - 60_000,
		);
	});

	it('is no later than half-way through a short lifetime', () => {
		expect(refreshDueAt({ issuedAt: T0, expiresAt: T0 + 20_000 })).toBe(T0 + 10_000);
		expect(refreshDueAt({ issuedAt: T0, expiresAt: T0 + 8 * 60_000 })).toBe(T0 + 4 * 60_000);
		// Ten minutes: half-way and five minutes early are the same moment.
		expect(refreshDueAt({ issuedAt: T0, expiresAt: T0 + 10 * 60_000 })).toBe(T0 + 5 * 60_000);
	});
});

describe('isFresh', () => {
	const times = { issuedAt: T0, expiresAt: T0 + HOUR_MS };
	const due = T0 + HOUR_MS - 300_000;

	it('is fresh from issue until refresh is due', () => {
		expect(isFresh(times, T0)).toBe(true);
		expect(isFresh(times, T0 + 30 * 60_000)).toBe(true);
		expect(isFresh(times, due - 1)).toBe(true);
	});

	it('is stale from the moment refresh is due, and after expiry', () => {
		expect(isFresh(times, due)).toBe(false);
		expect(isFresh(times, T0 + HOUR_MS)).toBe(false);
		expect(isFresh(times, T0 + 2 * HOUR_MS)).toBe(false);
	});

	it('is stale when the clock went backwards past the issue time', () => {
		expect(isFresh(times, T0 - 1)).toBe(false);
		expect(isFresh(times, T0 - HOUR_MS)).toBe(false);
	});

	it('uses the given margin', () => {
		expect(isFresh(times, T0 + HOUR_MS - 120_000, 60_000)).toBe(true);
		expect(isFresh(times, T0 + HOUR_MS - 60_000, 60_000)).toBe(false);
	});
});

describe('secondsLeft', () => {
	it('counts whole seconds to expiry and never goes negative', () => {
		const times = { issuedAt: T0, expiresAt: T0 + HOUR_MS };
		expect(secondsLeft(times, T0)).toBe(3600);
		expect(secondsLeft(times, T0 + 1_500)).toBe(3598);
		expect(secondsLeft(times, T0 + 2 * HOUR_MS)).toBe(0);
	});
});
