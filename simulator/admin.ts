// The same controls as the ZohoSimulator methods, over HTTP under /__sim/ on every DC port,
// for an n8n process in end-to-end tests. The DC is the port's DC. Not counted in `calls`.
import { splitScopes } from './accounts';
import { isObject, jsonBody } from './body';
import type { Exchange } from './exchange';
import { bulkReadCallbacks, defineCustomView, planBulkRead } from './crm-bulk-read';
import { addRecordRule, defineModule } from './crm-metadata';
import { deleteRecords } from './crm-records';
import { seedBooks, seedCrm, touchCrm } from './seed';
import { createGrantCode, createRefreshToken, registerClient } from './tokens';
import { createAsUser } from './user-edits';
import {
	isDcId,
	type BooksProduct,
	type CrmModuleSpec,
	type CrmRecordRule,
	type FaultSpec,
} from './types';

type Body = Record<string, unknown>;

export function handleAdmin(ex: Exchange): void {
	const body = readBody(ex);
	if (!body) {
		ex.json(400, { error: 'the body must be a JSON object' });
		return;
	}
	try {
		dispatch(ex, body);
	} catch (error: unknown) {
		// Bad input (unknown client, bad config value...) is the caller's error, not ours.
		if (!(error instanceof Error)) throw error;
		ex.json(400, { error: error.message });
	}
}

function dispatch(ex: Exchange, body: Body): void {
	const { core, dc } = ex;
	const route = `${ex.method} ${ex.path.replace(/\/+$/, '')}`;
	const records = /^GET \/__sim\/records\/([A-Za-z][A-Za-z0-9_]*)$/.exec(route);
	if (records) {
		const product = ex.query.get('product') === 'bigin' ? 'bigin' : 'crm';
		const module = dc.crm.get(`${product}:${(records[1] ?? '').toLowerCase()}`);
		ex.json(200, { data: module ? module.records : [] });
		return;
	}
	const touch = /^PATCH \/__sim\/records\/([A-Za-z][A-Za-z0-9_]*)\/(\d{1,25})$/.exec(route);
	if (touch) {
		const at = body.at;
		const modifiedTime = touchCrm(core, dc, {
			module: touch[1] ?? '',
			id: touch[2] ?? '',
			fields: isObject(body.fields) ? body.fields : {},
			product: body.product === 'bigin' ? 'bigin' : 'crm',
			...(typeof at === 'number' ? { at } : {}),
		});
		ex.json(200, { id: touch[2], Modified_Time: modifiedTime });
		return;
	}
	if (userCreate(ex, { route, body })) return;
	const remove = /^DELETE \/__sim\/records\/([A-Za-z][A-Za-z0-9_]*)\/(\d{1,25})$/.exec(route);
	if (remove) {
		// As a user deleting in Zoho's UI (not counted as an API call); `permanent` empties the bin too.
		const at = body.at;
		const removed = deleteRecords(dc, {
			namespace: body.product === 'bigin' ? 'bigin' : 'crm',
			module: remove[1] ?? '',
			ids: [remove[2] ?? ''],
			at: typeof at === 'number' ? at : core.now(),
			permanent: body.permanent === true,
			notice: { hub: core.notifications, batch: ex },
		});
		ex.json(removed.size > 0 ? 200 : 404, { deleted: [...removed] });
		return;
	}
	const channel = /^DELETE \/__sim\/notifications\/(\d{1,19})$/.exec(route);
	if (channel) {
		const forgotten = core.notifications.forget(dc, channel[1] ?? '');
		ex.json(forgotten ? 200 : 404, { forgotten });
		return;
	}
	switch (route) {
		case 'GET /__sim/notifications':
			ex.json(200, { channels: core.notifications.list(dc) });
			return;
		case 'GET /__sim/health':
			ex.json(200, { status: 'ok', dc: dc.id, now: core.now() });
			return;
		case 'GET /__sim/config':
			ex.json(200, core.config);
			return;
		case 'POST /__sim/config':
			ex.json(200, core.configure(body));
			return;
		case 'POST /__sim/clients': {
			const client = registerClient(dc, {
				...optionalString(body, 'clientId'),
				...optionalString(body, 'clientSecret'),
			});
			ex.json(200, { clientId: client.clientId, clientSecret: client.clientSecret });
			return;
		}
		case 'POST /__sim/grant-codes': {
			const ttlMs = body.ttlMs;
			const code = createGrantCode(core, dc, {
				clientId: requiredString(body, 'clientId'),
				scopes: scopesOf(body.scopes),
				...(typeof ttlMs === 'number' ? { ttlMs } : {}),
			});
			ex.json(200, { code });
			return;
		}
		case 'POST /__sim/refresh-tokens': {
			const state = createRefreshToken(core, dc, {
				clientId: requiredString(body, 'clientId'),
				scopes: scopesOf(body.scopes),
				...optionalString(body, 'token'),
			});
			ex.json(200, { refreshToken: state.token });
			return;
		}
		case 'POST /__sim/clock': {
			const advanceMs = body.advanceMs;
			if (typeof advanceMs !== 'number') throw new Error('advanceMs must be a number');
			core.advanceClock(advanceMs);
			ex.json(200, { now: core.now() });
			return;
		}
		case 'POST /__sim/faults': {
			// The port's DC unless the body names one; "*" means every DC.
			const target = body.dc === '*' ? {} : { dc: isDcId(body.dc) ? body.dc : dc.id };
			const spec = { ...body, ...target } as unknown as FaultSpec;
			if (body.dc === '*') delete spec.dc;
			ex.json(200, { id: core.faults.add(spec) });
			return;
		}
		case 'DELETE /__sim/faults':
			core.faults.clear();
			ex.json(200, { status: 'success' });
			return;
		case 'GET /__sim/counters':
			ex.json(200, core.counters.snapshot());
			return;
		case 'POST /__sim/journal/deliberate': {
			// Body {reason}: requests from now on are marked as sent wrong on purpose; {} stops.
			const reason = body.reason;
			if (reason !== undefined && reason !== null && typeof reason !== 'string')
				throw new Error('reason must be a string');
			core.deliberate = typeof reason === 'string' && reason !== '' ? reason : undefined;
			ex.json(200, { status: 'success' });
			return;
		}
		case 'POST /__sim/reset-counters':
			core.counters.reset();
			ex.json(200, { status: 'success' });
			return;
		case 'POST /__sim/seed/crm': {
			const given = Array.isArray(body.records) ? body.records.filter(isObject) : undefined;
			const ids = seedCrm(core, dc, {
				module: requiredString(body, 'module'),
				count: given ? given.length : Number(body.count),
				product: body.product === 'bigin' ? 'bigin' : 'crm',
				...(given ? { make: (i: number) => given[i - 1] ?? {} } : {}),
			});
			ex.json(200, { count: ids.length, ids });
			return;
		}
		case 'POST /__sim/crm/modules': {
			// Body: a CrmModuleSpec, plus `product: "bigin"` for Bigin.
			requiredString(body, 'api_name');
			defineModule(dc, {
				namespace: body.product === 'bigin' ? 'bigin' : 'crm',
				spec: body as unknown as CrmModuleSpec,
			});
			ex.json(200, { status: 'success' });
			return;
		}
		case 'POST /__sim/crm/rules': {
			requiredString(body, 'module');
			requiredString(body, 'field');
			addRecordRule(dc, {
				...(body as unknown as CrmRecordRule),
				product: body.product === 'bigin' ? 'bigin' : 'crm',
			});
			ex.json(200, { status: 'success' });
			return;
		}
		case 'POST /__sim/bulk-read/plan': {
			// Body: {durationMs?, fail?, times?} for the next Bulk Read jobs of the port's DC.
			const { durationMs, fail, times } = body;
			planBulkRead(dc, {
				...(typeof durationMs === 'number' ? { durationMs } : {}),
				...(typeof fail === 'boolean' ? { fail } : {}),
				...(typeof times === 'number' ? { times } : {}),
			});
			ex.json(200, { status: 'success' });
			return;
		}
		case 'GET /__sim/bulk-read/callbacks':
			ex.json(200, { callbacks: bulkReadCallbacks(dc) });
			return;
		case 'POST /__sim/crm/custom-views': {
			const cvid = defineCustomView(dc, {
				module: requiredString(body, 'module'),
				criteria: body.criteria,
				...optionalString(body, 'id'),
			});
			ex.json(200, { cvid });
			return;
		}
		case 'POST /__sim/seed/books': {
			const ids = seedBooks(core, dc, {
				product: booksProduct(body.product),
				organizationId: String(body.organizationId ?? ''),
				collection: requiredString(body, 'collection'),
				count: Number(body.count),
			});
			ex.json(200, { count: ids.length, ids });
			return;
		}
		default:
			ex.json(404, { error: `unknown simulator admin route: ${route}` });
	}
}

