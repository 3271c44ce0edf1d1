// Public types of the Zoho simulator, shared by every file of it.

/** Zoho data centres the simulator can stand in for. */
export const DC_IDS = ['us', 'eu', 'in', 'au', 'jp', 'cn', 'ca', 'sa', 'uk'] as const;
export type DcId = (typeof DC_IDS)[number];

export function isDcId(value: unknown): value is DcId {
	return typeof value === 'string' && (DC_IDS as readonly string[]).includes(value);
}

/** Limits and switches a test may change at any time with `configure()`. */
export interface SimConfig {
	/** Lifetime of an access token, seconds. */
	tokenLifetimeSec: number;
	/** Access tokens one refresh token may mint within `mintWindowMs`. */
	mintLimit: number;
	/** Rolling window of the mint throttle, ms. */
	mintWindowMs: number;
	/** Live access tokens per refresh token; one more evicts the oldest. */
	liveTokenCap: number;
	/** Refresh tokens per client; one more evicts the oldest. */
	refreshTokenCap: number;
	/** Default lifetime of a grant code, ms. */
	grantCodeTtlMs: number;
	/** Answer refreshes with `expires_in_sec` and `expires_in` in ms, as older Zoho did. */
	legacyExpiresShape: boolean;
	/** Delay added to every API answer, ms. */
	apiLatencyMs: number;
	/** Maximum API requests in flight per DC; more answer 429. */
	concurrencyLimit: number;
	/** API requests of the sub-concurrency kinds (limits.ts) in flight per DC; more answer 429 (Zoho: 10). */
	subConcurrencyLimit: number;
	/** API credits allowed per DC in a rolling 24 h of simulator clock (limits.ts prices calls); more answer 429. */
	creditBudget: number;
	/** When set, 429 answers carry `Retry-After` with this many seconds. */
	retryAfterSec: number | undefined;
	/** Status of an empty CRM list asked with If-Modified-Since: 304 (default) or 204. */
	notModifiedStatus: 304 | 204;
	/** Wait between a change of records and its notification callbacks, ms (0: at once). */
	notifyDelayMs: number;
	/** How long a callback may take to be answered before it counts as failed, ms. */
	notifyTimeoutMs: number;
	/** Bulk Read: simulator ms from ADDED to COMPLETED (or FAILURE) of a job. */
	bulkReadJobMs: number;
	/** Bulk Read: records per result page (Zoho: 200,000); smaller pages keep tests fast. */
	bulkReadPageSize: number;
	/** Bulk Read: result downloads allowed per DC in a rolling minute (Zoho: 10). */
	bulkReadDownloadsPerMinute: number;
	/** Bulk Read: unfinished jobs a DC accepts at once; one more is refused. */
	bulkReadMaxJobs: number;
	/** Bulk Read: API credits one Create Bulk Read Job call costs. */
	bulkReadJobCredits: number;
	/** Days a deleted record stays in the recycle bin before it counts as permanently deleted (Zoho: 60). */
	recycleBinDays: number;
	/** Records page tokens reach (Zoho: 100,000); a token past it answers PAGINATION_LIMIT_EXCEEDED. */
	pageTokenRecordLimit: number;
}

export interface ZohoSimulatorOptions extends Partial<SimConfig> {
	/** DC ids to serve, default `['us', 'eu']`. */
	dataCentres?: readonly string[];
	/** Base port: DC i listens on port + i. 0 (default) picks free ports. */
	port?: number;
	/** Serve HTTPS with this key and certificate (PEM) instead of plain HTTP. */
	tls?: { key: string; cert: string };
	/**
	 * The api_domain token answers carry, per DC (e.g. `https://www.zohoapis.eu`, for tests
	 * that resolve Zoho's real host names to the simulator); default the DC listener's origin.
	 */
	apiDomains?: Partial<Record<DcId, string>>;
	/**
	 * Folder to journal every API request into (see journal.ts); default the
	 * ZOHO_SIM_JOURNAL_DIR environment variable; false: never (the simulator's own tests).
	 */
	journal?: string | false;
}

export type FaultKind = 'status' | 'delay' | 'nonJson' | 'truncated' | 'drop' | 'reset';

