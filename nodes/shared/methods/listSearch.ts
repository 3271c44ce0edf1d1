/**
 * What the editor's methods share (the node's credential, the CRM target its parameters
 * name, one error conversion), and the Module lists (resource locators) of the org's
 * modules, custom modules included: the ones records can be written to (record writes), and
 * the ones whose records can be listed (the trigger, Export Records, Get Deleted Records),
 * and the ones Zoho's Notification API watches (the instant trigger).
 */
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import type { ZohoApi } from '../../../zoho/api/apiClient';
import {
	fetchReadableModules,
	fetchWritableModules,
	moduleLabel,
	type ModuleEntry,
} from '../../../zoho/crm/metadata/metadata';
import type { CrmTarget } from '../../../zoho/crm/module';
import { fetchWatchableModules } from '../../../zoho/crm/notifications/watchApi';
import { CredentialSource } from '../credentialSource';
import { toNodeError } from '../nodeErrors';
import { DEFAULT_TIMEOUT_MS, nodeParams, readCrmTarget } from '../parameters';
import { zohoAccess, zohoApi } from '../zohoRuntime';

/** The Zoho client the editor's method calls, for the node's credential, and the CRM target its parameters name. */
export async function editorCall(
	ctx: ILoadOptionsFunctions,
): Promise<{ api: ZohoApi; target: CrmTarget }> {
	const target = readCrmTarget(nodeParams(ctx));
	const credentials = await new CredentialSource(ctx).read();
	return { api: zohoApi(zohoAccess(ctx), { credentials, timeoutMs: DEFAULT_TIMEOUT_MS }), target };
}

/** Runs an editor method; whatever fails is shown as n8n shows node errors. */
export async function editorMethod<T>(
	ctx: ILoadOptionsFunctions,
	run: () => Promise<T>,
): Promise<T> {
	try {
		return await run();
	} catch (error) {
		throw toNodeError(ctx.getNode(), error, 0);
	}
}

function searchWith(
	fetch: (request: Awaited<ReturnType<typeof editorCall>>) => Promise<ModuleEntry[]>,
) {
	return async function (
		this: ILoadOptionsFunctions,
		filter?: string,
	): Promise<INodeListSearchResult> {
		const modules = await editorMethod(this, async () => fetch(await editorCall(this)));
		const wanted = filter?.trim().toLowerCase() ?? '';
		return {
			results: modules
				.map((module) => ({ name: moduleLabel(module), value: module.api_name }))
				.filter((entry) => wanted === '' || entry.name.toLowerCase().includes(wanted))
				.sort((a, b) => a.name.localeCompare(b.name)),
		};
	};
}

export const searchModules = searchWith(fetchWritableModules);
export const searchReadableModules = searchWith(fetchReadableModules);
export const searchWatchableModules = searchWith(fetchWatchableModules);
