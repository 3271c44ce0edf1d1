// CRM (/crm/v2 .. /crm/v8) and Bigin (/bigin/v2) routes and their scopes.
import {
	handleDeleteAttachment,
	handleDownload,
	handleListAttachments,
	handleUpload,
} from './crm-attachments';
import { handleListByIds } from './crm-by-ids';
import { matchBulkRead } from './crm-bulk-read';
import { coqlRoute } from './crm-coql';
import { handleDeleted } from './crm-deleted';
import { handleList, handleSearch } from './crm-list';
import { handleFields, handleModules } from './crm-metadata';
import {
	handleDelete,
	handleGetRecord,
	handleInsert,
	handleUpdate,
	handleUpsert,
	simUser,
	type CrmTarget,
} from './crm-records';
import { watchRoute } from './crm-watch';
import type { ApiRoute, Exchange } from './exchange';
import {
	coversCrmArea,
	coversCrmModule,
	coversCrmSettings,
	crmOperationOf,
	type CrmOperation,
	type ScopeSet,
} from './scopes';
import { DC_IDS } from './types';

const CRM_PATH = /^\/crm\/v(2\.1|[2-8])(\/.*)?$/;
const BIGIN_PATH = /^\/bigin\/v2(\/.*)?$/;
const MODULE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const RECORD_ID = /^\d{1,25}$/;
const COUNTRY_BY_DC = ['US', 'DE', 'IN', 'AU', 'JP', 'CN', 'CA', 'SA', 'GB'];

type Namespace = CrmTarget['namespace'];

export function matchCrm(ex: Exchange): ApiRoute | undefined {
	if (ex.path.startsWith('/crm/bulk/')) return matchBulkRead(ex);
	const crm = CRM_PATH.exec(ex.path);
	const bigin = crm ? null : BIGIN_PATH.exec(ex.path);
	if (!crm && !bigin) return undefined;
	const namespace: Namespace = crm ? 'crm' : 'bigin';
	const version = crm ? Number(crm[1]) : 2;
	const rest = (crm ? crm[2] : bigin?.[1]) ?? '';
	const segments = rest.split('/').filter((segment) => segment !== '');
	return route(ex, { namespace, version, segments });
}