export interface FaultSpec {
	/** Only requests to this DC; all DCs when absent. */
	dc?: string;
	/** Only this HTTP method; any when absent. */
	method?: string;
	/** Prefix of the request pathname, e.g. '/oauth/v2/token' or '/crm/v2/Leads'. */
	path: string;
	/** And its end, e.g. '/result' for a Bulk Read download (whose job id is not known beforehand). */
	pathEnd?: string;
	/** How many matching requests the fault hits, default 1 (Infinity allowed). */
	times?: number;
	kind: FaultKind;
	/** For 'status' (default 500) and 'nonJson' (default 200). */
	status?: number;
	/** For 'status', 'truncated', 'reset': an object is sent as JSON, a string as is. */
	body?: unknown;
	headers?: Record<string, string>;
	/** For 'delay'. */
	delayMs?: number;
	/**
	 * Handle the request first (a grant code is used up, a token minted), then act out the
	 * fault instead of sending the answer: Zoho did the work and its answer was lost.
	 * With 'delay' the answer is sent, late.
	 */
	afterHandling?: boolean;
}

export interface CallRecord {
	dc: DcId;
	method: string;
	/** Pathname without the query string. */
	path: string;
	/** HTTP status sent; 0 when the connection was dropped without an answer. */
	status: number;
	authorization?: string;
}

export interface AuthorizationHeaderRecord {
	dc: DcId;
	host: string;
	path: string;
	value: string;
}

export interface CountersSnapshot {
	/** Access tokens minted per refresh token since the last reset. */
	mints: Record<string, number>;
	mintsTotal: number;
	/** POSTs to /oauth/v2/token, refused and faulted ones included. */
	tokenRequests: number;
	/** E.g. `refresh_token:success`, `refresh_token:invalid_code`, `throttled`, `fault:status`. */
	tokenRequestsByOutcome: Record<string, number>;
	/** Successful revocations. */
	revokes: number;
	calls: CallRecord[];
	/** Keyed `"GET /crm/v2/Leads 200"`. */
	callsByPathStatus: Record<string, number>;
	authorizationHeaders: AuthorizationHeaderRecord[];
	/** Highest number of API requests handled at once on one DC. */
	maxInFlight: number;
	/** API credits spent per DC (each DC holds one org), priced by limits.ts. */
	credits: Record<string, number>;
	/** Record writes in arrival order, with their size and trigger list. */
	writes: WriteRecord[];
	/** Instant notifications (`/crm/{v}/actions/watch`) sent to notify URLs. */
	notifications: NotificationCounters;
}

export interface NotificationCounters {
	/** Callbacks the notify URL answered with a 2xx status. */
	delivered: number;
	/** Callbacks refused, answered with another status or not answered in time; Zoho sends none again. */
	failed: number;
	/** Channel ids with an unexpired subscription at the simulator's clock, over all DCs. */
	activeChannels: number;
	/** Every callback sent, in order. */
	deliveries: NotificationDelivery[];
}

export type NotificationOperation = 'insert' | 'update' | 'delete';

/** One callback POSTed to a notify URL. */
export interface NotificationDelivery {
	dc: DcId;
	channelId: string;
	module: string;
	operation: NotificationOperation;
	ids: string[];
	/** The notify URL's answer; 0 when none came (refused, reset, timed out). */
	status: number;
}

/** A channel's subscription to one module, as the simulator holds it (one row of `GET actions/watch`). */
export interface NotificationChannel {
	dc: DcId;
	channelId: string;
	/** The module's API name. */
	module: string;
	/** The API version it was enabled through, e.g. `v8` (its callbacks' `resource_uri`). */
	version: string;
	events: Array<'create' | 'edit' | 'delete'>;
	notifyUrl: string;
	token: string | null;
	/** Channel expiry, ms. */
	expiresAt: number;
	/** False once the simulator's clock passed the expiry: the channel delivers nothing more. */
	active: boolean;
	returnAffectedFieldValues: boolean;
	notifyOnRelatedAction: boolean;
	/** The `notification_condition` sent, if any. */
	notificationCondition: unknown[] | null;
}

/** A CRM (or Bigin) record: field API names to values. */
export interface CrmRecord {
	id: string;
	[field: string]: unknown;
}

export type BooksProduct = 'books' | 'inventory' | 'invoice';

export interface SeedCrmOptions {
	module: string;
	count: number;
	/** Accepted for symmetry with the API paths; records are shared by every CRM version. */
	version?: number;
	/** 'bigin' seeds Bigin's records instead of CRM's. */
	product?: 'crm' | 'bigin';
	/** Builds record i (1-based); id, Created_Time and Modified_Time are added when missing. */
	make?: (i: number) => Record<string, unknown>;
}

