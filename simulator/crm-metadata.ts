// CRM and Bigin metadata: modules and fields (`/settings/modules`, `/settings/fields`),
// the per-record checks writes make with them, and rules a test adds to refuse records.
import { zohoError } from './errors';
import type { Exchange } from './exchange';
import type { DcState } from './state';
import type { CrmFieldSpec, CrmModuleSpec, CrmRecordRule, FieldMeta, ModuleMeta } from './types';

export type Namespace = 'crm' | 'bigin';

/** What one record of a write was refused for: Zoho's per-record error entry. */
export interface RecordRefusal {
	code: string;
	message: string;
	details: Record<string, unknown>;
}

type FieldRow = [
	apiName: string,
	dataType: string,
	options?: { mandatory?: boolean; length?: number; readOnly?: boolean; picklist?: string[] },
];

const SYSTEM_ROWS: FieldRow[] = [
	['Owner', 'ownerlookup'],
	['Created_Time', 'datetime', { readOnly: true }],
	['Modified_Time', 'datetime', { readOnly: true }],
	['Created_By', 'ownerlookup', { readOnly: true }],
	['Modified_By', 'ownerlookup', { readOnly: true }],
];
const PERSON_ROWS: FieldRow[] = [
	['First_Name', 'text', { length: 40 }],
	['Last_Name', 'text', { mandatory: true, length: 80 }],
	['Email', 'email', { length: 100 }],
	['Phone', 'phone', { length: 30 }],
	['Mobile', 'phone', { length: 30 }],
	['Description', 'textarea', { length: 32_000 }],
	['Email_Opt_Out', 'boolean'],
];

const CRM_MODULES: Array<{
	name: string;
	singular: string;
	rows: FieldRow[];
	apiSupported?: boolean;
}> = [
	{ name: 'Home', singular: 'Home', rows: [], apiSupported: false },
	{
		name: 'Leads',
		singular: 'Lead',
		rows: [
			...PERSON_ROWS,
			['Company', 'text', { length: 200 }],
			[
				'Lead_Status',
				'picklist',
				{ picklist: ['-None-', 'Not Contacted', 'Contacted', 'Qualified', 'Lost Lead'] },
			],
			['Annual_Revenue', 'currency'],
			['No_of_Employees', 'integer'],
			['Website', 'website', { length: 255 }],
		],
	},
	{
		name: 'Contacts',
		singular: 'Contact',
		rows: [...PERSON_ROWS, ['Account_Name', 'lookup'], ['Date_of_Birth', 'date']],
	},
	{
		name: 'Accounts',
		singular: 'Account',
		rows: [
			['Account_Name', 'text', { mandatory: true, length: 200 }],
			['Website', 'website', { length: 255 }],
			['Employees', 'integer'],
		],
	},
	{
		name: 'Deals',
		singular: 'Deal',
		rows: [
			['Deal_Name', 'text', { mandatory: true, length: 120 }],
			[
				'Stage',
				'picklist',
				{
					mandatory: true,
					picklist: ['Qualification', 'Needs Analysis', 'Closed Won', 'Closed Lost'],
				},
			],
			['Amount', 'currency'],
			['Closing_Date', 'date'],
		],
	},
	{
		name: 'Tasks',
		singular: 'Task',
		rows: [
			['Subject', 'text', { mandatory: true, length: 255 }],
			['Due_Date', 'date'],
		],
	},
	{
		name: 'Events',
		singular: 'Event',
		rows: [
			['Event_Title', 'text', { mandatory: true, length: 255 }],
			['Start_DateTime', 'datetime'],
			['End_DateTime', 'datetime'],
		],
	},
	{
		name: 'Calls',
		singular: 'Call',
		rows: [
			['Subject', 'text', { length: 255 }],
			['Call_Start_Time', 'datetime'],
		],
	},
	{
		name: 'Products',
		singular: 'Product',
		rows: [
			['Product_Name', 'text', { mandatory: true, length: 200 }],
			['Unit_Price', 'currency'],
		],
	},
	{
		name: 'Quotes',
		singular: 'Quote',
		rows: [['Subject', 'text', { mandatory: true, length: 255 }]],
	},
	{
		name: 'Notes',
		singular: 'Note',
		rows: [
			['Note_Title', 'text', { length: 120 }],
			['Note_Content', 'textarea', { length: 32_000 }],
		],
	},
];

