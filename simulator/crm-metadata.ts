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
	options?: {
		mandatory?: boolean;
		length?: number;
		readOnly?: boolean;
		picklist?: string[];
		lookup?: string;
	},
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
/** Sales documents: Quotes, Sales_Orders, Purchase_Orders, Invoices. */
const SUBJECT_ROWS: FieldRow[] = [
	['Subject', 'text', { mandatory: true, length: 255 }],
	['Grand_Total', 'currency', { readOnly: true }],
];

interface ModuleRow {
	name: string;
	singular: string;
	plural?: string;
	rows: FieldRow[];
	/** Not a record module (Home, Feeds, web tabs): listed, refused by record APIs. */
	apiSupported?: boolean;
	generatedType?: string;
	status?: string;
	visibility?: number;
	viewable?: boolean;
	creatable?: boolean;
	parent?: string;
	webLink?: string;
}

/**
 * A typical org's modules in Zoho's order. Besides record modules Zoho lists the Home
 * page, hidden modules (Feeds, Notes), a field tracker (DealHistory), a subform and a web
 * tab (modules.json getModules example "allmoduleswithvariations").
 */
const CRM_MODULES: ModuleRow[] = [
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
			['Subform_1', 'subform'],
		],
	},
	{
		name: 'Contacts',
		singular: 'Contact',
		rows: [
			...PERSON_ROWS,
			['Account_Name', 'lookup', { lookup: 'Accounts' }],
			['Date_of_Birth', 'date'],
		],
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
	{ name: 'Quotes', singular: 'Quote', rows: SUBJECT_ROWS },
	{ name: 'Sales_Orders', singular: 'Sales Order', plural: 'Sales Orders', rows: SUBJECT_ROWS },
	{
		name: 'Purchase_Orders',
		singular: 'Purchase Order',
		plural: 'Purchase Orders',
		rows: SUBJECT_ROWS,
	},
	{ name: 'Invoices', singular: 'Invoice', rows: SUBJECT_ROWS },
	{
		name: 'Campaigns',
		singular: 'Campaign',
		rows: [['Campaign_Name', 'text', { mandatory: true, length: 120 }]],
	},
	{
		name: 'Vendors',
		singular: 'Vendor',
		rows: [
			['Vendor_Name', 'text', { mandatory: true, length: 120 }],
			['Email', 'email', { length: 100 }],
		],
	},
	{
		name: 'Price_Books',
		singular: 'Price Book',
		plural: 'Price Books',
		rows: [['Price_Book_Name', 'text', { mandatory: true, length: 120 }]],
	},
	{
		name: 'Cases',
		singular: 'Case',
		rows: [
			['Subject', 'text', { mandatory: true, length: 255 }],
			['Status', 'picklist', { picklist: ['New', 'Escalated', 'Closed'] }],
		],
	},
	{
		name: 'Solutions',
		singular: 'Solution',
		rows: [['Solution_Title', 'text', { mandatory: true, length: 255 }]],
	},
	{
		name: 'Notes',
		singular: 'Note',
		rows: [
			['Note_Title', 'text', { length: 120 }],
			['Note_Content', 'textarea', { length: 32_000 }],
		],
		status: 'system_hidden',
	},
	{
		name: 'Feeds',
		singular: 'Feeds',
		rows: [],
		apiSupported: false,
		status: 'user_hidden',
	},
	{
		name: 'DealHistory',
		singular: 'Stage History',
		plural: 'Stage History',
		rows: [
			['Stage', 'picklist', { readOnly: true }],
			['Amount', 'currency', { readOnly: true }],
		],
		generatedType: 'field_tracker',
		status: 'system_hidden',
		visibility: 2,
		viewable: false,
		creatable: false,
		parent: 'Deals',
	},
	{
		name: 'Subform_1',
		singular: 'Subform 1',
		plural: 'Subform 1',
		rows: [['Pick_List_1', 'picklist', { picklist: ['One', 'Two'] }]],
		generatedType: 'static_subform',
		visibility: 2,
		parent: 'Leads',
	},
	{
		name: 'webtab',
		singular: 'webtab',
		rows: [],
		apiSupported: false,
		generatedType: 'webtab_link',
		webLink: 'https://example.com/##wtab##',
	},
];

