/**
 * What to do about each Zoho code, and which scope each API needs: the one home of both.
 * Codes: Zoho's API errors (record.json, coql.json, notification.json of the v8 spec);
 * scopes: https://www.zoho.com/crm/developer/docs/api/v8/scopes.html (and Bigin's and
 * Books' scope pages).
 */

/** Where a code came from, when it means something else there. */
export type HintContext = 'request' | 'record' | 'coql' | 'channel';

const TOKEN_REFUSED =
	'Zoho refused the access token even after a new one was fetched. Check that the refresh token belongs to this data centre and was not revoked.';

/** Each code's hint, once: `any` wherever it comes, a context's own where the code means more there. */
const HINTS: Record<string, Partial<Record<HintContext | 'any', string>>> = {
	INVALID_URL_PATTERN: {
		any: 'Check the Path: it must exist for this service and API version (e.g. /Leads for CRM).',
	},
	INVALID_MODULE: {
		any: "Check the module: it must be one of the org's modules, by its API name (e.g. Leads, Contacts, Deals, or a custom module's API name), not its display label; pick it from the list, or GET /crm/v8/settings/modules to see them.",
	},
	INVALID_DATA: {
		any: "Check the value of the field Zoho names against its type and length, or the record id, as Zoho's message says.",
		channel: 'Check the module, events and fields to watch of the trigger.',
	},
	MANDATORY_NOT_FOUND: {
		any: 'Add the mandatory fields Zoho names in its message to the body.',
		record:
			"Map the mandatory field Zoho names. A module's layout can make fields mandatory that its field list does not mark (Zoho: Setup → Modules and Fields → the layout).",
		channel: 'Zoho misses a key of the channel request: report it.',
	},
	DUPLICATE_DATA: {
		any: 'Another record already has this unique value: use Create or Update (upsert) to update it, or change the value.',
		coql: 'Name each field once in SELECT, GROUP BY and ORDER BY, and each aggregate of a field once.',
	},
	LIMIT_EXCEEDED: {
		any: 'Send at most 100 records per call, or split the items.',
		coql: 'Zoho allows 50 fields in SELECT (500 from v7), 25 criteria in WHERE, 50 values in IN (100 from v7), 10 fields in ORDER BY, 4 in GROUP BY and 5 aggregates.',
	},
	MULTIPLE_OR_MULTI_ERRORS: { any: 'Correct each field Zoho names.' },
	ID_ALREADY_DELETED: { any: 'The record was already deleted.' },
	NO_PERMISSION: {
		any: 'The Zoho user behind the refresh token lacks permission for this record or module.',
	},
	PAGINATION_LIMIT_EXCEEDED: {
		any: "Zoho's page tokens reach 100,000 records of one list: list less at once (If-Modified-Since, a custom view's cvid, Search), or export the module with the Bulk Read API.",
	},
	DISCRETE_PAGINATION_LIMIT_EXCEEDED: {
		any: 'Zoho lists only the first 2,000 records by page number. Use Return All (it switches to page_token) with CRM API v3 or later.',
	},
	INVALID_REQUEST: { any: "Check the query parameters against Zoho's message." },
	FEATURE_NOT_SUPPORTED: { any: 'Your Zoho edition does not include this API.' },
	INVALID_TOKEN: { any: TOKEN_REFUSED },
	AUTHENTICATION_FAILURE: { any: TOKEN_REFUSED },
	SYNTAX_ERROR: {
		any: "Check the query against COQL's grammar: select <fields> from <Module> where <criteria> order by <field>; text in single quotes, brackets around each pair of criteria beyond two.",
	},
	INVALID_QUERY: {
		any: "Check the column Zoho names: it must be a field's API name in that module (not its label), and a value must fit the field's type (numbers bare, text and dates quoted).",
	},
	NOT_SUBSCRIBED: { any: 'Zoho no longer has this channel; the trigger enables it again.' },
};

export function zohoHint(code: string, context: HintContext = 'request'): string | undefined {
	const hints = HINTS[code];
	return hints?.[context] ?? hints?.any;
}

/** The scope an API path needs, by Zoho's scope pages; READ where a GET suffices. */
const SCOPES: ReadonlyArray<{ path: RegExp; scope: (read: boolean) => string }> = [
	{ path: /^\/crm\/v[\d.]+\/actions\/watch/, scope: () => 'ZohoCRM.notifications.ALL' },
	{ path: /^\/crm\/v[\d.]+\/coql/, scope: () => 'ZohoCRM.coql.READ and ZohoCRM.modules.READ' },
	{ path: /^\/crm\/bulk\//, scope: () => 'ZohoCRM.bulk.READ and ZohoCRM.modules.READ' },
	{
		path: /^\/crm\/v[\d.]+\/settings\//,
		scope: (read) => `ZohoCRM.settings.${read ? 'READ' : 'ALL'}`,
	},
	{ path: /^\/crm\/v[\d.]+\/org\b/, scope: (read) => `ZohoCRM.org.${read ? 'READ' : 'ALL'}` },
	{ path: /^\/crm\/v[\d.]+\/users\b/, scope: (read) => `ZohoCRM.users.${read ? 'READ' : 'ALL'}` },
	{ path: /^\/crm\/v[\d.]+\//, scope: (read) => `ZohoCRM.modules.${read ? 'READ' : 'ALL'}` },
	{ path: /^\/bigin\/v\d+\/settings\//, scope: () => 'ZohoBigin.settings.ALL' },
	{ path: /^\/bigin\//, scope: () => 'ZohoBigin.modules.ALL' },
	{ path: /^\/books\//, scope: () => 'ZohoBooks.fullaccess.all' },
];

/** The scope a call to `url` needs, or undefined for an API this table does not know. */
export function scopeFor(options: { method: string; url: string }): string | undefined {
	const path = URL.canParse(options.url) ? new URL(options.url).pathname : options.url;
	const read = options.method === 'GET';
	return SCOPES.find((entry) => entry.path.test(path))?.scope(read);
}
