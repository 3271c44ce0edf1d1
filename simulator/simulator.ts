// ZohoSimulator: the in-process handle tests use to start, drive and inspect the simulator.
import type { Server } from 'node:http';
import { SimCore } from './core';
import {
	bulkReadCallbacks,
	defineCustomView,
	planBulkRead,
	type BulkReadCallbackRecord,
	type BulkReadPlan,
} from './crm-bulk-read';
import { addRecordRule, defineModule } from './crm-metadata';
import { deleteRecords } from './crm-records';
import { Journal, JOURNAL_ENV } from './journal';
import { close, createDcServer, listen } from './server';
import { seedBooks, seedCrm, touchCrm } from './seed';
import { createGrantCode, createRefreshToken, registerClient, revokeRefreshToken } from './tokens';
import { createAsUser } from './user-edits';
import {
	isDcId,
	type BooksProduct,
	type CountersSnapshot,
	type CrmModuleSpec,
	type CrmRecord,
	type CrmRecordRule,
	type DcId,
	type FaultSpec,
	type NotificationChannel,
	type SeedBooksOptions,
	type SeedCrmOptions,
	type SimConfig,
	type TouchCrmOptions,
	type ZohoSimulatorOptions,
} from './types';

export class ZohoSimulator {
	private readonly core: SimCore;
	private readonly basePort: number;
	private readonly servers = new Map<DcId, Server>();
	private readonly tls?: { key: string; cert: string };
	private starting: Promise<void> | undefined;

	constructor(options: ZohoSimulatorOptions = {}) {
		const {
			dataCentres = ['us', 'eu'],
			port = 0,
			tls,
			apiDomains = {},
			journal = process.env[JOURNAL_ENV],
			...config
		} = options;
		if (dataCentres.length === 0) throw new Error('dataCentres must name at least one DC');
		const ids: DcId[] = [];
		for (const id of dataCentres) {
			if (!isDcId(id)) throw new Error(`unknown data centre '${id}'`);
			if (ids.includes(id)) throw new Error(`data centre '${id}' is listed twice`);
			ids.push(id);
		}
		if (!Number.isInteger(port) || port < 0 || port + ids.length - 1 > 65_535)
			throw new Error('port must be 0 or a free base port');
		this.basePort = port;
		this.core = new SimCore(ids);
		this.core.configure(config);
		if (journal) this.core.journal = new Journal(journal);
		this.tls = tls;
		for (const [id, domain] of Object.entries(apiDomains)) {
			if (!isDcId(id) || domain === undefined)
				throw new Error(`apiDomains: unknown data centre '${id}'`);
			this.core.apiDomains.set(id, domain);
		}
	}

	/** The DCs served, in port order. */
	get dataCentres(): DcId[] {
		return [...this.core.dcs.keys()];
	}

	/** Opens one listener per DC on 127.0.0.1. Calling it again is harmless. */
	start(): Promise<void> {
		this.starting ??= this.listenAll();
		return this.starting;
	}

	/** Closes every listener and connection and cancels every pending timer. Idempotent. */
	async stop(): Promise<void> {
		// A failed start already cleaned up after itself and told its caller.
		if (this.starting) await Promise.allSettled([this.starting]);
		this.starting = undefined;
		this.core.clearTimers();
		this.core.notifications.stop();
		const servers = [...this.servers.values()];
		this.servers.clear();
		this.core.origins.clear();
		await Promise.all(servers.map((server) => close(server)));
		for (const dc of this.core.dcs.values()) dc.inFlight = 0;
	}

	/** `http://127.0.0.1:<port>` (https with `tls`) of a DC: accounts server, api_domain and API host in one. */
	url(dc = 'us'): string {
		return this.core.origin(dc);
	}

	now(): number {
		return this.core.now();
	}

	advanceClock(ms: number): void {
		this.core.advanceClock(ms);
	}

	configure(partial: Partial<SimConfig>): SimConfig {
		return this.core.configure(partial);
	}

	getConfig(): SimConfig {
		return { ...this.core.config };
	}

	/**
	 * Runs `send` with every request journaled as deliberately wrong, for `reason`: the
	 * contract check then reports it as expected instead of failing the run.
	 */
	async deliberately<T>(reason: string, send: () => Promise<T>): Promise<T> {
		const before = this.core.deliberate;
		this.core.deliberate = reason;
		try {
			return await send();
		} finally {
			this.core.deliberate = before;
		}
	}

	/** Marks (or with undefined, stops marking) journaled requests as deliberately wrong. */
	markDeliberate(reason: string | undefined): void {
		this.core.deliberate = reason;
	}

	injectFault(spec: FaultSpec): string {
		return this.core.faults.add(spec);
	}

	clearFaults(): void {
		this.core.faults.clear();
	}

	counters(): CountersSnapshot {
		return this.core.counters.snapshot();
	}

	resetCounters(): void {
		this.core.counters.reset();
	}

	/** Access tokens minted for this refresh token since the last counter reset. */
	mintsFor(refreshToken: string): number {
		return this.core.counters.mintsFor(refreshToken);
	}

	registerClient(
		dc: string,
		options: { clientId?: string; clientSecret?: string } = {},
	): { clientId: string; clientSecret: string } {
		const client = registerClient(this.core.dc(dc), options);
		return { clientId: client.clientId, clientSecret: client.clientSecret };
	}

	/** A single-use Self Client grant code. */
	createGrantCode(
		dc: string,
		options: { clientId: string; scopes: string[]; ttlMs?: number },
	): string {
		return createGrantCode(this.core, this.core.dc(dc), options);
	}

