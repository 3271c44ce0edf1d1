/**
 * A module's fields as the org defines them (custom fields included): the Fields mapper of
 * Create, Update, Upsert or Delete Records (which are mandatory, which upsert may match on),
 * and the Fields list of Export Records.
 */
import type {
	FieldType,
	ILoadOptionsFunctions,
	INodePropertyOptions,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';

import {
	fetchFields,
	isDuplicateCheckField,
	isWritableField,
} from '../../../zoho/crm/metadata/metadata';
import type { FieldEntry } from '../../../zoho/crm/metadata/metadata';
import { nodeParams, readModule } from '../parameters';
import { editorCall, editorMethod } from './listSearch';

/** The mapper's input widgets → the Zoho data types they serve; other types by their JSON type. */
const FIELD_TYPES = byType({
	number: ['integer', 'bigint', 'double', 'currency', 'decimal', 'percent'],
	boolean: ['boolean'],
	dateTime: ['date', 'datetime'],
	options: ['picklist'],
	array: ['multiselectpicklist'],
	object: ['lookup', 'ownerlookup'],
	url: ['website'],
});

/** Widget → fields.json `json_type`s, for data types the table above does not name (subforms, custom types). */
const JSON_TYPES = byType({
	number: ['integer', 'double'],
	boolean: ['boolean'],
	object: ['jsonobject'],
	array: ['jsonarray'],
});

function byType(widgets: Partial<Record<FieldType, string[]>>): Map<string, FieldType> {
	const entries = Object.entries(widgets) as Array<[FieldType, string[]]>;
	return new Map(entries.flatMap(([widget, types]) => types.map((type) => [type, widget])));
}

const WRITES = ['create', 'update', 'upsert'] as const;

export async function getModuleFields(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	return await editorMethod(this, async () => {
		// No module picked yet: no fields.
		const module = readModule(nodeParams(this), { allowEmpty: true });
		const fields = module ? await fetchFields({ ...(await editorCall(this)), module }) : [];
		return fields
			.map((field) => ({
				name: field.field_label ? `${field.field_label} (${field.api_name})` : field.api_name,
				value: field.api_name,
			}))
			.sort((a, b) => a.name.localeCompare(b.name));
	});
}

export async function getRecordFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	return await editorMethod(this, async () => {
		const param = nodeParams(this);
		const raw = String(param('writeOperation', 'upsert'));
		const operation = WRITES.find((write) => write === raw) ?? 'upsert';
		const module = readModule(param, { allowEmpty: true });
		if (!module) return { fields: [], emptyFieldsNotice: 'Pick a module first.' };
		const mapped = (await fetchFields({ ...(await editorCall(this)), module }))
			.filter((field) => isWritableField(field, operation))
			.map((field) => mapperField({ field, module, operation }));
		// An update finds its record by id.
		if (operation === 'update') mapped.unshift({ ...RECORD_ID_FIELD });
		return { fields: mapped };
	});
}

const RECORD_ID_FIELD: ResourceMapperField = {
	id: 'id',
	displayName: 'Record ID',
	required: true,
	defaultMatch: true,
	canBeUsedToMatch: true,
	display: true,
	type: 'string',
};

function mapperField(options: {
	field: FieldEntry;
	module: string;
	operation: string;
}): ResourceMapperField {
	const { field } = options;
	const type =
		FIELD_TYPES.get(field.data_type ?? '') ?? JSON_TYPES.get(field.json_type ?? '') ?? 'string';
	const matchable = options.operation === 'upsert' && isDuplicateCheckField(field, options.module);
	return {
		id: field.api_name,
		displayName: field.field_label ?? field.api_name,
		// An update changes only what it names; create and upsert need the mandatory fields.
		// Zoho's field list knows only the system-mandatory ones: a layout can require more.
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
