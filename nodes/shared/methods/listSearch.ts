/** The Module list (a resource locator): the org's modules records can be written to, custom modules included. */
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { fetchWritableModules, moduleLabel } from '../../../zoho/crm/metadata';
import { editorCall, editorMethod } from './editorCall';

export async function searchModules(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const modules = await editorMethod(this, async () =>
		fetchWritableModules(await editorCall(this)),
	);
	const wanted = filter?.trim().toLowerCase() ?? '';
	return {
		results: modules
			.map((module) => ({ name: moduleLabel(module), value: module.api_name }))
			.filter((entry) => wanted === '' || entry.name.toLowerCase().includes(wanted))
			.sort((a, b) => a.name.localeCompare(b.name)),
	};
}
