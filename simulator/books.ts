// Books (/books/v3), Inventory (/inventory/v1) and Invoice (/invoice/v3): the finance APIs
// that need `organization_id` and answer {code: 0, message, ..., page_context}.
import { isObject, jsonBody, formParams } from './body';
import type { ApiRoute, Exchange } from './exchange';
import type { BooksOrgState, DcState } from './state';
import { booksDateTime } from './time';
import type { BooksProduct } from './types';

interface ProductPath {
	product: BooksProduct;
	pattern: RegExp;
	scopePrefix: string;
}

const PRODUCTS: readonly ProductPath[] = [
	{ product: 'books', pattern: /^\/books\/v3(\/.*)?$/, scopePrefix: 'ZohoBooks.' },
	{ product: 'inventory', pattern: /^\/inventory\/v1(\/.*)?$/, scopePrefix: 'ZohoInventory.' },
	{ product: 'invoice', pattern: /^\/invoice\/v3(\/.*)?$/, scopePrefix: 'ZohoInvoice.' },
];
const COLLECTION = /^[a-z][a-z0-9_]*$/i;
const RECORD_ID = /^\d{1,25}$/;
const MAX_PER_PAGE = 200;
/** Query parameters that are not field filters. */
const RESERVED_PARAMS = new Set([
	'organization_id',
	'page',
	'per_page',
	'sort_column',
	'sort_order',
	'filter_by',
	'JSONString',
]);

export function matchBooks(ex: Exchange): ApiRoute | undefined {
	for (const entry of PRODUCTS) {
		const match = entry.pattern.exec(ex.path);
		if (!match) continue;
		const [collection, id, ...extra] = (match[1] ?? '')
			.split('/')
			.filter((segment) => segment !== '');
		if (collection === undefined || !COLLECTION.test(collection) || extra.length > 0)
			return undefined;
		if (id !== undefined && !RECORD_ID.test(id)) return undefined;
		const handle = pickHandler(ex, { product: entry.product, collection, id });
		if (!handle) return undefined;
		return { allowed: (scopes) => scopes.hasPrefix(entry.scopePrefix), handle };
	}
	return undefined;
}

function pickHandler(
	ex: Exchange,
	options: { product: BooksProduct; collection: string; id: string | undefined },
): ((ex: Exchange) => void) | undefined {
	const { product, collection, id } = options;
	const method = ex.method;
	if (collection === 'organizations') {
		return id === undefined && method === 'GET' ? (e) => listOrganizations(e, product) : undefined;
	}
	const withOrg = (handle: (e: Exchange, org: BooksOrgState) => void) => (e: Exchange) => {
		const org = requireOrg(e, product);
		if (org) handle(e, org);
	};
	if (id === undefined) {
		if (method === 'GET') return withOrg((e, org) => listRecords(e, { org, collection }));
		if (method === 'POST') return withOrg((e, org) => createRecord(e, { org, collection }));
		return undefined;
	}
	if (method === 'GET') return withOrg((e, org) => getRecord(e, { org, collection, id }));
	if (method === 'PUT') return withOrg((e, org) => updateRecord(e, { org, collection, id }));
	if (method === 'DELETE') return withOrg((e, org) => deleteRecord(e, { org, collection, id }));
	return undefined;
}

/** The organisation named by `organization_id`, or undefined after answering 400. */
function requireOrg(ex: Exchange, product: BooksProduct): BooksOrgState | undefined {
	const organizationId = ex.query.get('organization_id');
	if (!organizationId) {
		ex.json(400, {
			code: 6041,
			message: 'organization_id is required. Pass it as a query parameter.',
		});
		return undefined;
	}
	const org = ex.dc.booksOrg(product, organizationId);
	if (!org) {
		ex.json(400, {
			code: 6024,
			message: `You are not associated with the organization ${organizationId}.`,
		});
		return undefined;
	}
	return org;
}

function listOrganizations(ex: Exchange, product: BooksProduct): void {
	const organizations = [...ex.dc.books.values()]
		.filter((org) => ex.dc.booksOrg(product, org.organizationId) === org)
		.map((org, index) => ({
			organization_id: org.organizationId,
			name: org.name,
			is_default_org: index === 0,
			currency_code: 'USD',
			time_zone: 'Etc/GMT',
		}));
	ex.json(200, { code: 0, message: 'success', organizations });
}

function listRecords(ex: Exchange, options: { org: BooksOrgState; collection: string }): void {
	const page = positiveInt(ex.query.get('page'), 1);
	const perPage = positiveInt(ex.query.get('per_page'), MAX_PER_PAGE);
	if (page === undefined) {
		ex.json(400, { code: 2, message: 'Invalid value passed for page' });
		return;
	}
	if (perPage === undefined || perPage > MAX_PER_PAGE) {
		ex.json(400, { code: 2, message: 'Invalid value passed for per_page' });
		return;
	}
	const filters = [...ex.query].filter(([key]) => !RESERVED_PARAMS.has(key));
	const all = options.org.collections.get(options.collection) ?? [];
	const matching =
		filters.length === 0
			? all
			: all.filter((record) => filters.every(([key, value]) => String(record[key]) === value));
	// Newest first, as Books sorts by created_time descending.
	const offset = (page - 1) * perPage;
	const slice: Record<string, unknown>[] = [];
	for (let i = offset; i < Math.min(matching.length, offset + perPage); i += 1) {
		const record = matching[matching.length - 1 - i];
		if (record) slice.push(record);
	}
	ex.json(200, {
		code: 0,
		message: 'success',
		[options.collection]: slice,
		page_context: {
			page,
			per_page: perPage,
			has_more_page: offset + perPage < matching.length,
			report_name: titleCase(options.collection),
			applied_filter: 'Status.All',
			sort_column: 'created_time',
			sort_order: 'D',
		},
	});
}

