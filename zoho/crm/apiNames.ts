/** Checks of the field API names a read operation sends, with the fix in the error (modules: module.ts). */
import { ZohoInputError } from '../errors';

/** A field, or a field of a looked-up record: `Account_Name.Account_Name`. */
const FIELD_PATH = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;

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
