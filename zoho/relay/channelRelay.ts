/**
 * How an instant trigger's parts meet across n8n processes. Zoho's callbacks reach
 * `webhook()` on whichever process serves webhooks; one consumer (`trigger()`, on n8n's
 * leader) turns them into executions. The relay carries the callbacks to it, keeps a
 * second consumer out during a leader change (the lease), keeps what the consumer has
 * done for the next one, and passes on the channel's notify URL, which only the webhook
 * side can read from n8n. In one process it is memory; in a fleet, the Redis the token
 * store uses (localRelay.ts, redisRelay.ts beside it, built by runtime.ts). Payloads are JSON text: the relay knows
 * nothing of their shape.
 */
import type { Logger } from '../logger';

export interface RelayCall {
	/** One trigger's channel (see channelIdentity): its queue, lease, state and announcement. */
	key: string;
	logger?: Logger;
}

export interface ChannelRelay {
	readonly kind: 'memory' | 'redis';
	/** Queues a checked callback for the consumer (in this process when the fleet's store is away). */
	handOver(options: RelayCall & { callback: string }): Promise<void>;
	/**
	 * The callbacks queued so far, oldest first (at most `max`), waiting up to `waitMs`
	 * for the first one; none when none came or the signal fired.
	 */
	take(
		options: RelayCall & { max: number; waitMs: number; signal?: AbortSignal },
	): Promise<string[]>;
	/** What the webhook side knows of the channel (its notify URL, Zoho's expiry: webhookMethods), for the consumer. */
	announce(options: RelayCall & { channel: string }): Promise<void>;
	announced(options: RelayCall): Promise<string | undefined>;
	/** The consumer lease, or undefined while another consumer holds it. */
	lease(options: RelayCall): Promise<ConsumerLease | undefined>;
	/** The state the last consumer saved under its lease. */
	loadState(options: RelayCall): Promise<string | undefined>;
	close(): Promise<void>;
}

export interface ConsumerLease {
	/** Keeps `state` for the next consumer; only while the lease is held. */
	save(state: string): Promise<void>;
	/** True once another consumer may have taken over (the lease could not be kept). */
	lost(): boolean;
	release(): Promise<void>;
}