const BIGIN_MODULES: ModuleRow[] = [
	{
		name: 'Contacts',
		singular: 'Contact',
		rows: [...PERSON_ROWS, ['Account_Name', 'lookup', { lookup: 'Accounts' }]],
	},
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

/**
 * Zoho's system-defined duplicate check fields, used by upsert without
 * `duplicate_check_fields`; custom modules use `Name` (record.json upsertRecords,
 * `duplicate_check_fields`; docs api/v8/upsert-records.html).
 */
const SYSTEM_DUPLICATE_FIELDS: Record<string, string[]> = {
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
	pipelines: ['Deal_Name'],
};
const CUSTOM_MODULE_DUPLICATE_FIELDS = ['Name'];

const TEXT_LENGTH = 255;
const MODULE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** JSON type of a value of each data type (fields.json `json_type`). */
export function jsonTypeOf(dataType: string): string {
	switch (dataType) {
		case 'integer':
		case 'bigint':
			return 'integer';
		case 'double':
		case 'currency':
		case 'percent':
		case 'decimal':
			return 'double';
		case 'boolean':
			return 'boolean';
		case 'lookup':
		case 'ownerlookup':
			return 'jsonobject';
		case 'multiselectpicklist':
		case 'multiselectlookup':
		case 'subform':
			return 'jsonarray';
		default:
			return 'string';
	}
}

function newField(options: {
	apiName: string;
	label?: string;
	dataType: string;
	mandatory?: boolean;
	layoutMandatory?: boolean;
	readOnly?: boolean;
	apiCreate?: boolean;
	apiUpdate?: boolean;
	length?: number;
	unique?: boolean;
	picklist?: readonly string[];
	lookup?: string;
	custom: boolean;
}): FieldMeta {
	const label = options.label ?? options.apiName.replace(/_/g, ' ');
	const writable = options.readOnly !== true;
	const field: FieldMeta = {
		api_name: options.apiName,
		field_label: label,
		display_label: label,
		data_type: options.dataType,
		json_type: jsonTypeOf(options.dataType),
		system_mandatory: options.mandatory === true,
		read_only: options.readOnly === true,
		field_read_only: options.readOnly === true,
		operation_type: {
			web_update: writable,
			api_create: options.apiCreate ?? writable,
			web_create: writable,
			api_update: options.apiUpdate ?? writable,
		},
		custom_field: options.custom,
		visible: true,
		length: options.length ?? defaultLength(options.dataType),
		unique: options.unique === true ? { casesensitive: '0' } : {},
		pick_list_values: (options.picklist ?? []).map((value) => ({
			display_value: value,
			actual_value: value,
		})),
		lookup: options.lookup ? { module: { api_name: options.lookup } } : {},
		parent_field: null,
	};
	if (options.layoutMandatory) field.layoutMandatory = true;
	return field;
}

function fieldOf(row: FieldRow): FieldMeta {
	const [apiName, dataType, options = {}] = row;
	return newField({
		apiName,
		dataType,
		custom: false,
		...(options.mandatory !== undefined ? { mandatory: options.mandatory } : {}),
		...(options.readOnly !== undefined ? { readOnly: options.readOnly } : {}),
		...(options.length !== undefined ? { length: options.length } : {}),
		...(options.picklist !== undefined ? { picklist: options.picklist } : {}),
		...(options.lookup !== undefined ? { lookup: options.lookup } : {}),
	});
}

/** The record id as a field: criteria may name it though settings/fields does not list it. */
export function recordIdField(): FieldMeta {
	return newField({
		apiName: 'id',
		label: 'Record Id',
		dataType: 'bigint',
		readOnly: true,
		length: 19,
		unique: true,
		custom: false,
	});
}

export function isUnique(field: FieldMeta): boolean {
	return Object.keys(field.unique).length > 0;
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
		table.map((entry) => {
			const api = entry.apiSupported !== false;
			const creatable = api && entry.creatable !== false;
			const meta: ModuleMeta = {
				api_name: entry.name,
				module_name: entry.name,
				singular_label: entry.singular,
				plural_label: entry.plural ?? entry.name,
				api_supported: api,
				creatable,
				editable: creatable,
				deletable: creatable,
				viewable: entry.viewable !== false,
				generated_type: entry.generatedType ?? 'default',
				status: entry.status ?? 'visible',
				visibility: entry.visibility ?? 1,
				show_as_tab: entry.visibility === undefined,
				parent_module: entry.parent ? { api_name: entry.parent } : {},
				web_link: entry.webLink ?? null,
				fields: api ? [...SYSTEM_ROWS, ...entry.rows].map(fieldOf) : [],
			};
			return [entry.name.toLowerCase(), meta];
		}),
	);
}