const BIGIN_MODULES: typeof CRM_MODULES = [
	{ name: 'Contacts', singular: 'Contact', rows: [...PERSON_ROWS, ['Account_Name', 'lookup']] },
	{
		name: 'Accounts',
		singular: 'Company',
		rows: [
			['Account_Name', 'text', { mandatory: true, length: 200 }],
			['Website', 'website', { length: 255 }],
		],
	},
	{
		name: 'Pipelines',
		singular: 'Pipeline',
		rows: [
			['Deal_Name', 'text', { mandatory: true, length: 120 }],
			['Stage', 'picklist', { picklist: ['Qualification', 'Closed Won', 'Closed Lost'] }],
			['Amount', 'currency'],
		],
	},
	{
		name: 'Products',
		singular: 'Product',
		rows: [
			['Product_Name', 'text', { mandatory: true, length: 200 }],
			['Unit_Price', 'currency'],
		],
	},
	{
		name: 'Tasks',
		singular: 'Task',
		rows: [['Subject', 'text', { mandatory: true, length: 255 }]],
	},
];

/** Zoho's system-defined duplicate check fields, used by upsert without `duplicate_check_fields`. */
const SYSTEM_DUPLICATE_FIELDS: Record<string, string[]> = {
	leads: ['Email'],
	contacts: ['Email'],
	accounts: ['Account_Name'],
	deals: ['Deal_Name'],
	pipelines: ['Deal_Name'],
	products: ['Product_Name'],
};

const TEXT_LENGTH = 255;
const MODULE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

function fieldOf(row: FieldRow): FieldMeta {
	const [apiName, dataType, options = {}] = row;
	return {
		api_name: apiName,
		field_label: apiName.replace(/_/g, ' '),
		data_type: dataType,
		system_mandatory: options.mandatory === true,
		read_only: options.readOnly === true,
		length: options.length ?? defaultLength(dataType),
		unique: false,
		pick_list_values: (options.picklist ?? []).map((value) => ({
			display_value: value,
			actual_value: value,
		})),
	};
}

function defaultLength(dataType: string): number {
	if (dataType === 'textarea') return 32_000;
	if (dataType === 'integer' || dataType === 'currency' || dataType === 'double') return 16;
	return TEXT_LENGTH;
}

const builtInCache = new Map<Namespace, Map<string, ModuleMeta>>();

/** Zoho's default modules of a namespace, keyed by lower-case API name (built once; never mutated). */
function builtIn(namespace: Namespace): Map<string, ModuleMeta> {
	let modules = builtInCache.get(namespace);
	if (!modules) {
		modules = buildDefaults(namespace);
		builtInCache.set(namespace, modules);
	}
	return modules;
}

function buildDefaults(namespace: Namespace): Map<string, ModuleMeta> {
	const table = namespace === 'crm' ? CRM_MODULES : BIGIN_MODULES;
	return new Map(
		table.map((entry) => [
			entry.name.toLowerCase(),
			{
				api_name: entry.name,
				module_name: entry.name,
				singular_label: entry.singular,
				plural_label: entry.name,
				api_supported: entry.apiSupported !== false,
				creatable: entry.apiSupported !== false,
				editable: entry.apiSupported !== false,
				deletable: entry.apiSupported !== false,
				generated_type: 'default',
				fields: entry.apiSupported === false ? [] : [...SYSTEM_ROWS, ...entry.rows].map(fieldOf),
			},
		]),
	);
}

/** The modules of a namespace: built in, then defined by tests, then any that only have records. */
export function modulesOf(dc: DcState, namespace: Namespace): ModuleMeta[] {
	const modules = new Map(builtIn(namespace));
	for (const [key, meta] of dc.crmMetadata)
		if (key.startsWith(`${namespace}:`)) modules.set(meta.api_name.toLowerCase(), meta);
	for (const [key, state] of dc.crm) {
		const lower = state.apiName.toLowerCase();
		if (key.startsWith(`${namespace}:`) && !modules.has(lower))
			modules.set(lower, inferredModule(state.apiName, state.records));
	}
	return [...modules.values()];
}

/** A module with metadata: defined by a test, or one of Zoho's defaults. Writes are checked against these only. */
export function knownModuleMeta(
	dc: DcState,
	options: { namespace: Namespace; module: string },
): ModuleMeta | undefined {
	const lower = options.module.toLowerCase();
	return (
		dc.crmMetadata.get(`${options.namespace}:${lower}`) ?? builtIn(options.namespace).get(lower)
	);
}

