// Everything one data centre knows. Nothing here is shared between DCs, which is what
// makes a token of one DC unknown on another.
import { IdSequence } from './ids';
import { DC_IDS, type CrmRecord, type CrmRecordRule, type DcId, type ModuleMeta } from './types';

export interface ClientState {
	clientId: string;
	clientSecret: string;
	/** Refresh tokens of this client, oldest first (for the refresh-token cap). */
	refreshTokens: string[];
}

export interface GrantCodeState {
	code: string;
	clientId: string;
	scopes: string[];
	expiresAt: number;
}

export interface RefreshTokenState {
	token: string;
	clientId: string;
	scopes: string[];
	/** Times of recent mints, oldest first; pruned to the throttle window. */
	mintLog: number[];
	/** Access tokens still alive, oldest first (for the live-token cap). */
	live: string[];
}

export interface AccessTokenState {
	token: string;
	/** Absent for client-credentials tokens, which have no refresh token. */
	refreshToken?: string;
	scopes: string[];
	expiresAt: number;
}

export interface AttachmentState {
	id: string;
	fileName: string;
	contentType: string;
	data: Buffer;
	createdTime: string;
}

export interface CrmModuleState {
	/** The module name as first used, e.g. 'Leads'. */
	apiName: string;
	/** Insertion order; lists show them newest first. */
	records: CrmRecord[];
	byId: Map<string, CrmRecord>;
	attachments: Map<string, AttachmentState[]>;
	/** Cache of whether `records` are in ascending id order, valid while records.length === idsAscendingAt. */
	idsAscending: boolean;
	idsAscendingAt: number;
}

export interface PageTokenState {
	moduleKey: string;
	offset: number;
	perPage: number;
	modifiedSince?: number;
	/** The request's other parameters, which later calls must repeat unchanged. */
	binding: string;
	/** The order the listing was asked in; absent for Zoho's default (id, descending). */
	sort?: { by: 'id' | 'Created_Time' | 'Modified_Time'; order: 'asc' | 'desc' };
	expiresAt: number;
}

export interface BooksOrgState {
	organizationId: string;
	name: string;
	collections: Map<string, Record<string, unknown>[]>;
}

export class DcState {
	readonly clients = new Map<string, ClientState>();
	readonly grantCodes = new Map<string, GrantCodeState>();
	readonly refreshTokens = new Map<string, RefreshTokenState>();
	readonly accessTokens = new Map<string, AccessTokenState>();
	/** Keyed `<namespace>:<module lower case>`, namespace 'crm' or 'bigin'. */
	readonly crm = new Map<string, CrmModuleState>();
	/** Modules a test defined, keyed like `crm`; built-in ones come from crm-metadata.ts. */
	readonly crmMetadata = new Map<string, ModuleMeta>();
	/** Rules that refuse written records (an org's validation rules). */
	readonly crmRecordRules: CrmRecordRule[] = [];
	readonly pageTokens = new Map<string, PageTokenState>();
	/** Keyed `<product>:<organization id>`. */
	readonly books = new Map<string, BooksOrgState>();
	/** Small collections of the other products, keyed `<product>:<collection>`. */
	readonly collections = new Map<string, Record<string, unknown>[]>();
	readonly recordIds: IdSequence;
	readonly booksIds: IdSequence;
	/** The org id this DC's CRM reports. */
	readonly crmOrgId: string;
	/** The one CRM user of this DC (owner of every record). */
	readonly crmUserId: string;
	inFlight = 0;
	/** Calls in flight that count against the sub-concurrency (limits.ts). */
	subInFlight = 0;
	/** Credits spent in the rolling window: the sum of `creditLog`, oldest first. */
	creditsUsed = 0;
	private creditLog: Array<{ at: number; credits: number }> = [];

	constructor(readonly id: DcId) {
		const index = DC_IDS.indexOf(id);
		this.recordIds = new IdSequence(`4150868${index}00000`);
		this.booksIds = new IdSequence(`46000${index}0000`);
		this.crmOrgId = `7000${index}12345`;
		this.crmUserId = `4150868${index}99999999999`;
	}

	spendCredits(spent: { at: number; credits: number }): void {
		this.creditLog.push(spent);
		this.creditsUsed += spent.credits;
	}

	forgetCreditsBefore(time: number): void {
		while (this.creditLog[0] !== undefined && this.creditLog[0].at <= time)
			this.creditsUsed -= this.creditLog.shift()?.credits ?? 0;
	}

	/** A new budget counts afresh. */
	forgetCredits(): void {
		this.creditLog = [];
		this.creditsUsed = 0;
	}

	crmModule(namespace: string, name: string): CrmModuleState {
		const key = `${namespace}:${name.toLowerCase()}`;
		let state = this.crm.get(key);
		if (!state) {
			state = {
				apiName: name,
				records: [],
				byId: new Map(),
				attachments: new Map(),
				idsAscending: true,
				idsAscendingAt: 0,
			};
			this.crm.set(key, state);
		}
		return state;
	}

	booksOrg(product: string, organizationId: string): BooksOrgState | undefined {
		return this.books.get(`${product}:${organizationId}`);
	}
}