/** The modules of a namespace: built in, then defined by tests. */
export function modulesOf(dc: DcState, namespace: Namespace): ModuleMeta[] {
	const modules = new Map(builtIn(namespace));
	for (const [key, meta] of dc.crmMetadata)
		if (key.startsWith(`${namespace}:`)) modules.set(meta.api_name.toLowerCase(), meta);
	return [...modules.values()];
}

/** A module Zoho knows: one of its defaults or one a test defined. Nothing else exists. */
export function knownModuleMeta(
	dc: DcState,
	options: { namespace: Namespace; module: string },
): ModuleMeta | undefined {
	const lower = options.module.toLowerCase();
	return (
		dc.crmMetadata.get(`${options.namespace}:${lower}`) ?? builtIn(options.namespace).get(lower)
	);
}

/** As `knownModuleMeta`, but only modules whose records the API serves (not Home, web tabs …). */
export function recordModuleMeta(
	dc: DcState,
	options: { namespace: Namespace; module: string },
): ModuleMeta | undefined {
	const meta = knownModuleMeta(dc, options);
	return meta?.api_supported ? meta : undefined;
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
		viewable: true,
		generated_type: 'custom',
		status: 'visible',
		visibility: 1,
		show_as_tab: true,
		parent_module: {},
		web_link: null,
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
	const fields = (spec.fields ?? []).map((field) => fieldFromSpec(field, base === undefined));
	const { fields: baseFields, ...baseRest } = base ?? {
		...customModuleDefaults(spec.api_name),
		fields: [],
	};
	const meta: ModuleMeta = {
		...baseRest,
		...pickDefined({
			module_name: spec.module_name,
			singular_label: spec.singular_label,
			plural_label: spec.plural_label,
			api_supported: spec.api_supported,
			creatable: spec.creatable,
			editable: spec.editable,
			deletable: spec.deletable,
			viewable: spec.viewable,
			generated_type: spec.generated_type,
			status: spec.status,
			visibility: spec.visibility,
		}),
		...(spec.parent_module ? { parent_module: { api_name: spec.parent_module } } : {}),
		fields:
			base && spec.fields === undefined
				? baseFields
				: [
						...SYSTEM_ROWS.map(fieldOf),
						...fields.filter((field) => !SYSTEM_ROWS.some(([name]) => name === field.api_name)),
					],
	};
	dc.crmMetadata.set(`${namespace}:${spec.api_name.toLowerCase()}`, meta);
	dc.crmModule(namespace, spec.api_name);
	return meta;
}

function fieldFromSpec(spec: CrmFieldSpec, custom: boolean): FieldMeta {
	if (!FIELD_NAME.test(spec.api_name)) throw new Error(`invalid field api_name: ${spec.api_name}`);
	return newField({
		apiName: spec.api_name,
		dataType: spec.data_type ?? 'text',
		custom: custom || spec.api_name.endsWith('_X') || /__c$/.test(spec.api_name),
		...pickDefined({
			label: spec.field_label,
			mandatory: spec.system_mandatory,
			layoutMandatory: spec.layout_mandatory,
			readOnly: spec.read_only,
			apiCreate: spec.api_create,
			apiUpdate: spec.api_update,
			length: spec.length,
			unique: spec.unique,
			picklist: spec.pick_list_values,
			lookup: spec.lookup_module,
		}),
	});
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
	const meta = knownModuleMeta(dc, options);
	const system =
		SYSTEM_DUPLICATE_FIELDS[options.module.toLowerCase()] ??
		(meta?.generated_type === 'custom' ? CUSTOM_MODULE_DUPLICATE_FIELDS : []);
	const unique = (meta?.fields ?? []).filter(isUnique).map((field) => field.api_name);
	return [...new Set([...system, ...unique])];
}

