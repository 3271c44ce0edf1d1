/**
 * The Fields mapper of Create, Update, Upsert or Delete Records: the module's fields as the
 * org defines them (custom fields included), which are mandatory, and which upsert may
 * match on.
 */
import type {
	FieldType,
	ILoadOptionsFunctions,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';

import { fetchFields, isDuplicateCheckField, isWritableField } from '../../../zoho/crm/metadata';
import type { FieldEntry } from '../../../zoho/crm/metadata';
import { nodeParams, readModule } from '../parameters';
import { editorCall, editorMethod } from './editorCall';

/** Zoho data types → the mapper's input widgets; other types by their JSON type. */
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

/** fields.json `json_type` → widget, for data types the table above does not name (subforms, custom types). */
const JSON_TYPES: Record<string, FieldType> = {
	integer: 'number',
	double: 'number',
	boolean: 'boolean',
	jsonobject: 'object',
	jsonarray: 'array',
};

const WRITES = ['create', 'update', 'upsert'] as const;

export async function getRecordFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	return await editorMethod(this, async () => {
		const param = nodeParams(this);
		const raw = String(param('writeOperation', 'upsert'));
		const operation = WRITES.find((write) => write === raw) ?? 'upsert';
		const module = readModule(param, { allowEmpty: true });
		if (!module) return { fields: [], emptyFieldsNotice: 'Pick a module first.' };
		const fields = await fetchFields({ ...(await editorCall(this)), module });
		const mapped = fields
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
	const type = FIELD_TYPES[field.data_type ?? ''] ?? JSON_TYPES[field.json_type ?? ''] ?? 'string';
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
