// Which scopes let a token call which URL. Zoho compares scopes case-insensitively.

export type CrmOperation = 'read' | 'create' | 'update' | 'delete';

export class ScopeSet {
	private readonly scopes: Set<string>;

	constructor(scopes: readonly string[]) {
		this.scopes = new Set(scopes.map((scope) => scope.toLowerCase()));
	}

	has(scope: string): boolean {
		return this.scopes.has(scope.toLowerCase());
	}

	hasAny(...scopes: string[]): boolean {
		return scopes.some((scope) => this.has(scope));
	}

	hasPrefix(prefix: string): boolean {
		const lower = prefix.toLowerCase();
		for (const scope of this.scopes) if (scope.startsWith(lower)) return true;
		return false;
	}
}

export function crmOperationOf(method: string): CrmOperation {
	if (method === 'POST') return 'create';
	if (method === 'PUT' || method === 'PATCH') return 'update';
	if (method === 'DELETE') return 'delete';
	return 'read';
}

/**
 * `ZohoCRM.modules.ALL` covers every module; `ZohoCRM.modules.<module>.ALL` or
 * `.<OPERATION>` one module; `ZohoCRM.modules.<OPERATION>` one operation on every module.
 */
export function coversCrmModule(
	scopes: ScopeSet,
	options: { module: string; operations: readonly CrmOperation[] },
): boolean {
	const module = options.module.toLowerCase();
	return options.operations.every((operation) =>
		scopes.hasAny(
			'zohocrm.modules.all',
			`zohocrm.modules.${module}.all`,
			`zohocrm.modules.${module}.${operation}`,
			`zohocrm.modules.${operation}`,
		),
	);
}

/** A settings-like CRM area (`org`, `users`, `settings`): `ZohoCRM.<area>.ALL|READ|...`. */
export function coversCrmArea(
	scopes: ScopeSet,
	options: { area: string; operation: CrmOperation },
): boolean {
	const area = options.area.toLowerCase();
	if (scopes.hasAny(`zohocrm.${area}.all`, `zohocrm.${area}.${options.operation}`)) return true;
	// The organisation is also readable with full settings access.
	return area === 'org' && options.operation === 'read' && scopes.has('zohocrm.settings.all');
}

/** `settings/modules` or `settings/fields`: `ZohoCRM.settings.ALL|READ` or `ZohoCRM.settings.<part>.ALL|READ`. */
export function coversCrmSettings(scopes: ScopeSet, part: 'modules' | 'fields'): boolean {
	return scopes.hasAny(
		'zohocrm.settings.all',
		'zohocrm.settings.read',
		`zohocrm.settings.${part}.all`,
		`zohocrm.settings.${part}.read`,
	);
}