/**
 * Everything Zoho would refuse in this record's values, in field order. `creating`
 * checks the mandatory fields too (an update only changes what it names). `index` is
 * the record's place in `data`, for Zoho's `json_path`.
 */
export function refusalsOf(
	dc: DcState,
	options: {
		namespace: Namespace;
		module: string;
		element: Record<string, unknown>;
		creating: boolean;
		index: number;
	},
): RecordRefusal[] {
	const { element, index } = options;
	const meta = knownModuleMeta(dc, options);
	const path = (field: string) => `$.data[${index}].${field}`;
	const refusals: RecordRefusal[] = [];
	for (const field of meta?.fields ?? []) {
		const value = element[field.api_name];
		const missing = value === undefined || value === null || value === '';
		if (options.creating && (field.system_mandatory || field.layoutMandatory) && missing) {
			refusals.push({
				code: 'MANDATORY_NOT_FOUND',
				message: 'required field not found',
				details: { api_name: field.api_name, json_path: path(field.api_name) },
			});
			continue;
		}
		if (missing || field.read_only) continue;
		const problem = valueProblem(field, value);
		if (problem)
			refusals.push({
				code: 'INVALID_DATA',
				message: 'invalid data',
				details: { ...problem, api_name: field.api_name, json_path: path(field.api_name) },
			});
	}
	for (const rule of dc.crmRecordRules) {
		if (
			rule.product !== options.namespace ||
			rule.module.toLowerCase() !== options.module.toLowerCase()
		)
			continue;
		if (element[rule.field] !== rule.equals) continue;
		refusals.push({
			code: rule.code ?? 'INVALID_DATA',
			message: rule.message ?? 'invalid data',
			details: { api_name: rule.field, json_path: path(rule.field) },
		});
	}
	return refusals;
}

/**
 * One entry for a record: its only problem, or MULTIPLE_OR_MULTI_ERRORS listing them
 * (record.json upsertRecords `MultipleOrMultiErrorsError`; example "multipleerrors").
 */
export function combineRefusals(refusals: readonly RecordRefusal[]): RecordRefusal | undefined {
	if (refusals.length <= 1) return refusals[0];
	return {
		code: 'MULTIPLE_OR_MULTI_ERRORS',
		message: 'Multiple errors in the request',
		details: {
			errors: refusals.map((refusal) => ({
				code: refusal.code,
				details: refusal.details,
				message: refusal.message,
				status: 'error',
			})),
		},
	};
}

function valueProblem(field: FieldMeta, value: unknown): Record<string, unknown> | undefined {
	switch (field.json_type) {
		case 'integer':
			return Number.isInteger(value) ? undefined : { expected_data_type: field.data_type };
		case 'double':
			return typeof value === 'number' ? undefined : { expected_data_type: field.data_type };
		case 'boolean':
			return typeof value === 'boolean' ? undefined : { expected_data_type: 'boolean' };
		case 'jsonarray':
			return Array.isArray(value) ? undefined : { expected_data_type: 'jsonarray' };
		case 'jsonobject':
			// A lookup takes {id} or the id alone.
			return (typeof value === 'object' && value !== null && !Array.isArray(value)) ||
				typeof value === 'string'
				? undefined
				: { expected_data_type: 'jsonobject' };
		default:
			break;
	}
	if (typeof value !== 'string' && typeof value !== 'number')
		return { expected_data_type: field.data_type };
	if (field.data_type === 'email' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(String(value)))
		return { expected_data_type: 'email' };
	if (typeof value === 'string' && value.length > field.length)
		return { maximum_length: field.length };
	return undefined;
}

/**
 * The unique fields of the module whose value other records already have (record.json
 * createRecords example "duplicatedataerror": the first such record, and `more_records`
 * when there are others).
 */