/** As `knownModuleMeta`, or a module that only has records (its fields inferred from them). */
export function moduleMeta(
	dc: DcState,
	options: { namespace: Namespace; module: string },
): ModuleMeta | undefined {
	const known = knownModuleMeta(dc, options);
	if (known) return known;
	const state = dc.crm.get(`${options.namespace}:${options.module.toLowerCase()}`);
	return state ? inferredModule(state.apiName, state.records) : undefined;
}

/** A module seeded without metadata: its fields are the keys its records carry, as text. */
function inferredModule(
	apiName: string,
	records: ReadonlyArray<Record<string, unknown>>,
): ModuleMeta {
	const names = new Set<string>();
	for (const record of records.slice(0, 50))
		for (const key of Object.keys(record)) if (key !== 'id') names.add(key);
	return {
		...customModuleDefaults(apiName),
		fields: [...names].map((name) => fieldOf([name, 'text'])),
	};
}

function customModuleDefaults(apiName: string): Omit<ModuleMeta, 'fields'> {
	return {
		api_name: apiName,
		module_name: apiName,
		singular_label: apiName,
		plural_label: apiName,
		api_supported: true,
		creatable: true,
		editable: true,
		deletable: true,
		generated_type: 'custom',
	};
}

/**
 * Defines a custom module (or replaces the fields of a built-in one). Fields default to
 * text; system fields (Owner, Created_Time …) are added.
 */
export function defineModule(
	dc: DcState,
	options: { namespace: Namespace; spec: CrmModuleSpec },
): ModuleMeta {
	const { spec, namespace } = options;
	if (!MODULE_NAME.test(spec.api_name))
		throw new Error(`invalid module api_name: ${spec.api_name}`);
	const base = builtIn(namespace).get(spec.api_name.toLowerCase());
	const fields = (spec.fields ?? []).map(fieldFromSpec);
	const meta: ModuleMeta = {
		...(base ?? customModuleDefaults(spec.api_name)),
		...pickDefined({
			module_name: spec.module_name,
			singular_label: spec.singular_label,
			plural_label: spec.plural_label,
			api_supported: spec.api_supported,
			creatable: spec.creatable,
			editable: spec.editable,
			deletable: spec.deletable,
		}),
		fields: [
			...SYSTEM_ROWS.map(fieldOf),
			...fields.filter((field) => !SYSTEM_ROWS.some(([name]) => name === field.api_name)),
		],
	};
	if (base && spec.fields === undefined) meta.fields = base.fields;
	dc.crmMetadata.set(`${namespace}:${spec.api_name.toLowerCase()}`, meta);
	dc.crmModule(namespace, spec.api_name);
	return meta;
}

function fieldFromSpec(spec: CrmFieldSpec): FieldMeta {
	if (!FIELD_NAME.test(spec.api_name)) throw new Error(`invalid field api_name: ${spec.api_name}`);
	const dataType = spec.data_type ?? 'text';
	return {
		api_name: spec.api_name,
		field_label: spec.field_label ?? spec.api_name.replace(/_/g, ' '),
		data_type: dataType,
		system_mandatory: spec.system_mandatory === true,
		read_only: spec.read_only === true,
		length: spec.length ?? defaultLength(dataType),
		unique: spec.unique === true,
		pick_list_values: (spec.pick_list_values ?? []).map((value) => ({
			display_value: value,
			actual_value: value,
		})),
	};
}

function pickDefined<T extends Record<string, unknown>>(values: T): Partial<T> {
	return Object.fromEntries(
		Object.entries(values).filter(([, value]) => value !== undefined),
	) as Partial<T>;
}

/** Upsert without `duplicate_check_fields`: the system-defined fields, then the module's unique fields. */
export function defaultDuplicateFields(
	dc: DcState,
	options: { namespace: Namespace; module: string },
): string[] {
	const system = SYSTEM_DUPLICATE_FIELDS[options.module.toLowerCase()] ?? [];
	const unique = (knownModuleMeta(dc, options)?.fields ?? [])
		.filter((field) => field.unique)
		.map((field) => field.api_name);
	return [...new Set([...system, ...unique])];
}

/**
 * Why Zoho would refuse this record's values, or undefined. `creating` checks the
 * mandatory fields too (an update only changes what it names). `index` is the record's
 * place in `data`, for Zoho's `json_path`.
 */
