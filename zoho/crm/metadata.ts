/**
 * The org's CRM/Bigin modules and fields, for the module picker and the field mapper:
 * custom modules and fields have API names the org chose, so they are read, never listed here.
 */
import type { ApiCallOptions, ZohoApiClient } from '../api/apiClient';
import { parseJsonBody } from '../json';
import { ZohoTransportError } from '../errors';
import {
	fieldsAnswerSchema,
	modulesAnswerSchema,
	type FieldEntry,
	type ModuleEntry,
} from '../schemas';
import { describeUrl } from '../secrets';
import { crmBaseUrl, type CrmTarget } from './module';

/** Zoho's system-defined duplicate check fields, which upsert uses besides the unique fields. */
const SYSTEM_DUPLICATE_FIELDS: Record<string, readonly string[]> = {
	leads: ['Email'],
	contacts: ['Email'],
	accounts: ['Account_Name'],
	deals: ['Deal_Name'],
	pipelines: ['Deal_Name'],
	products: ['Product_Name'],
};

async function getJson(options: {
	api: ZohoApiClient;
	callOptions: ApiCallOptions;
	target: CrmTarget;
	path: string;
	query?: Array<[string, string]>;
}): Promise<{ json: unknown; url: string }> {
	const { target, callOptions } = options;
	const res = await options.api.call(
		(token) => ({
			method: 'GET',
			url: `${crmBaseUrl(target, { apiDomain: token.apiDomain, accountsUrl: callOptions.credentials.accountsUrl })}${options.path}`,
			query: options.query,
		}),
		callOptions,
	);
	return { json: parseJsonBody(res.body), url: describeUrl(res.url) };
}

function unexpected(url: string, what: string): ZohoTransportError {
	return new ZohoTransportError(
		'INVALID_RESPONSE',
		`Zoho's answer from ${url} is not a list of ${what}.`,
		{
			url,
			hint: "Check the API version and that the credential's scopes include ZohoCRM.settings.modules.READ and ZohoCRM.settings.fields.READ (Bigin: ZohoBigin.settings.ALL).",
		},
	);
}

/** Modules records can be written to, in Zoho's order. */
export async function fetchWritableModules(options: {
	api: ZohoApiClient;
	callOptions: ApiCallOptions;
	target: CrmTarget;
}): Promise<ModuleEntry[]> {
	const { json, url } = await getJson({ ...options, path: '/settings/modules' });
	const parsed = modulesAnswerSchema.safeParse(json);
	if (!parsed.success) throw unexpected(url, 'modules');
	return parsed.data.modules.filter(
		(module) =>
			module.api_supported !== false && (module.creatable !== false || module.editable !== false),
	);
}

/** The module's fields (an empty module answers 204: no fields). */
export async function fetchFields(options: {
	api: ZohoApiClient;
	callOptions: ApiCallOptions;
	target: CrmTarget;
	module: string;
}): Promise<FieldEntry[]> {
	const { json, url } = await getJson({
		...options,
		path: '/settings/fields',
		query: [['module', options.module]],
	});
	if (json === undefined) return [];
	const parsed = fieldsAnswerSchema.safeParse(json);
	if (!parsed.success) throw unexpected(url, 'fields');
	return parsed.data.fields;
}

/** Whether upsert may match on this field: a system-defined duplicate check field or a unique one. */
export function isDuplicateCheckField(field: FieldEntry, module: string): boolean {
	const unique =
		field.unique === true ||
		(typeof field.unique === 'object' && Object.keys(field.unique).length > 0);
	return unique || (SYSTEM_DUPLICATE_FIELDS[module.toLowerCase()] ?? []).includes(field.api_name);
}

/** A module's label for a picker: "Leads (Leads)", "Projects (Projects_X)". */
export function moduleLabel(module: ModuleEntry): string {
	const label = module.plural_label ?? module.module_name ?? module.api_name;
	return label === module.api_name ? label : `${label} (${module.api_name})`;
}
