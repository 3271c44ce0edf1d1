/**
 * What the editor loads from the org for Create, Update, Upsert or Delete Records: the
 * module list (custom modules included) and the module's fields for n8n's field mapper.
 */
import type {
	FieldType,
	ILoadOptionsFunctions,
	INodeListSearchResult,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';

import {
	fetchFields,
	fetchWritableModules,
	isDuplicateCheckField,
	moduleLabel,
	type MetadataTarget,
} from '../../../zoho/crm/metadata';
import { checkModuleName } from '../../../zoho/crm/writes';
import type { FieldEntry } from '../../../zoho/schemas';
import { sharedZohoRuntime } from '../../../zoho/runtime';
import { CredentialSource } from '../../shared/credentialSource';
import { toNodeError } from '../../shared/nodeErrors';
import { DEFAULT_TIMEOUT_MS } from '../actions/apiRequest.params';

/** Zoho data types → the mapper's input widgets. */
const FIELD_TYPES: Record<string, FieldType> = {
	integer: 'number',
	bigint: 'number',
	double: 'number',
	currency: 'number',
	decimal: 'number',
	percent: 'number',
	boolean: 'boolean',
	date: 'dateTime',
	datetime: 'dateTime',
	picklist: 'options',
	multiselectpicklist: 'array',
	lookup: 'object',
	ownerlookup: 'object',
	website: 'url',
};

async function withZoho<T>(
	ctx: ILoadOptionsFunctions,
	run: (args: {
		target: MetadataTarget;
		call: Parameters<typeof fetchFields>[0]['callOptions'];
	}) => Promise<T>,
): Promise<T> {
	try {
		const product = ctx.getNodeParameter('product', 'crm') === 'bigin' ? 'bigin' : 'crm';
		const target: MetadataTarget = {
			product,
			crmVersion: product === 'crm' ? String(ctx.getNodeParameter('crmVersion', 'v8')) : 'v2',
		};
		const credentials = await new CredentialSource(ctx).read();
		return await run({ target, call: { ...credentials, timeoutMs: DEFAULT_TIMEOUT_MS } });
	} catch (error) {
		throw toNodeError(ctx.getNode(), error, 0);
	}
}

export async function searchModules(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const modules = await withZoho(this, ({ target, call }) =>
		fetchWritableModules({ api: sharedZohoRuntime().api, callOptions: call, target }),
	);
	const wanted = filter?.trim().toLowerCase() ?? '';
	return {
		results: modules
			.map((module) => ({ name: moduleLabel(module), value: module.api_name }))
			.filter((entry) => wanted === '' || entry.name.toLowerCase().includes(wanted))
			.sort((a, b) => a.name.localeCompare(b.name)),
	};
}

export async function getRecordFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const operation = String(this.getNodeParameter('writeOperation', 'upsert'));
	const module = checkModuleNameOrEmpty(
		this.getNodeParameter('module', '', { extractValue: true }),
	);
	if (!module) return { fields: [], emptyFieldsNotice: 'Pick a module first.' };
	const fields = await withZoho(this, ({ target, call }) =>
		fetchFields({ api: sharedZohoRuntime().api, callOptions: call, target, module }),
	);
	const mapped = fields
		.filter((field) => !field.read_only)
		.map((field) => mapperField({ field, module, operation }));
	if (operation === 'update') {
		mapped.unshift({
			id: 'id',
			displayName: 'Record ID',
			required: true,
			defaultMatch: true,
			canBeUsedToMatch: true,
			display: true,
			type: 'string',
		});
	}
	return { fields: mapped };
}

function checkModuleNameOrEmpty(raw: unknown): string {
	const text = typeof raw === 'string' ? raw.trim() : '';
	return text === '' ? '' : checkModuleName(text);
}

function mapperField(options: {
	field: FieldEntry;
	module: string;
	operation: string;
}): ResourceMapperField {
	const { field } = options;
	const type = FIELD_TYPES[field.data_type ?? ''] ?? 'string';
	const matchable = options.operation === 'upsert' && isDuplicateCheckField(field, options.module);
	return {
		id: field.api_name,
		displayName: field.field_label ?? field.api_name,
		// An update changes only what it names; create and upsert need the mandatory fields.
		required: options.operation !== 'update' && field.system_mandatory === true,
		defaultMatch: matchable,
		canBeUsedToMatch: matchable,
		display: true,
		type,
		...(type === 'options'
			? {
					options: (field.pick_list_values ?? []).map((value) => ({
						name: value.display_value,
						value: value.actual_value,
					})),
				}
			: {}),
	};
}
