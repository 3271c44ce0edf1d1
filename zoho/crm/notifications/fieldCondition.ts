/**
 * A channel's field selection (`notification_condition`, CRM v6+) names the module and
 * each field by API name and id, as Zoho's enable page samples show; the ids come from
 * settings/modules and settings/fields. Unknown names are the user's to fix.
 */
import type { ZohoApi } from '../../api/apiClient';
import { ZohoInputError } from '../../errors';
import { fetchFields, fetchWritableModules } from '../metadata/metadata';
import type { ModuleTarget } from '../module';
import { MAX_CONDITION_FIELDS, type FieldCondition } from './channel';

export async function resolveFieldCondition(
	reader: { api: ZohoApi; target: ModuleTarget },
	options: { fields: readonly string[]; operator: 'and' | 'or' },
): Promise<FieldCondition> {
	const { module } = reader.target;
	const label = 'Fields to Watch';
	if (options.fields.length === 0 || options.fields.length > MAX_CONDITION_FIELDS)
		throw new ZohoInputError(
			label,
			`Zoho watches 1 to ${MAX_CONDITION_FIELDS} fields per channel, not ${options.fields.length}.`,
			`Name at most ${MAX_CONDITION_FIELDS} field API names, or none to hear of every edit.`,
		);
	const modules = await fetchWritableModules(reader);
	const moduleId = idOf(
		modules.find((entry) => entry.api_name.toLowerCase() === module.toLowerCase()),
	);
	if (moduleId === undefined)
		throw new ZohoInputError(
			'Module',
			`Zoho lists no module ${module} with an id for a field condition.`,
			'Pick the module from the list.',
		);
	const rows = await fetchFields({ ...reader, module });
	const byName = new Map(rows.map((row) => [row.api_name.toLowerCase(), row]));
	const fields = options.fields.map((name) => {
		const row = byName.get(name.toLowerCase());
		const id = idOf(row);
		if (!row || id === undefined)
			throw new ZohoInputError(
				label,
				`${module} has no field with the API name "${name}".`,
				'Use API names as Zoho lists them under Settings → Developer Space → APIs (e.g. Last_Name, not Last Name).',
			);
		return { apiName: row.api_name, id };
	});
	return { operator: options.operator, moduleId, fields };
}

function idOf(entry: object | undefined): string | undefined {
	const id = (entry as { id?: unknown } | undefined)?.id;
	return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}