/**
 * A module as `/settings/modules` lists it, with its fields. Zoho lists more than record
 * modules: subforms, web tabs, field trackers and hidden modules come in the same list
 * (modules.json getModules example "allmoduleswithvariations").
 */
export interface ModuleMeta {
	api_name: string;
	module_name: string;
	singular_label: string;
	plural_label: string;
	api_supported: boolean;
	creatable: boolean;
	editable: boolean;
	deletable: boolean;
	viewable: boolean;
	/** default, custom, static_subform, webtab_link, field_tracker, linking, web … */
	generated_type: string;
	/** visible, user_hidden, system_hidden, scheduled_for_deletion */
	status: string;
	/** An integer in Zoho's answers (1 shown, 2 hidden from the menu, …). */
	visibility: number;
	show_as_tab: boolean;
	/** `{}` or the parent's `{api_name, id}` (subforms, field trackers). */
	parent_module: Record<string, string>;
	web_link: string | null;
	fields: FieldMeta[];
}

export interface FieldMeta {
	api_name: string;
	field_label: string;
	display_label: string;
	data_type: string;
	/** string, integer, double, boolean, jsonobject or jsonarray. */
	json_type: string;
	system_mandatory: boolean;
	read_only: boolean;
	field_read_only: boolean;
	operation_type: {
		web_update: boolean;
		api_create: boolean;
		web_create: boolean;
		api_update: boolean;
	};
	custom_field: boolean;
	visible: boolean;
	length: number;
	/** `{}` when not unique; Zoho sends an object, never a boolean. */
	unique: Record<string, string>;
	pick_list_values: Array<{ display_value: string; actual_value: string }>;
	/** The lookup's module, `{}` for other types. */
	lookup: Record<string, unknown>;
	parent_field: null;
	/**
	 * Required by the module's layout though `system_mandatory` is false: settings/fields
	 * does not tell (fields.json getFields; docs api/v8/field-meta.html). Not in answers.
	 */
	layoutMandatory?: boolean;
}

/** A field of a module a test defines (`/settings/fields` shape; defaults: text, optional, 255 long). */
export interface CrmFieldSpec {
	api_name: string;
	field_label?: string;
	data_type?: string;
	system_mandatory?: boolean;
	/** Mandatory by the layout only: writes need it, settings/fields does not say so. */
	layout_mandatory?: boolean;
	read_only?: boolean;
	/** operation_type.api_create / api_update: whether the API may set it (default: not read_only). */
	api_create?: boolean;
	api_update?: boolean;
	length?: number;
	unique?: boolean;
	/** Picklist values (display and actual value alike). */
	pick_list_values?: string[];
	/** For lookup fields: the module looked up. */
	lookup_module?: string;
}

/** A custom module (or new fields for a built-in one) a test defines. */
export interface CrmModuleSpec {
	api_name: string;
	module_name?: string;
	singular_label?: string;
	plural_label?: string;
	api_supported?: boolean;
	creatable?: boolean;
	editable?: boolean;
	deletable?: boolean;
	viewable?: boolean;
	/** Default 'custom' for a new module. */
	generated_type?: string;
	/** Default 'visible'. */
	status?: string;
	visibility?: number;
	/** API name of the parent module (subforms, field trackers). */
	parent_module?: string;
	fields?: CrmFieldSpec[];
}

/** Refuses every written record whose `field` equals `equals`, as a validation rule of the org would. */
export interface CrmRecordRule {
	product?: 'crm' | 'bigin';
	module: string;
	field: string;
	equals: unknown;
	/** Zoho's per-record code, default INVALID_DATA. */
	code?: string;
	message?: string;
}

/** One record write (insert, update, upsert, delete) as the simulator received it. */
export interface WriteRecord {
	dc: DcId;
	method: string;
	path: string;
	/** Records (or ids) in the call. */
	records: number;
	/** The `trigger` list sent; undefined when omitted (Zoho then runs all). */
	trigger?: string[];
	duplicateCheckFields?: string[];
	/** Delete's `wf_trigger` query parameter as sent ('true'/'false'); undefined when omitted (Zoho then runs workflows). */
	wfTrigger?: string;
}

export interface TouchCrmOptions {
	module: string;
	id: string;
	/** Fields to set (id is kept). */
	fields?: Record<string, unknown>;
	product?: 'crm' | 'bigin';
	/** The change's time in ms; default the simulator's clock. */
	at?: number;
}

export interface SeedBooksOptions {
	product?: BooksProduct;
	organizationId: string;
	/** E.g. 'invoices', 'contacts', 'items'. */
	collection: string;
	count: number;
}