function createRecord(ex: Exchange, options: { org: BooksOrgState; collection: string }): void {
	const input = readInput(ex);
	if (!input) {
		ex.json(400, { code: 2, message: 'Invalid value passed for JSONString' });
		return;
	}
	const singular = singularOf(options.collection);
	const record = newBooksRecord({
		dc: ex.dc,
		collection: options.collection,
		fields: input,
		time: ex.core.now(),
	});
	const list = options.org.collections.get(options.collection) ?? [];
	list.push(record);
	options.org.collections.set(options.collection, list);
	ex.json(201, { code: 0, message: `The ${singular} has been created.`, [singular]: record });
}

function getRecord(
	ex: Exchange,
	options: { org: BooksOrgState; collection: string; id: string },
): void {
	const record = findRecord(options);
	const singular = singularOf(options.collection);
	if (!record) {
		ex.json(404, notFound(singular));
		return;
	}
	ex.json(200, { code: 0, message: 'success', [singular]: record });
}

function updateRecord(
	ex: Exchange,
	options: { org: BooksOrgState; collection: string; id: string },
): void {
	const record = findRecord(options);
	const singular = singularOf(options.collection);
	if (!record) {
		ex.json(404, notFound(singular));
		return;
	}
	const input = readInput(ex);
	if (!input) {
		ex.json(400, { code: 2, message: 'Invalid value passed for JSONString' });
		return;
	}
	const idField = `${singular}_id`;
	for (const [key, value] of Object.entries(input)) if (key !== idField) record[key] = value;
	record.last_modified_time = booksDateTime(ex.core.now());
	ex.json(200, {
		code: 0,
		message: `${titleCase(singular)} information has been updated.`,
		[singular]: record,
	});
}

function deleteRecord(
	ex: Exchange,
	options: { org: BooksOrgState; collection: string; id: string },
): void {
	const singular = singularOf(options.collection);
	const list = options.org.collections.get(options.collection) ?? [];
	const idField = `${singular}_id`;
	const remaining = list.filter((record) => record[idField] !== options.id);
	if (remaining.length === list.length) {
		ex.json(404, notFound(singular));
		return;
	}
	options.org.collections.set(options.collection, remaining);
	ex.json(200, { code: 0, message: `The ${singular} has been deleted.` });
}

function findRecord(options: {
	org: BooksOrgState;
	collection: string;
	id: string;
}): Record<string, unknown> | undefined {
	const idField = `${singularOf(options.collection)}_id`;
	return (options.org.collections.get(options.collection) ?? []).find(
		(record) => record[idField] === options.id,
	);
}

/** A JSON body, or the `JSONString` form field / query parameter older clients send. */
function readInput(ex: Exchange): Record<string, unknown> | undefined {
	const parsed = jsonBody(ex);
	if (parsed.ok) return isObject(parsed.value) ? parsed.value : undefined;
	const jsonString = formParams(ex).get('JSONString');
	if (jsonString === undefined) return undefined;
	try {
		const value: unknown = JSON.parse(jsonString);
		return isObject(value) ? value : undefined;
	} catch (error: unknown) {
		if (error instanceof SyntaxError) return undefined;
		throw error;
	}
}

function notFound(singular: string): { code: number; message: string } {
	return { code: 1002, message: `${titleCase(singular)} does not exist.` };
}

/** Builds a stored record: id field, defaults for the usual collections, timestamps. */
export function newBooksRecord(options: {
	dc: DcState;
	collection: string;
	fields: Record<string, unknown>;
	time: number;
	index?: number;
}): Record<string, unknown> {
	const singular = singularOf(options.collection);
	const id = options.dc.booksIds.next();
	const n = options.index ?? Number(id.slice(-6));
	const stamp = booksDateTime(options.time);
	const date = stamp.slice(0, 10);
	return {
		[`${singular}_id`]: id,
		...defaultsFor({ collection: options.collection, n, date }),
		...options.fields,
		created_time: stamp,
		last_modified_time: stamp,
	};
}

function defaultsFor(options: {
	collection: string;
	n: number;
	date: string;
}): Record<string, unknown> {
	const { n, date } = options;
	switch (options.collection) {
		case 'invoices':
			return {
				invoice_number: `INV-${String(n).padStart(6, '0')}`,
				customer_name: `Customer ${(n % 25) + 1}`,
				status: ['draft', 'sent', 'paid', 'overdue'][n % 4],
				date,
				due_date: date,
				currency_code: 'USD',
				total: Math.round(n * 1050) / 100,
				balance: n % 4 === 2 ? 0 : Math.round(n * 1050) / 100,
			};
		case 'contacts':
			return {
				contact_name: `Contact ${n}`,
				company_name: `Company ${n}`,
				email: `contact${n}@example.com`,
				contact_type: 'customer',
			};
		case 'items':
			return { name: `Item ${n}`, sku: `SKU-${n}`, rate: n * 5, status: 'active' };
		default:
			return { name: `${titleCase(singularOf(options.collection))} ${n}` };
	}
}

export function singularOf(collection: string): string {
	if (/(x|s|ch|sh)es$/.test(collection)) return collection.slice(0, -2);
	return collection.endsWith('s') ? collection.slice(0, -1) : collection;
}

function titleCase(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

function positiveInt(value: string | null, fallback: number): number | undefined {
	if (value === null) return fallback;
	if (!/^\d{1,9}$/.test(value)) return undefined;
	const parsed = Number(value);
	return parsed >= 1 ? parsed : undefined;
}
