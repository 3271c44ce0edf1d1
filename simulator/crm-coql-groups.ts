// COQL aggregates and GROUP BY (CRM API v7 and later): `select Lead_Source, COUNT(id) as
// total from Leads where … group by Lead_Source order by total desc`. One row per group
// (one row in all without GROUP BY), no `id`; an aggregate's key is its alias, or the
// aggregate as `COUNT(id)`. Source: https://www.zoho.com/crm/developer/docs/api/v7/COQL-Limitations.html
// and the v8 page (GROUP BY up to 4 fields, up to 5 aggregates, DUPLICATE_DATA for repeats);
// spec `v8.0/coql.json` (aggregates MAX MIN AVG SUM COUNT). The key of an unaliased
// aggregate and the order of groups without ORDER BY are our choices (docs/zoho-conformance.md).

export const AGGREGATES = new Set(['SUM', 'MAX', 'MIN', 'AVG', 'COUNT']);

/** One SELECT item: a field, or an aggregate of one, perhaps named by an alias. */
export interface SelectItem {
	field: string;
	aggregate?: string;
	alias?: string;
}

/** The key an item's value has in a row. */
export function itemKey(item: SelectItem): string {
	return item.alias ?? (item.aggregate ? `${item.aggregate}(${item.field})` : item.field);
}

/** What grouping needs of the query runner: a record's value at a path, and its ordering. */
export interface GroupTools<R> {
	value: (record: R, path: string) => unknown;
	/** A field's value as a row shows it (a lookup as `{id}`). */
	shown: (record: R, path: string) => unknown;
	compare: (a: unknown, b: unknown) => number;
	isEmpty: (value: unknown) => boolean;
}

/** The rows of the groups of `records` (already filtered), ordered by `orderBy` (keys or fields). */
export function groupRows<R>(
	records: readonly R[],
	options: {
		items: readonly SelectItem[];
		groupBy: readonly string[];
		orderBy: ReadonlyArray<{ field: string; descending: boolean }>;
		tools: GroupTools<R>;
	},
): Record<string, unknown>[] {
	const { items, groupBy, tools } = options;
	const groups = new Map<string, R[]>();
	for (const record of records) {
		const key = JSON.stringify(groupBy.map((field) => tools.value(record, field) ?? null));
		const members = groups.get(key);
		if (members) members.push(record);
		else groups.set(key, [record]);
	}
	// Without GROUP BY, all records are one group, even none.
	if (groupBy.length === 0 && groups.size === 0) groups.set('[]', []);
	const rows = [...groups.values()].map((members) => {
		const row: Record<string, unknown> = {};
		for (const item of items)
			row[itemKey(item)] = item.aggregate
				? aggregate(members, { item, tools })
				: members[0] === undefined
					? null
					: (tools.shown(members[0], item.field) ?? null);
		return row;
	});
	const keyOf = (name: string) =>
		items.find((item) => itemKey(item).toLowerCase() === name.toLowerCase()) ??
		items.find((item) => !item.aggregate && item.field.toLowerCase() === name.toLowerCase());
	return rows.sort((a, b) => {
		for (const { field, descending } of options.orderBy) {
			const item = keyOf(field);
			const order = item ? tools.compare(a[itemKey(item)], b[itemKey(item)]) : 0;
			if (order !== 0) return descending ? -order : order;
		}
		return 0;
	});
}

function aggregate<R>(
	members: readonly R[],
	options: { item: SelectItem; tools: GroupTools<R> },
): unknown {
	const { item, tools } = options;
	const values = members
		.map((record) => tools.value(record, item.field))
		.filter((value) => !tools.isEmpty(value));
	if (item.aggregate === 'COUNT') return values.length;
	if (values.length === 0) return null;
	if (item.aggregate === 'MAX' || item.aggregate === 'MIN') {
		const sign = item.aggregate === 'MAX' ? 1 : -1;
		return values.reduce((best, value) => (sign * tools.compare(value, best) > 0 ? value : best));
	}
	const sum = values.reduce<number>((total, value) => total + Number(value), 0);
	return item.aggregate === 'SUM' ? sum : sum / values.length;
}
