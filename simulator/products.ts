// Minimal stand-ins for the other Zoho products, shaped like the real answers:
// Desk (/api/v1, header orgId), Projects (/api/v3), People (/people/api),
// Analytics (/restapi/v2, header ZANALYTICS-ORGID) and Creator (/creator/v2.1).
import { isObject, jsonBody } from './body';
import type { ApiRoute, Exchange } from './exchange';
import type { DcState } from './state';
import { zohoDateTime } from './time';

type Handler = (ex: Exchange) => void;

const DESK_COLLECTIONS = new Set(['tickets', 'contacts', 'accounts', 'departments', 'agents']);
const DESK_MAX_LIMIT = 100;

export function matchProducts(ex: Exchange): ApiRoute | undefined {
	const segments = ex.path.split('/').filter((segment) => segment !== '');
	const [root, version, ...rest] = segments;
	const prefixed = (scopePrefix: string, handle: Handler | undefined): ApiRoute | undefined =>
		handle ? { allowed: (scopes) => scopes.hasPrefix(scopePrefix), handle } : undefined;
	if (root === 'api' && version === 'v1') return prefixed('Desk.', deskHandler(ex, rest));
	if (root === 'api' && version === 'v3')
		return prefixed('ZohoProjects.', projectsHandler(ex, rest));
	if (root === 'people' && version === 'api')
		return prefixed('ZOHOPEOPLE.', peopleHandler(ex, rest));
	if (root === 'restapi' && version === 'v2')
		return prefixed('ZohoAnalytics.', analyticsHandler(ex, rest));
	if (root === 'creator' && version === 'v2.1')
		return prefixed('ZohoCreator.', creatorHandler(ex, rest));
	return undefined;
}

// ---- Desk ----

function deskHandler(ex: Exchange, rest: string[]): Handler | undefined {
	const [collection, id, ...extra] = rest;
	if (collection === undefined || extra.length > 0) return undefined;
	if (collection === 'organizations' && id === undefined && ex.method === 'GET') {
		return (e) =>
			e.json(200, {
				data: [
					{
						id: deskOrgId(e.dc),
						companyName: 'Simulated Org',
						portalName: 'simulated',
						isDefault: true,
					},
				],
			});
	}
	if (!DESK_COLLECTIONS.has(collection)) return undefined;
	const needOrg =
		(handle: Handler): Handler =>
		(e) => {
			if (!e.header('orgId')) {
				e.json(400, {
					errorCode: 'INVALID_DATA',
					message:
						'The header orgId is missing. Send the Desk organization id in the orgId header.',
					errors: [
						{ fieldName: 'orgId', errorType: 'missing', errorMessage: 'orgId header is required' },
					],
				});
				return;
			}
			handle(e);
		};
	if (id === undefined && ex.method === 'GET') return needOrg((e) => listDesk(e, collection));
	if (id === undefined && ex.method === 'POST') return needOrg((e) => createDesk(e, collection));
	if (id !== undefined && ex.method === 'GET') {
		return needOrg((e) => {
			const item = deskCollection(e, collection).find((candidate) => candidate.id === id);
			if (item) e.json(200, item);
			else
				e.json(404, {
					errorCode: 'RESOURCE_NOT_FOUND',
					message: 'The requested resource does not exist.',
				});
		});
	}
	return undefined;
}

function deskOrgId(dc: DcState): string {
	return `${dc.crmOrgId}9`;
}

function listDesk(ex: Exchange, collection: string): void {
	const from = Math.max(0, Number(ex.query.get('from') ?? '0') || 0);
	const limit = Math.min(DESK_MAX_LIMIT, Math.max(1, Number(ex.query.get('limit') ?? '10') || 10));
	ex.json(200, { data: deskCollection(ex, collection).slice(from, from + limit) });
}

function createDesk(ex: Exchange, collection: string): void {
	const parsed = jsonBody(ex);
	if (!parsed.ok || !isObject(parsed.value)) {
		ex.json(422, {
			errorCode: 'UNPROCESSABLE_ENTITY',
			message: 'The request body must be a JSON object.',
		});
		return;
	}
	const item = {
		...parsed.value,
		id: ex.dc.recordIds.next(),
		createdTime: new Date(ex.core.now()).toISOString(),
	};
	deskCollection(ex, collection).push(item);
	ex.json(200, item);
}

/** A few records per collection, made on first use. */
function deskCollection(ex: Exchange, collection: string): Record<string, unknown>[] {
	const key = `desk:${collection}`;
	let items = ex.dc.collections.get(key);
	if (!items) {
		items = [];
		for (let i = 1; i <= 3; i += 1) items.push(deskSample({ ex, collection, i }));
		ex.dc.collections.set(key, items);
	}
	return items;
}

