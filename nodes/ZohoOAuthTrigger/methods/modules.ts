import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { listModules } from '../../../zoho/changes';
import { sharedZohoRuntime } from '../../../zoho/runtime';
import { CredentialSource } from '../../ZohoOAuthRequest/transport/credentials';
import { toNodeError } from '../../ZohoOAuthRequest/transport/errors';

/** The module picker: the org's modules from `settings/modules`, custom ones included. */
export async function getModules(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	try {
		const service = this.getCurrentNodeParameter('service') === 'bigin' ? 'bigin' : 'crm';
		const crmVersion = service === 'crm' ? String(this.getCurrentNodeParameter('crmVersion') ?? 'v8') : 'v2';
		const { credentials, saved } = await new CredentialSource(this).read();
		const modules = await listModules({ api: sharedZohoRuntime().api, callOptions: { credentials, saved, timeoutMs: 30_000 } }, { service, crmVersion });
		return modules
			.map((module) => ({ name: module.label, value: module.apiName, description: module.custom ? `Custom module (${module.apiName})` : module.apiName }))
			.sort((a, b) => a.name.localeCompare(b.name));
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}
