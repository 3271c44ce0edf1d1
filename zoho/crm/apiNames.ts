/** Checks of the module and field API names a read operation sends, with the fix in the error. */
import { ZohoInputError } from '../errors';

const API_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
/** A field, or a field of a looked-up record: `Account_Name.Account_Name`. */
const FIELD_PATH = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;

/** Throws for a module name that is not an API name; `field` is the n8n parameter at fault. */
export function checkModuleName(module: string, field = 'Module'): void {
	if (!API_NAME.test(module))
		throw new ZohoInputError(
			field,
			`'${module}' is not a module API name.`,
			'Pick the module from the list, or type its API name (letters, digits, underscores), e.g. Contacts.',
		);
}

/** Throws for the first name that is not a field API name (or `Lookup.Field`). */
export function checkFieldNames(names: readonly string[], field: string): void {
	const wrong = names.find((name) => !FIELD_PATH.test(name));
	if (wrong !== undefined)
		throw new ZohoInputError(
			field,
			`'${wrong}' is not a field API name.`,
			'Use API names such as Last_Name, or Account_Name.Account_Name for a field of a looked-up record.',
		);
}
