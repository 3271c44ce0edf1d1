// The simulator's shared state: clock, config, DCs, counters, faults and timers.
import { DEFAULT_CONFIG, mergeConfig } from './config';
import { Counters } from './counters';
import { FaultStore } from './faults';
import { NotificationHub } from './notifications';
import type { Journal } from './journal';
import { DcState } from './state';
import { isDcId, type DcId, type SimConfig } from './types';

export class SimCore {
	config: SimConfig = { ...DEFAULT_CONFIG };
	readonly dcs = new Map<DcId, DcState>();
	readonly counters: Counters = new Counters({
		activeChannels: (): number => this.notifications.activeChannels(),
	});
	readonly faults = new FaultStore();
	/** Notification channels (`actions/watch`) and their callbacks. */
	readonly notifications: NotificationHub = new NotificationHub({
		now: () => this.now(),
		config: () => this.config,
		apiDomain: (dc) => this.apiDomain(dc),
		counters: this.counters,
		sleep: (ms) => this.sleep(ms),
	});
	/** Origin of each DC once its listener is up. */
	readonly origins = new Map<DcId, string>();
	/** api_domain of each DC's token answers, where it is not the listener's origin. */
	readonly apiDomains = new Map<DcId, string>();
	/** Where API requests are journaled, when they are. */
	journal: Journal | undefined;
	/** While set, journaled requests are marked as sent wrong on purpose, for this reason. */
	deliberate: string | undefined;
	private clockOffset = 0;
	private readonly timers = new Set<NodeJS.Timeout>();

	constructor(dataCentres: readonly DcId[]) {
		for (const id of dataCentres) this.dcs.set(id, new DcState(id));
	}

	/** Applies a partial config; a new creditBudget starts counting credits afresh. */
	configure(partial: Record<string, unknown>): SimConfig {
		this.config = mergeConfig(this.config, partial);
		if ('creditBudget' in partial) {
			for (const dc of this.dcs.values()) dc.forgetCredits();
		}
		return { ...this.config };
	}

	now(): number {
		return Date.now() + this.clockOffset;
	}

	advanceClock(ms: number): void {
		if (!Number.isFinite(ms) || ms < 0)
			throw new Error('advanceClock needs a non-negative number of ms');
		this.clockOffset += ms;
	}

	/** A wait that stop() can cancel, so no timer outlives the simulator. */
	sleep(ms: number): Promise<void> {
		if (ms <= 0) return Promise.resolve();
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				resolve();
			}, ms);
			this.timers.add(timer);
		});
	}

	clearTimers(): void {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
	}

	dc(id: string): DcState {
		const state = isDcId(id) ? this.dcs.get(id) : undefined;
		if (!state) throw new Error(`data centre '${id}' is not served by this simulator`);
		return state;
	}

	apiDomain(id: DcId): string {
		return this.apiDomains.get(id) ?? this.origin(id);
	}

	origin(id: string): string {
		const origin = isDcId(id) ? this.origins.get(id) : undefined;
		if (!origin) throw new Error(`data centre '${id}' has no listener: call start() first`);
		return origin;
	}
}