	/** A refresh token without the grant-code step (counts toward refreshTokenCap). */
	createRefreshToken(
		dc: string,
		options: { clientId: string; scopes: string[]; token?: string },
	): string {
		return createRefreshToken(this.core, this.core.dc(dc), options).token;
	}

	/** Revokes as the revoke endpoint does; false when the token is unknown. */
	revokeRefreshToken(dc: string, token: string): boolean {
		return revokeRefreshToken(this.core.dc(dc), token);
	}

	/** Adds records to a CRM module; returns their ids, oldest first. */
	seedCrm(dc: string, options: SeedCrmOptions): string[] {
		return seedCrm(this.core, this.core.dc(dc), options);
	}

	/** Modifies a CRM (or Bigin) record now (or at `at`); returns its new Modified_Time. */
	touchCrm(dc: string, options: TouchCrmOptions): string {
		return touchCrm(this.core, this.core.dc(dc), options);
	}

	/** Creates a CRM (or Bigin) record as a user in Zoho would (notification channels hear of it); returns a copy. */
	createCrm(
		dc: string,
		options: { module: string; fields?: Record<string, unknown>; product?: 'crm' | 'bigin' },
	): CrmRecord {
		return createAsUser(this.core, this.core.dc(dc), options);
	}

	/** The notification channels of a DC (one entry per channel and module), expired ones included. */
	notificationChannels(dc: string): NotificationChannel[] {
		return this.core.notifications.list(this.core.dc(dc));
	}

	/** Zoho forgets a channel, as if it had never been enabled; false when it had none. */
	forgetNotificationChannel(dc: string, channelId: string): boolean {
		return this.core.notifications.forget(this.core.dc(dc), channelId);
	}

	/** Resolves once every notification callback due so far has been answered or has failed. */
	notificationsSettled(): Promise<void> {
		return this.core.notifications.settled();
	}

	/**
	 * Deletes CRM (or Bigin) records as a user would in Zoho (now, or at `at`), so they show in
	 * the deleted-records list; `permanent` skips the recycle bin. Returns the ids deleted.
	 */
	deleteCrm(
		dc: string,
		options: {
			module: string;
			ids: string[];
			product?: 'crm' | 'bigin';
			permanent?: boolean;
			at?: number;
		},
	): string[] {
		const removed = deleteRecords(this.core.dc(dc), {
			namespace: options.product ?? 'crm',
			module: options.module,
			ids: options.ids,
			at: options.at ?? this.core.now(),
			...(options.permanent ? { permanent: true } : {}),
			notice: { hub: this.core.notifications, batch: {} },
		});
		return [...removed];
	}

	/** The next Bulk Read job(s) on a DC take `durationMs` of simulator time and/or end in FAILURE. */
	planBulkRead(dc: string, plan: BulkReadPlan): void {
		planBulkRead(this.core.dc(dc), plan);
	}

	/** Bulk Read callbacks made so far on a DC, oldest first. */
	bulkReadCallbacks(dc: string): BulkReadCallbackRecord[] {
		return bulkReadCallbacks(this.core.dc(dc));
	}

	/** A custom view usable as a Bulk Read `cvid`: its criteria in the Bulk Read criteria form. Returns its id. */
	defineCrmCustomView(
		dc: string,
		options: { module: string; criteria: unknown; id?: string },
	): string {
		return defineCustomView(this.core.dc(dc), options);
	}

	/** Adds records to a Books/Inventory/Invoice collection, creating the organisation. */
	seedBooks(dc: string, options: SeedBooksOptions): string[] {
		return seedBooks(this.core, this.core.dc(dc), options);
	}

	/** API credits spent on a DC (its one org) since the last counter reset. */
	credits(dc: string): number {
		return this.core.counters.creditsOf(this.core.dc(dc).id);
	}

	/** Defines a custom module with its fields (or new fields for a built-in one) for `/settings/*` and write checks. */
	defineCrmModule(dc: string, spec: CrmModuleSpec, product: 'crm' | 'bigin' = 'crm'): void {
		defineModule(this.core.dc(dc), { namespace: product, spec });
	}

	/** From now on, writes refuse records whose `field` equals `equals` (an org's validation rule). */
	addCrmRecordRule(dc: string, rule: CrmRecordRule): void {
		addRecordRule(this.core.dc(dc), rule);
	}

	/** A copy of a CRM (or Bigin) module's records, oldest first. */
	records(dc: string, module: string, product: 'crm' | 'bigin' = 'crm'): CrmRecord[] {
		const state = this.core.dc(dc).crm.get(`${product}:${module.toLowerCase()}`);
		return state ? structuredClone(state.records) : [];
	}

	/** A copy of a Books-style collection, oldest first. */
	booksRecords(
		dc: string,
		options: { product?: BooksProduct; organizationId: string; collection: string },
	): Record<string, unknown>[] {
		const org = this.core.dc(dc).booksOrg(options.product ?? 'books', options.organizationId);
		return structuredClone(org?.collections.get(options.collection) ?? []);
	}

	private async listenAll(): Promise<void> {
		try {
			let index = 0;
			for (const dc of this.core.dcs.values()) {
				const server = createDcServer({ core: this.core, dc, tls: this.tls });
				this.servers.set(dc.id, server);
				const port = await listen(server, this.basePort === 0 ? 0 : this.basePort + index);
				this.core.origins.set(dc.id, `${this.tls ? 'https' : 'http'}://127.0.0.1:${port}`);
				index += 1;
			}
		} catch (error: unknown) {
			const servers = [...this.servers.values()];
			this.servers.clear();
			this.core.origins.clear();
			this.starting = undefined;
			await Promise.all(
				servers.filter((server) => server.listening).map((server) => close(server)),
			);
			throw error;
		}
	}
}
