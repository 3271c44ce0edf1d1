/**
 * The `fields` a CRM/Bigin record list sends. Zoho lists records from CRM v3 on (and in
 * Bigin) only with `fields`, at most 50 API names (docs api/v8/get-records.html: "mandatory
 * when fetching all records"; record.json getRecords examples "requiredparammissing" and
 * "limitexceeded"). When the user names none, the module's fields are read from
 * `settings/fields` (once per credential, module and lifetime) and the first 50 taken:
 * the ones the caller needs first, then readable fields in Zoho's order.
 */
import type { ZohoApi } from '../../api/apiClient';
import type { Clock } from '../../clock';
import { restateApiError } from '../../api/apiErrors';
import { isZohoError, ZohoInputError } from '../../errors';
import { fetchFields } from './metadata';
import type { ModuleTarget } from '../module';

/** Zoho's cap on `fields` of a record list. */
export const MAX_LIST_FIELDS = 50;

/** Whether Zoho lists this target's records only with `fields`: CRM v3 and later, and Bigin. */
export function listNeedsFields(target: ModuleTarget): boolean {
	return target.product === 'bigin' || Number(target.crmVersion.replace(/^v/, '')) >= 3;
}

/**
 * The user's field list with the names the caller needs, or why Zoho would refuse it:
 * more than 50 in all. `label` is the parameter as the user sees it.
 */
export function checkListFields(
	names: readonly string[],
	options: { required: readonly string[]; label: string },
): string[] {
	const fields = [...new Set([...names, ...options.required])];
	if (fields.length > MAX_LIST_FIELDS) {
		const added = options.required.filter((name) => !names.includes(name));
		throw new ZohoInputError(
			options.label,
			`${options.label} names ${new Set(names).size} fields${added.length > 0 ? ` and ${added.join(' and ')} are added` : ''}: ${fields.length} in all, but Zoho lists at most ${MAX_LIST_FIELDS} fields per call.`,
			`Remove ${fields.length - MAX_LIST_FIELDS} field${fields.length - MAX_LIST_FIELDS === 1 ? '' : 's'} from ${options.label}, or leave it empty to get the module's first ${MAX_LIST_FIELDS} fields.`,
		);
	}
	return fields;
}

/**
 * What a list asks for: the first 50, `required` first, then `readable` (Zoho's order)
 * without repeats; `leftOut`, the readable fields that did not fit (empty when all did).
 */
export function chooseListFields(
	readable: readonly string[],
	options: { required: readonly string[] },
): { fields: string[]; leftOut: string[] } {
	const all = [...new Set([...options.required, ...readable])];
	return { fields: all.slice(0, MAX_LIST_FIELDS), leftOut: all.slice(MAX_LIST_FIELDS) };
}

interface ListFieldsRequest {
	api: ZohoApi;
	target: ModuleTarget;
	/** Names the caller must get (e.g. Modified_Time for a trigger), sent first. */
	required: readonly string[];
}

/** The module's fields for a list, read from `settings/fields` now (uncached). */
export async function fetchListFields(request: ListFieldsRequest) {
	return chooseListFields(await fetchReadable(request), request);
}

/**
 * The module's readable field names (every field the user's profile sees), in Zoho's order. A token without the settings scope fails saying why
 * the fields were asked for at all, and that naming them needs no such scope.
 */
async function fetchReadable(request: ListFieldsRequest): Promise<string[]> {
	try {
		const fields = await fetchFields({ ...request, module: request.target.module });
		return fields.filter((field) => field.visible !== false).map((field) => field.api_name);
	} catch (error) {
		if (!isZohoError(error) || error.code !== 'SCOPE_MISMATCH') throw error;
		throw restateApiError(error, {
			message: error.message,
			hint: `No fields were named, and Zoho lists ${request.target.module} only with fields: they are read from settings/fields, which needs the scope ${request.target.product === 'bigin' ? 'ZohoBigin.settings.ALL' : 'ZohoCRM.settings.fields.READ (or ZohoCRM.settings.ALL)'}. Add it when you generate the grant code, or name the fields you need. ${error.hint ?? ''}`.trim(),
		});
	}
}

/** Metadata changes when an admin adds a field: re-read it after this long. */
const DEFAULT_TTL_MS = 10 * 60_000;
const MAX_ENTRIES = 1_000;

/**
 * The readable fields of modules, per credential, product, API version and module, kept
 * `ttlMs`. One read per key at a time; a failed read is not kept.
 */
export class ListFieldsCache {
	private readonly entries = new Map<string, { names: string[]; until: number }>();
	private readonly inFlight = new Map<string, Promise<string[]>>();

	constructor(private readonly options: { clock: Clock; ttlMs?: number }) {}

	/** What a list of `target` asks for when the user names no fields. */
	async fieldsFor(request: ListFieldsRequest) {
		const { target } = request;
		const key = `${request.api.options.credentials.key}|${target.product}|${target.crmVersion}|${target.module.toLowerCase()}`;
		const kept = this.entries.get(key);
		if (kept && kept.until > this.options.clock.now()) return chooseListFields(kept.names, request);
		let reading = this.inFlight.get(key);
		if (!reading) {
			reading = this.read(key, request);
			this.inFlight.set(key, reading);
		}
		return chooseListFields(await reading, request);
	}

	private async read(key: string, request: ListFieldsRequest): Promise<string[]> {
		try {
			const names = await fetchReadable(request);
			const choice = chooseListFields(names, request);
			if (choice.leftOut.length > 0) {
				request.api.options.logger?.warn(
					`${request.target.module} has more readable fields than the ${MAX_LIST_FIELDS} Zoho lists per call; left out: ${choice.leftOut.join(', ')}. Name the fields you need to get them.`,
				);
			}
			this.entries.delete(key);
			const { clock, ttlMs = DEFAULT_TTL_MS } = this.options;
			this.entries.set(key, { names, until: clock.now() + ttlMs });
			// Past the cap the oldest goes: Map keys keep insertion order.
			if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
			return names;
		} finally {
			this.inFlight.delete(key);
		}
	}
}