/** A user's create in Zoho's UI (the edit and the delete are routes above); false for other routes. */
function userCreate(ex: Exchange, options: { route: string; body: Body }): boolean {
	const { route, body } = options;
	const create = /^POST \/__sim\/records\/([A-Za-z][A-Za-z0-9_]*)$/.exec(route);
	if (!create) return false;
	const record = createAsUser(ex.core, ex.dc, {
		module: create[1] ?? '',
		fields: isObject(body.fields) ? body.fields : {},
		product: body.product === 'bigin' || ex.query.get('product') === 'bigin' ? 'bigin' : 'crm',
	});
	ex.json(200, { id: record.id, Created_Time: record.Created_Time });
	return true;
}

function readBody(ex: Exchange): Body | undefined {
	if (ex.body.length === 0) return {};
	const parsed = jsonBody(ex);
	return parsed.ok && isObject(parsed.value) ? parsed.value : undefined;
}

function requiredString(body: Body, key: string): string {
	const value = body[key];
	if (typeof value !== 'string' || value === '') throw new Error(`${key} is required`);
	return value;
}

function optionalString(body: Body, key: string): Record<string, string> {
	const value = body[key];
	if (value === undefined || value === null) return {};
	if (typeof value !== 'string') throw new Error(`${key} must be a string`);
	return { [key]: value };
}

/** An array of scopes, or one string of scopes separated by spaces or commas. */
function scopesOf(value: unknown): string[] {
	if (typeof value === 'string') return splitScopes(value);
	if (Array.isArray(value) && value.every((scope) => typeof scope === 'string')) return value;
	throw new Error('scopes must be an array of strings or a space separated string');
}

function booksProduct(value: unknown): BooksProduct {
	if (value === undefined || value === null) return 'books';
	if (value === 'books' || value === 'inventory' || value === 'invoice') return value;
	throw new Error('product must be books, inventory or invoice');
}
