/**
 * Where CRM and Bigin records live: the product, its API version and a module, and the
 * URLs made of them. Custom modules have API names the org chose: the name is checked for
 * its form, never against a list.
 */
import { ZohoInputError } from '../errors';

export interface CrmTarget {
	product: 'crm' | 'bigin';
	/** CRM API version, e.g. 'v8' (Bigin has only v2). */
	crmVersion: string;
}

export interface ModuleTarget extends CrmTarget {
	/** The module's API name, e.g. Leads or a custom module's. */
	module: string;
}

const API_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Whether `name` has the form of a Zoho API name (of a module or a field). */
export function isApiName(name: string): boolean {
	return API_NAME.test(name);
}

/** Throws for the first name that is not a field API name, nor a looked-up record's `Lookup.Field`. */
export function checkFieldNames(names: readonly string[], field: string): void {
	const wrong = names.find((name) => !name.split('.').every(isApiName));
	if (wrong !== undefined)
		throw new ZohoInputError(
			field,
			`'${wrong}' is not a field API name.`,
			'Use API names such as Last_Name, or Account_Name.Account_Name for a field of a looked-up record.',
		);
}

/** The module's API name as typed, or why it cannot be one; `field` is the n8n parameter at fault. */
export function checkModuleName(module: string, field = 'Module'): string {
	const name = module.trim();
	if (!isApiName(name))
		throw new ZohoInputError(
			field,
			name === '' ? 'Module is empty.' : `Module "${name}" is not a Zoho module API name.`,
			'Pick the module from the list, or enter its API name (e.g. Leads, Contacts, or a custom module such as Projects_X).',
		);
	return name;
}