export function duplicatesOf(
	dc: DcState,
	options: {
		namespace: Namespace;
		module: string;
		element: Record<string, unknown>;
		records: ReadonlyArray<Record<string, unknown>>;
		index: number;
	},
): RecordRefusal[] {
	const meta = knownModuleMeta(dc, options);
	const unique = (meta?.fields ?? []).filter(isUnique);
	const refusals: RecordRefusal[] = [];
	for (const field of unique) {
		const wanted = options.element[field.api_name];
		if (wanted === undefined || wanted === null || wanted === '') continue;
		const others = options.records.filter(
			(record) => record[field.api_name] === wanted && record.id !== options.element.id,
		);
		const other = others[0];
		if (!other) continue;
		refusals.push({
			code: 'DUPLICATE_DATA',
			message: 'duplicate data',
			details: {
				api_name: field.api_name,
				json_path: `$.data[${options.index}].${field.api_name}`,
				duplicate_record: {
					id: other.id,
					Owner: ownerRef(other.Owner),
					module: { api_name: meta?.api_name ?? options.module, id: moduleId(dc, options) },
				},
				more_records: others.length > 1,
			},
		});
	}
	return refusals;
}

function ownerRef(owner: unknown): Record<string, unknown> | undefined {
	if (typeof owner !== 'object' || owner === null) return undefined;
	const { name, id } = owner as Record<string, unknown>;
	return { name, id };
}

/** The id `/settings/modules` gives the module. */
export function moduleId(dc: DcState, options: { namespace: Namespace; module: string }): string {
	const index = modulesOf(dc, options.namespace).findIndex(
		(meta) => meta.api_name.toLowerCase() === options.module.toLowerCase(),
	);
	return `${dc.crmOrgId}${String(Math.max(index, 0) + 100)}`;
}

export function addRecordRule(dc: DcState, rule: CrmRecordRule): void {
	if (!MODULE_NAME.test(rule.module)) throw new Error(`invalid module: ${rule.module}`);
	if (!FIELD_NAME.test(rule.field)) throw new Error(`invalid field: ${rule.field}`);
	dc.crmRecordRules.push({ ...rule, product: rule.product ?? 'crm' });
}

export function handleModules(ex: Exchange, namespace: Namespace): void {
	// Zoho lists modules without their fields (those come from settings/fields).
	const all = modulesOf(ex.dc, namespace);
	const idOf = (apiName: string): string =>
		`${ex.dc.crmOrgId}${String(all.findIndex((meta) => meta.api_name === apiName) + 100)}`;
	const modules = all.map((definition, index) => {
		const row: Record<string, unknown> = { ...definition };
		delete row.fields;
		const parent = definition.parent_module;
		return {
			id: idOf(definition.api_name),
			...row,
			actual_singular_label: row.singular_label,
			actual_plural_label: row.plural_label,
			sequence_number: index + 1,
			modified_time: null,
			modified_by: null,
			arguments: [],
			parent_module:
				parent.api_name === undefined
					? {}
					: { api_name: parent.api_name, id: idOf(parent.api_name) },
		};
	});
	ex.json(200, { modules });
}

export function handleFields(ex: Exchange, namespace: Namespace): void {
	const module = ex.query.get('module');
	if (!module) {
		// fields.json getFields: `module` is required (MandatoryParamError).
		ex.json(
			400,
			zohoError('REQUIRED_PARAM_MISSING', 'required param is missing', { param_name: 'module' }),
		);
		return;
	}
	const meta = recordModuleMeta(ex.dc, { namespace, module });
	if (!meta) {
		// fields.json getFields: InvalidParamError, details {api_name}.
		ex.json(
			400,
			zohoError('INVALID_MODULE', 'the module name given seems to be invalid', {
				api_name: 'module',
			}),
		);
		return;
	}
	ex.json(200, {
		fields: meta.fields.map((field, index) => {
			const row: Record<string, unknown> = { ...field };
			delete row.layoutMandatory;
			return { id: `${ex.dc.crmOrgId}${String(index + 5000)}`, ...row };
		}),
	});
}
