/**
 * The instant trigger's relay inside one process: webhook and consumer run in the same
 * n8n, so a queue per channel, a waiter to wake and a lease flag are all it takes. Also
 * the Redis relay's fallback while Redis is away.
 */
import type { ChannelRelay, ConsumerLease, RelayCall } from './channelRelay';

/** Callbacks kept per channel while no consumer takes them; older ones are dropped (the catch-up reads them). */
export const MAX_QUEUED_CALLBACKS = 10_000;

interface Channel {
	queue: string[];
	wake: Set<() => void>;
	announced?: string;
	state?: string;
	leased: boolean;
}

export class LocalRelay implements ChannelRelay {
	readonly kind = 'memory';
	private readonly channels = new Map<string, Channel>();

	// In memory: the async methods answer at once, as the Redis relay's would.
	async handOver(options: RelayCall & { callback: string }): Promise<void> {
		const channel = this.channel(options.key);
		channel.queue.push(options.callback);
		if (channel.queue.length > MAX_QUEUED_CALLBACKS) channel.queue.shift();
		this.notify(options.key);
	}

	async take(
		options: RelayCall & { max: number; waitMs: number; signal?: AbortSignal },
	): Promise<string[]> {
		if (options.waitMs > 0) await this.waitLocal(options.key, options);
		return this.channel(options.key).queue.splice(0, options.max);
	}

	/** Wakes a consumer waiting on `key` (the Redis relay's handOver in the same process). */
	notify(key: string): void {
		for (const wake of this.channel(key).wake) wake();
	}

	/**
	 * Resolves when a callback is queued or arrives on `key`, the wait is over or the
	 * signal fires; takes nothing (take() and the Redis relay's take wait this way).
	 */
	async waitLocal(key: string, options: { waitMs: number; signal?: AbortSignal }): Promise<void> {
		const channel = this.channel(key);
		if (channel.queue.length > 0 || options.signal?.aborted) return;
		await new Promise<void>((resolve) => {
			const done = () => {
				clearTimeout(timer);
				channel.wake.delete(done);
				options.signal?.removeEventListener('abort', done);
				resolve();
			};
			const timer = setTimeout(done, options.waitMs);
			channel.wake.add(done);
			options.signal?.addEventListener('abort', done, { once: true });
		});
	}

	async announce(options: RelayCall & { channel: string }): Promise<void> {
		this.channel(options.key).announced = options.channel;
	}

	async announced(options: RelayCall): Promise<string | undefined> {
		return this.channels.get(options.key)?.announced;
	}

	async lease(options: RelayCall): Promise<ConsumerLease | undefined> {
		const channel = this.channel(options.key);
		if (channel.leased) return undefined;
		channel.leased = true;
		let released = false;
		return {
			save: async (state: string) => {
				if (!released) channel.state = state;
			},
			lost: () => false,
			release: async () => {
				if (!released) channel.leased = false;
				released = true;
			},
		};
	}

	async loadState(options: RelayCall): Promise<string | undefined> {
		return this.channels.get(options.key)?.state;
	}

	async close(): Promise<void> {
		for (const channel of this.channels.values()) for (const wake of channel.wake) wake();
	}

	private channel(key: string): Channel {
		let channel = this.channels.get(key);
		if (!channel) {
			channel = { queue: [], wake: new Set(), leased: false };
			this.channels.set(key, channel);
		}
		return channel;
	}
}