export function refusalOf(
	dc: DcState,
	options: {
		namespace: Namespace;
		module: string;
		element: Record<string, unknown>;
		creating: boolean;
		index: number;
	},
): RecordRefusal | undefined {
	const { element, index } = options;
	const meta = knownModuleMeta(dc, options);
	const path = (field: string) => `$.data[${index}].${field}`;
	for (const field of meta?.fields ?? []) {
		const value = element[field.api_name];
		const missing = value === undefined || value === null || value === '';
		if (options.creating && field.system_mandatory && missing) {
			return {
				code: 'MANDATORY_NOT_FOUND',
				message: 'required field not found',
				details: { api_name: field.api_name, json_path: path(field.api_name) },
			};
		}
		if (missing || field.read_only) continue;
		const problem = valueProblem(field, value);
		if (problem)
			return {
				code: 'INVALID_DATA',
				message: 'invalid data',
				details: { api_name: field.api_name, json_path: path(field.api_name), ...problem },
			};
	}
	for (const rule of dc.crmRecordRules) {
		if (
			rule.product !== options.namespace ||
			rule.module.toLowerCase() !== options.module.toLowerCase()
		)
			continue;
		if (element[rule.field] !== rule.equals) continue;
		return {
			code: rule.code ?? 'INVALID_DATA',
			message: rule.message ?? 'invalid data',
			details: { api_name: rule.field, json_path: path(rule.field) },
		};
	}
	return undefined;
}

function valueProblem(field: FieldMeta, value: unknown): Record<string, unknown> | undefined {
	switch (field.data_type) {
		case 'integer':
			return Number.isInteger(value) ? undefined : { expected_data_type: 'integer' };
		case 'double':
		case 'currency':
			return typeof value === 'number' ? undefined : { expected_data_type: field.data_type };
		case 'boolean':
			return typeof value === 'boolean' ? undefined : { expected_data_type: 'boolean' };
		case 'email':
			return typeof value === 'string' && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)
				? undefined
				: { expected_data_type: 'email' };
		case 'multiselectpicklist':
			return Array.isArray(value) ? undefined : { expected_data_type: 'jsonarray' };
		default:
			if (typeof value === 'string' && value.length > field.length)
				return { maximum_length: field.length };
			return undefined;
	}
}

/** A unique field of the module whose value another record already has. */
export function duplicateOf(
	dc: DcState,
	options: {
		namespace: Namespace;
		module: string;
		element: Record<string, unknown>;
		records: ReadonlyArray<Record<string, unknown>>;
		index: number;
	},
): RecordRefusal | undefined {
	const unique = (knownModuleMeta(dc, options)?.fields ?? []).filter((field) => field.unique);
	for (const field of unique) {
		const wanted = options.element[field.api_name];
		if (wanted === undefined || wanted === null || wanted === '') continue;
		const other = options.records.find(
			(record) => record[field.api_name] === wanted && record.id !== options.element.id,
		);
		if (other) {
			return {
				code: 'DUPLICATE_DATA',
				message: 'duplicate data',
				details: {
					api_name: field.api_name,
					json_path: `$.data[${options.index}].${field.api_name}`,
					duplicate_record: { id: other.id, module: { api_name: options.module } },
				},
			};
		}
	}
	return undefined;
}

export function addRecordRule(dc: DcState, rule: CrmRecordRule): void {
	if (!MODULE_NAME.test(rule.module)) throw new Error(`invalid module: ${rule.module}`);
	if (!FIELD_NAME.test(rule.field)) throw new Error(`invalid field: ${rule.field}`);
	dc.crmRecordRules.push({ ...rule, product: rule.product ?? 'crm' });
}

export function handleModules(ex: Exchange, namespace: Namespace): void {
	// Zoho lists modules without their fields (those come from settings/fields).
	const modules = modulesOf(ex.dc, namespace).map((definition, index) => ({
		id: `${ex.dc.crmOrgId}${String(index + 100)}`,
		...Object.fromEntries(Object.entries(definition).filter(([key]) => key !== 'fields')),
	}));
	ex.json(200, { modules });
}

export function handleFields(ex: Exchange, namespace: Namespace): void {
	const module = ex.query.get('module');
	if (!module) {
		ex.json(
			400,
			zohoError('REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
				param: 'module',
			}),
		);
		return;
	}
	const meta = moduleMeta(ex.dc, { namespace, module });
	if (!meta || !meta.api_supported) {
		ex.json(
			400,
			zohoError('INVALID_MODULE', 'the module name given seems to be invalid', { param: 'module' }),
		);
		return;
	}
	ex.json(200, {
		fields: meta.fields.map((field, index) => ({
			id: `${ex.dc.crmOrgId}${String(index + 5000)}`,
			...field,
		})),
	});
}
