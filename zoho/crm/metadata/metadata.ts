/**
 * The org's CRM/Bigin modules and fields, for the module picker and the field mapper:
 * custom modules and fields have API names the org chose, so they are read, never listed here.
 */
import { z } from 'zod';
import type { ZohoApi } from '../../api/apiClient';
import type { CrmTarget } from '../module';

/** `GET /crm/{v}/settings/modules` (Bigin: /bigin/v2/settings/modules). */
export const modulesAnswerSchema = z
	.object({
		modules: z.array(
			z
				.object({
					api_name: z.string(),
					module_name: z.string().optional(),
					plural_label: z.string().optional(),
					api_supported: z.boolean().optional(),
					creatable: z.boolean().optional(),
					editable: z.boolean().optional(),
					viewable: z.boolean().optional(),
					/** default, custom, static_subform, field_tracker, webtab_link … (modules.json getModules). */
					generated_type: z.string().optional(),
				})
				.passthrough(),
		),
	})
	.passthrough();
export type ModuleEntry = z.infer<typeof modulesAnswerSchema>['modules'][number];

/** `GET /crm/{v}/settings/fields?module=…`. */
export const fieldsAnswerSchema = z
	.object({
		fields: z.array(
			z
				.object({
					api_name: z.string(),
					field_label: z.string().optional(),
					data_type: z.string().optional(),
					/** The value's JSON type: string, integer, double, boolean, jsonobject, jsonarray. */
					json_type: z.string().optional(),
					/** Whether the API may set the field on create and on update (fields.json getFields). */
					operation_type: z
						.object({ api_create: z.boolean().optional(), api_update: z.boolean().optional() })
						.passthrough()
						.optional(),
					system_mandatory: z.boolean().optional(),
					read_only: z.boolean().optional(),
					visible: z.boolean().optional(),
					unique: z.union([z.boolean(), z.object({}).passthrough()]).optional(),
					pick_list_values: z
						.array(z.object({ display_value: z.string(), actual_value: z.string() }).passthrough())
						.optional(),
				})
				.passthrough(),
		),
	})
	.passthrough();
export type FieldEntry = z.infer<typeof fieldsAnswerSchema>['fields'][number];

/**
 * Zoho's system-defined duplicate check fields, which upsert uses besides the unique
 * fields (record.json upsertRecords `duplicate_check_fields`; docs
 * api/v8/upsert-records.html). Custom modules use their Name field.
 */
const SYSTEM_DUPLICATE_FIELDS: Record<string, readonly string[]> = {
	leads: ['Email'],
	contacts: ['Email'],
	accounts: ['Account_Name'],
	deals: ['Deal_Name'],
	campaigns: ['Campaign_Name'],
	cases: ['Subject'],
	solutions: ['Solution_Title'],
	products: ['Product_Name'],
	vendors: ['Vendor_Name'],
	price_books: ['Price_Book_Name'],
	quotes: ['Subject'],
	sales_orders: ['Subject'],
	purchase_orders: ['Subject'],
	invoices: ['Subject'],
	// Bigin's deals.
	pipelines: ['Deal_Name'],
};

/**
 * Rows of settings/modules that hold no records of their own: subforms (their rows live
 * in the parent record), field trackers (Zoho writes them), web tabs and links
 * (modules.json getModules example "allmoduleswithvariations").
 */
const NOT_RECORD_MODULES = new Set([
	'static_subform',
	'subform',
	'field_tracker',
	'webtab_link',
	'web',
]);

const SCOPES_HINT =
	"Check the API version and that the credential's scopes include ZohoCRM.settings.modules.READ and ZohoCRM.settings.fields.READ (Bigin: ZohoBigin.settings.ALL).";

interface MetadataRequest {
	api: ZohoApi;
	target: CrmTarget;
}

async function fetchRecordModules(options: MetadataRequest): Promise<ModuleEntry[]> {
	const answer = await options.api.fetch(
		{ base: options.target, path: '/settings/modules' },
		{ schema: modulesAnswerSchema, what: 'a list of modules', hint: SCOPES_HINT },
	);
	return answer.modules.filter(
		(module) =>
			module.api_supported !== false && !NOT_RECORD_MODULES.has(module.generated_type ?? ''),
	);
}

/** Modules records can be written to, in Zoho's order. */
export async function fetchWritableModules(options: MetadataRequest): Promise<ModuleEntry[]> {
	return (await fetchRecordModules(options)).filter(
		(module) => module.creatable !== false || module.editable !== false,
	);
}

/** Modules whose records can be listed, hidden ones included (a trigger may watch them), in Zoho's order. */
export async function fetchReadableModules(options: MetadataRequest): Promise<ModuleEntry[]> {
	return (await fetchRecordModules(options)).filter((module) => module.viewable !== false);
}

/** The module's fields (an empty module answers 204: no fields). */
export async function fetchFields(
	options: MetadataRequest & { module: string },
): Promise<FieldEntry[]> {
	const answer = await options.api.read(
		{ base: options.target, path: '/settings/fields', query: [['module', options.module]] },
		{ schema: fieldsAnswerSchema, what: 'a list of fields', hint: SCOPES_HINT },
	);
	return answer?.fields ?? [];
}

/**
 * Whether upsert may match on this field: a system-defined duplicate check field (a module
 * Zoho does not list here is taken as custom: its Name) or a unique one.
 */
export function isDuplicateCheckField(field: FieldEntry, module: string): boolean {
	const unique =
		field.unique === true ||
		(typeof field.unique === 'object' && Object.keys(field.unique).length > 0);
	const system = SYSTEM_DUPLICATE_FIELDS[module.toLowerCase()] ?? ['Name'];
	return unique || system.includes(field.api_name);
}

/**
 * Whether the API may set the field in this write (fields.json `operation_type`:
 * api_create, api_update); rows without it fall back to `read_only`. An upsert may
 * create or update, so either will do.
 */
export function isWritableField(
	field: FieldEntry,
	operation: 'create' | 'update' | 'upsert',
): boolean {
	const types = field.operation_type;
	if (!types) return field.read_only !== true;
	if (operation === 'create') return types.api_create !== false;
	if (operation === 'update') return types.api_update !== false;
	return types.api_create !== false || types.api_update !== false;
}

/** A module's label for a picker: "Leads (Leads)", "Projects (Projects_X)". */
export function moduleLabel(module: ModuleEntry): string {
	const label = module.plural_label ?? module.module_name ?? module.api_name;
	return label === module.api_name ? label : `${label} (${module.api_name})`;
}
