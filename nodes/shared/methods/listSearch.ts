/**
 * The Module lists (resource locators) of the org's modules, custom modules included: the
 * ones records can be written to (record writes), and the ones whose records can be listed
 * (the trigger, Export Records, Get Deleted Records).
 */
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import {
	fetchReadableModules,
	fetchWritableModules,
	moduleLabel,
} from '../../../zoho/crm/metadata';
import type { ModuleEntry } from '../../../zoho/crm/metadata';
import { editorCall, editorMethod } from './editorCall';

type ModuleSearch = (
	this: ILoadOptionsFunctions,
	filter?: string,
) => Promise<INodeListSearchResult>;

function searchWith(
	fetch: (request: Awaited<ReturnType<typeof editorCall>>) => Promise<ModuleEntry[]>,
): ModuleSearch {
	return async function (this: ILoadOptionsFunctions, filter?: string) {
		const modules = await editorMethod(this, async () => fetch(await editorCall(this)));
		return listOf(modules, filter);
	};
}

export const searchModules = searchWith(fetchWritableModules);
export const searchReadableModules = searchWith(fetchReadableModules);

function listOf(modules: readonly ModuleEntry[], filter?: string): INodeListSearchResult {
	const wanted = filter?.trim().toLowerCase() ?? '';
	return {
		results: modules
			.map((module) => ({ name: moduleLabel(module), value: module.api_name }))
			.filter((entry) => wanted === '' || entry.name.toLowerCase().includes(wanted))
			.sort((a, b) => a.name.localeCompare(b.name)),
	};
}