function deskSample(options: {
	ex: Exchange;
	collection: string;
	i: number;
}): Record<string, unknown> {
	const { ex, i } = options;
	const id = ex.dc.recordIds.next();
	const createdTime = new Date(ex.core.now()).toISOString();
	switch (options.collection) {
		case 'tickets':
			return {
				id,
				ticketNumber: String(100 + i),
				subject: `Sample ticket ${i}`,
				status: 'Open',
				email: `customer${i}@example.com`,
				createdTime,
			};
		case 'contacts':
			return { id, lastName: `Contact ${i}`, email: `contact${i}@example.com`, createdTime };
		default:
			return { id, name: `${options.collection} ${i}`, createdTime };
	}
}

// ---- Projects ----

function projectsHandler(ex: Exchange, rest: string[]): Handler | undefined {
	if (ex.method !== 'GET') return undefined;
	const [first, portalId, collection, ...extra] = rest;
	if (first === 'portals' && portalId === undefined) {
		return (e) =>
			e.json(200, {
				portals: [
					{
						id: projectsPortalId(e.dc),
						name: 'simulated',
						org_name: 'Simulated Org',
						is_default: true,
					},
				],
			});
	}
	if (
		first === 'portal' &&
		portalId !== undefined &&
		collection === 'projects' &&
		extra.length === 0
	) {
		return (e) =>
			e.json(200, {
				projects: [
					{
						id: `${projectsPortalId(e.dc)}1`,
						name: 'Simulated Project',
						status: 'active',
						created_time: zohoDateTime(e.core.now()),
					},
				],
			});
	}
	return undefined;
}

function projectsPortalId(dc: DcState): string {
	return `${dc.crmOrgId}7`;
}

// ---- People ----

function peopleHandler(ex: Exchange, rest: string[]): Handler | undefined {
	if (ex.method !== 'GET') return undefined;
	const [first, form, action, ...extra] = rest;
	if (first !== 'forms' || extra.length > 0) return undefined;
	if (form === undefined) {
		return (e) =>
			e.json(200, {
				response: {
					result: [
						{
							componentId: 1,
							iscustom: false,
							displayName: 'Employee',
							formLinkName: 'employee',
							viewDetails: { view_Id: 1, view_Name: 'P_EmployeeView' },
						},
						{
							componentId: 2,
							iscustom: false,
							displayName: 'Department',
							formLinkName: 'department',
							viewDetails: { view_Id: 2, view_Name: 'P_DepartmentView' },
						},
					],
					message: 'Data fetched successfully',
					uri: '/api/forms',
					status: 0,
				},
			});
	}
	if (action === 'getRecords') {
		return (e) =>
			e.json(200, {
				response: {
					result: [
						{
							'100001': [
								{
									EmployeeID: 'E1',
									FirstName: 'Sim',
									LastName: 'User',
									EmailID: 'sim.user@example.com',
								},
							],
						},
					],
					message: 'Data fetched successfully',
					uri: `/api/forms/${form}/getRecords`,
					status: 0,
				},
			});
	}
	return undefined;
}

// ---- Analytics ----

function analyticsHandler(ex: Exchange, rest: string[]): Handler | undefined {
	if (ex.method !== 'GET' || rest.length !== 1) return undefined;
	const orgId = `${ex.dc.crmOrgId}5`;
	if (rest[0] === 'orgs') {
		return (e) =>
			e.json(200, {
				status: 'success',
				summary: 'Get organizations',
				data: { orgs: [{ orgId, orgName: 'Simulated Org', isDefault: true }] },
			});
	}
	if (rest[0] !== 'workspaces') return undefined;
	return (e) => {
		if (!e.header('ZANALYTICS-ORGID')) {
			e.json(400, {
				status: 'failure',
				summary: 'MISSING_ORGID',
				data: {
					errorCode: 8535,
					errorMessage:
						'The header ZANALYTICS-ORGID is missing. Send the Analytics organization id in it.',
				},
			});
			return;
		}
		e.json(200, {
			status: 'success',
			summary: 'Get all workspaces',
			data: {
				ownedWorkspaces: [
					{ workspaceId: `${orgId}1`, workspaceName: 'Simulated Workspace', orgId },
				],
				sharedWorkspaces: [],
			},
		});
	};
}

// ---- Creator ----

function creatorHandler(ex: Exchange, rest: string[]): Handler | undefined {
	if (ex.method !== 'GET') return undefined;
	if (rest.length === 2 && rest[0] === 'meta' && rest[1] === 'applications') {
		return (e) =>
			e.json(200, {
				code: 3000,
				applications: [
					{
						application_name: 'Simulated App',
						link_name: 'simulated-app',
						workspace_name: 'simowner',
						created_time: zohoDateTime(e.core.now()),
					},
				],
			});
	}
	if (rest.length === 5 && rest[0] === 'data' && rest[3] === 'report') {
		return (e) =>
			e.json(200, { code: 3000, data: [{ ID: `${e.dc.crmOrgId}3`, Name: 'Sample row' }] });
	}
	return undefined;
}
