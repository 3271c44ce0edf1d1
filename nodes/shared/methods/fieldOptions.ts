/** The Fields list of Export Records: the module's fields as the org defines them, custom fields included. */
import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { fetchFields } from '../../../zoho/crm/metadata';
import { nodeParams, readModule } from '../parameters';
import { editorCall, editorMethod } from './editorCall';

export async function getModuleFields(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	return await editorMethod(this, async () => {
		const module = readModule(nodeParams(this), { allowEmpty: true });
		if (!module) return [];
		const fields = await fetchFields({ ...(await editorCall(this)), module });
		return fields
			.map((field) => ({
				name: field.field_label ? `${field.field_label} (${field.api_name})` : field.api_name,
				value: field.api_name,
			}))
			.sort((a, b) => a.name.localeCompare(b.name));
	});
}
