// Exact counts of what reached the simulator, so tests can assert caching and retries.
import type {
	AuthorizationHeaderRecord,
	CallRecord,
	CountersSnapshot,
	NotificationDelivery,
	WriteRecord,
} from './types';

export class Counters {
	private mints = new Map<string, number>();
	private mintsTotal = 0;
	private tokenRequests = 0;
	private outcomes = new Map<string, number>();
	private revokes = 0;
	private calls: CallRecord[] = [];
	private byPathStatus = new Map<string, number>();
	private authorizationHeaders: AuthorizationHeaderRecord[] = [];
	private maxInFlight = 0;
	private credits = new Map<string, number>();
	private writes: WriteRecord[] = [];
	private deliveries: NotificationDelivery[] = [];

	/** `activeChannels` is a state, not a count: the notification channels report it when asked. */
	constructor(private readonly gauges: { activeChannels: () => number }) {}

	recordMint(refreshToken: string | undefined): void {
		this.mintsTotal += 1;
		if (refreshToken !== undefined)
			this.mints.set(refreshToken, (this.mints.get(refreshToken) ?? 0) + 1);
	}

	mintsFor(refreshToken: string): number {
		return this.mints.get(refreshToken) ?? 0;
	}

	recordTokenRequest(): void {
		this.tokenRequests += 1;
	}

	recordTokenOutcome(outcome: string): void {
		this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
	}

	recordRevoke(): void {
		this.revokes += 1;
	}

	recordCall(call: CallRecord): void {
		this.calls.push(call);
		const key = `${call.method} ${call.path} ${call.status}`;
		this.byPathStatus.set(key, (this.byPathStatus.get(key) ?? 0) + 1);
	}

	recordAuthorization(record: AuthorizationHeaderRecord): void {
		this.authorizationHeaders.push(record);
	}

	recordInFlight(inFlight: number): void {
		if (inFlight > this.maxInFlight) this.maxInFlight = inFlight;
	}

	recordCredits(dc: string, credits: number): void {
		this.credits.set(dc, (this.credits.get(dc) ?? 0) + credits);
	}

	creditsOf(dc: string): number {
		return this.credits.get(dc) ?? 0;
	}

	recordWrite(write: WriteRecord): void {
		this.writes.push(write);
	}

	recordDelivery(delivery: NotificationDelivery): void {
		this.deliveries.push(delivery);
	}

	/** A copy: later requests do not change a snapshot a test holds. */
	snapshot(): CountersSnapshot {
		return {
			mints: Object.fromEntries(this.mints),
			mintsTotal: this.mintsTotal,
			tokenRequests: this.tokenRequests,
			tokenRequestsByOutcome: Object.fromEntries(this.outcomes),
			revokes: this.revokes,
			calls: this.calls.map((call) => ({ ...call })),
			callsByPathStatus: Object.fromEntries(this.byPathStatus),
			authorizationHeaders: this.authorizationHeaders.map((record) => ({ ...record })),
			maxInFlight: this.maxInFlight,
			credits: Object.fromEntries(this.credits),
			writes: this.writes.map((write) => ({ ...write })),
			notifications: {
				delivered: this.deliveries.filter((delivery) => isSuccess(delivery.status)).length,
				failed: this.deliveries.filter((delivery) => !isSuccess(delivery.status)).length,
				activeChannels: this.gauges.activeChannels(),
				deliveries: this.deliveries.map((delivery) => ({ ...delivery, ids: [...delivery.ids] })),
			},
		};
	}

	reset(): void {
		this.mints = new Map();
		this.mintsTotal = 0;
		this.tokenRequests = 0;
		this.outcomes = new Map();
		this.revokes = 0;
		this.calls = [];
		this.byPathStatus = new Map();
		this.authorizationHeaders = [];
		this.maxInFlight = 0;
		this.credits = new Map();
		this.writes = [];
		this.deliveries = [];
	}
}

function isSuccess(status: number): boolean {
	return status >= 200 && status < 300;
}