function route(
	ex: Exchange,
	options: { namespace: Namespace; version: number; segments: string[] },
): ApiRoute | undefined {
	const { namespace, version } = options;
	const [first, second, third, fourth, ...extra] = options.segments;
	const method = ex.method;
	if (first === undefined || extra.length > 0) return undefined;
	if (first === 'actions') {
		// Bigin's own Notification API is not simulated.
		const watch = namespace === 'crm' && second === 'watch' && third === undefined;
		return watch ? watchRoute(ex, version) : undefined;
	}
	if (first === 'org' || first === 'users') {
		if (second !== undefined || method !== 'GET') return undefined;
		return areaRoute({ namespace, area: first, handle: first === 'org' ? handleOrg : handleUsers });
	}
	if (first === 'settings') {
		if ((second !== 'modules' && second !== 'fields') || third !== undefined || method !== 'GET')
			return undefined;
		return {
			allowed: (scopes) =>
				namespaceAllows(scopes, { namespace, check: () => coversCrmSettings(scopes, second) }),
			handle: (e) =>
				second === 'modules' ? handleModules(e, namespace) : handleFields(e, namespace),
		};
	}
	if (first === 'coql') {
		return namespace === 'crm' && second === undefined && method === 'POST'
			? coqlRoute(ex, version)
			: undefined;
	}
	if (!MODULE_NAME.test(first)) return undefined;
	const target: CrmTarget = { namespace, version, module: first };
	const moduleRoute = (operations: CrmOperation[], handle: (e: Exchange) => void): ApiRoute => ({
		allowed: (scopes) =>
			namespaceAllows(scopes, {
				namespace,
				check: () => coversCrmModule(scopes, { module: first, operations }),
			}),
		handle,
	});
	const operation = crmOperationOf(method);
	if (second === undefined) {
		if (method === 'GET')
			return moduleRoute(['read'], (e) =>
				e.query.has('ids') ? handleListByIds(e, target) : handleList(e, target),
			);
		if (method === 'POST') return moduleRoute(['create'], (e) => handleInsert(e, target));
		if (method === 'PUT' || method === 'PATCH')
			return moduleRoute(['update'], (e) => handleUpdate(e, { target }));
		if (method === 'DELETE') return moduleRoute(['delete'], (e) => handleDelete(e, { target }));
		return undefined;
	}
	if (second === 'upsert') {
		return third === undefined && method === 'POST'
			? moduleRoute(['create', 'update'], (e) => handleUpsert(e, target))
			: undefined;
	}
	if (second === 'search') {
		return third === undefined && method === 'GET'
			? moduleRoute(['read'], (e) => handleSearch(e, target))
			: undefined;
	}
	if (second === 'deleted') {
		return third === undefined && method === 'GET'
			? moduleRoute(['read'], (e) => handleDeleted(e, target))
			: undefined;
	}
	if (!RECORD_ID.test(second)) return undefined;
	const id = second;
	if (third === undefined) {
		if (method === 'GET') return moduleRoute(['read'], (e) => handleGetRecord(e, { target, id }));
		if (method === 'PUT' || method === 'PATCH')
			return moduleRoute(['update'], (e) => handleUpdate(e, { target, id }));
		if (method === 'DELETE') return moduleRoute(['delete'], (e) => handleDelete(e, { target, id }));
		return undefined;
	}
	if (third.toLowerCase() !== 'attachments') return undefined;
	const attachmentRoute = (handle: (e: Exchange) => void): ApiRoute => ({
		allowed: (scopes) =>
			namespaceAllows(scopes, {
				namespace,
				check: () =>
					coversCrmModule(scopes, { module: first, operations: [operation] }) ||
					coversCrmModule(scopes, { module: 'attachments', operations: [operation] }),
			}),
		handle,
	});
	if (fourth === undefined) {
		if (method === 'GET')
			return attachmentRoute((e) => handleListAttachments(e, { target, recordId: id }));
		if (method === 'POST') return attachmentRoute((e) => handleUpload(e, { target, recordId: id }));
		return undefined;
	}
	if (!RECORD_ID.test(fourth)) return undefined;
	if (method === 'GET')
		return attachmentRoute((e) =>
			handleDownload(e, { target, recordId: id, attachmentId: fourth }),
		);
	if (method === 'DELETE')
		return attachmentRoute((e) =>
			handleDeleteAttachment(e, { target, recordId: id, attachmentId: fourth }),
		);
	return undefined;
}

/** Bigin only asks for some ZohoBigin scope; CRM checks module and operation. */
function namespaceAllows(
	scopes: ScopeSet,
	options: { namespace: Namespace; check: () => boolean },
): boolean {
	return options.namespace === 'bigin' ? scopes.hasPrefix('ZohoBigin.') : options.check();
}

function areaRoute(options: {
	namespace: Namespace;
	area: string;
	handle: (ex: Exchange) => void;
}): ApiRoute {
	return {
		allowed: (scopes) =>
			namespaceAllows(scopes, {
				namespace: options.namespace,
				check: () => coversCrmArea(scopes, { area: options.area, operation: 'read' }),
			}),
		handle: options.handle,
	};
}

function handleOrg(ex: Exchange): void {
	const dc = ex.dc;
	ex.json(200, {
		org: [
			{
				id: dc.crmOrgId,
				company_name: 'Simulated Org',
				alias: null,
				primary_email: 'sim.user@example.com',
				domain_name: `org${dc.crmOrgId}`,
				zgid: dc.crmOrgId,
				country_code: COUNTRY_BY_DC[DC_IDS.indexOf(dc.id)] ?? 'US',
				currency: 'US Dollar - USD',
				iso_code: 'USD',
				currency_symbol: '$',
				time_zone: 'GMT',
				type: 'production',
				license_details: { paid: true, paid_type: 'enterprise', users_license_purchased: 10 },
			},
		],
	});
}

function handleUsers(ex: Exchange): void {
	const user = simUser(ex.dc);
	ex.json(200, {
		users: [
			{
				id: user.id,
				full_name: user.name,
				first_name: 'Sim',
				last_name: 'User',
				email: user.email,
				status: 'active',
				role: { name: 'CEO', id: `${ex.dc.crmOrgId}1` },
				profile: { name: 'Administrator', id: `${ex.dc.crmOrgId}2` },
			},
		],
		info: { per_page: 200, count: 1, page: 1, more_records: false },
	});
}
