// COQL: `POST /crm/{v}/coql` with `{"select_query": "..."}`. The grammar is what a client
// sends: `select <fields> from <Module> where <criteria> [order by <field> [asc|desc], ...]
// [limit <n> [offset <m>] | limit <m>, <n>]`, criteria joined by and/or two at a time (Zoho
// asks for brackets beyond two), operators = != <> < > <= >= is [not] null, [not] between,
// [not] in (up to 50 values), [not] like. Lookups are read through a dot
// (`Account_Name.Account_Name`); a lookup selected alone comes back as `{id}`.
// Sources: spec `v8.0/coql.json` (operation "Get Records": body `select_query`, error codes
// SYNTAX_ERROR, INVALID_QUERY, LIMIT_EXCEEDED, DUPLICATE_DATA and their details and
// messages); https://www.zoho.com/crm/developer/docs/api/v8/COQL-Limitations.html (2,000
// rows a call, 100,000 through LIMIT/OFFSET, 50 columns, 25 criteria, 10 ORDER BY fields,
// duplicate ORDER BY fields → DUPLICATE_DATA) and the v2 page (200 a call, 10,000 in all);
// ascending id order without ORDER BY, LIMIT 200 by default and credits 1 / 2 / 3 for
// LIMIT up to 200 / 1000 / 2000 (Zoho's COQL overview pages). Per version (each version's
// COQL-Limitations page): v2–v3 200 rows a call and 10,000 in all, v4–v6 2,000 and 10,000,
// v7–v8 2,000 and 100,000; aggregates and GROUP BY from v7 (crm-coql-groups.ts). Zoho's
// documented refusals (spec `v8.0/coql/mds/examples/executeCOQLQuery.md`): MANDATORY_NOT_FOUND
// {api_name: "select_query"}, DUPLICATE_DATA {column_name} "duplicate select column",
// INVALID_DATA "limit should be greater than 0", SYNTAX_ERROR {clause: "where"} "missing
// clause", INVALID_QUERY {reason: "invalid operator found", column_name, operator}.
import { isObject, jsonBody } from './body';
import { AGGREGATES, groupRows, itemKey, type SelectItem } from './crm-coql-groups';
import { recordModuleMeta } from './crm-metadata';
import { zohoError, type ZohoErrorBody } from './errors';
import type { ApiRoute, Exchange } from './exchange';
import { coversCrmModule, type ScopeSet } from './scopes';
import type { DcState } from './state';
import type { CrmRecord, FieldMeta } from './types';

const MAX_FIELDS = 50;
const MAX_CRITERIA = 25;
const MAX_IN_VALUES = 50;
const MAX_ORDER_BY = 10;
const MAX_GROUP_BY = 4;
const MAX_AGGREGATES = 5;
/** Operators that order values: only for numbers, dates and times (and id). */
const ORDERING = new Set(['<', '>', '<=', '>=', 'between', 'not between']);
const DEFAULT_LIMIT = 200;
const LOOKUP_TYPES = new Set(['lookup', 'ownerlookup', 'userlookup']);
const NUMBER_TYPES = new Set(['integer', 'double', 'currency', 'bigint', 'decimal', 'percent']);
const ORDERED_TYPES = new Set([...NUMBER_TYPES, 'date', 'datetime']);

type Literal = string | number | boolean | null;

interface Condition {
	kind: 'condition';
	field: string;
	/** Lower case: '=', '!=', '<', 'is null', 'not between', 'in', 'like', ... */
	operator: string;
	values: Literal[];
}

type Criteria = Condition | { kind: 'and' | 'or'; left: Criteria; right: Criteria };

export interface CoqlQuery {
	/** The fields the SELECT items read. */
	fields: string[];
	items: SelectItem[];
	groupBy: string[];
	module: string;
	where: Criteria | undefined;
	orderBy: Array<{ field: string; descending: boolean }>;
	limit: number;
	offset: number;
}

/** A refused query: Zoho's 400 body. */
class CoqlRefusal extends Error {
	constructor(readonly body: ZohoErrorBody) {
		super(body.message);
	}
}

const syntaxError = (
	details: Record<string, unknown>,
	message = 'invalid query formed',
): CoqlRefusal => new CoqlRefusal(zohoError('SYNTAX_ERROR', message, details));

/** The COQL route of a CRM version; credits follow the LIMIT the query asks for. */
export function coqlRoute(ex: Exchange, version: number): ApiRoute {
	const query = readQuery(ex);
	const parsed = typeof query === 'string' ? tryParse(query) : undefined;
	return {
		allowed: (scopes: ScopeSet) =>
			scopes.hasAny('zohocrm.coql.read', 'zohocrm.coql.all') &&
			(!parsed || coversCrmModule(scopes, { module: parsed.module, operations: ['read'] })),
		credits: creditsFor(parsed?.limit ?? DEFAULT_LIMIT),
		handle: (e) => handleCoql(e, version),
	};
}

/** Zoho's price of a query: by its LIMIT. */
export function creditsFor(limit: number): number {
	if (limit <= 200) return 1;
	return limit <= 1000 ? 2 : 3;
}

function handleCoql(ex: Exchange, version: number): void {
	const text = readQuery(ex);
	if (text === undefined) {
		ex.json(
			400,
			zohoError('MANDATORY_NOT_FOUND', 'mandatory key not found', { api_name: 'select_query' }),
		);
		return;
	}
	try {
		const query = parseCoql(text);
		checkLimits(query, version);
		const meta = checkAgainstModule(ex.dc, query);
		const rows = run(ex.dc, { query, meta });
		if (rows.rows.length === 0) {
			ex.empty(204);
			return;
		}
		ex.json(200, {
			data: rows.rows,
			info: { count: rows.rows.length, more_records: rows.more },
		});
	} catch (error: unknown) {
		if (!(error instanceof CoqlRefusal)) throw error;
		ex.json(400, error.body);
	}
}

function readQuery(ex: Exchange): string | undefined {
	const parsed = jsonBody(ex);
	if (!parsed.ok || !isObject(parsed.value)) return undefined;
	const query = parsed.value.select_query;
	return typeof query === 'string' && query.trim() !== '' ? query : undefined;
}

function tryParse(text: string): CoqlQuery | undefined {
	try {
		return parseCoql(text);
	} catch (error: unknown) {
		if (error instanceof CoqlRefusal) return undefined;
		throw error;
	}
}

// ---- Tokens ----

interface Token {
	kind: 'word' | 'number' | 'string' | 'symbol' | 'end';
	text: string;
	/** Strings without quotes and escapes. */
	value: string;
	/** 1-based column, for SYNTAX_ERROR details. */
	column: number;
}

const TOKEN =
	/\s*(?:([A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*)|(-?\d+(?:\.\d+)?)|'((?:[^'\\]|\\.)*)'|(>=|<=|!=|<>|[=<>(),*]))/y;

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let pos = 0;
	while (pos < text.length) {
		if (/^\s*$/.test(text.slice(pos))) break;
		TOKEN.lastIndex = pos;
		const match = TOKEN.exec(text);
		if (!match) {
			const column = pos + (text.slice(pos).length - text.slice(pos).trimStart().length) + 1;
			throw syntaxError({ line: 1, column, near: text.slice(column - 1, column + 9) });
		}
		const column = match.index + match[0].length - match[0].trimStart().length + 1;
		const [, word, number, quoted, symbol] = match;
		if (word !== undefined) tokens.push({ kind: 'word', text: word, value: word, column });
		else if (number !== undefined)
			tokens.push({ kind: 'number', text: number, value: number, column });
		else if (quoted !== undefined)
			tokens.push({
				kind: 'string',
				text: `'${quoted}'`,
				value: quoted.replace(/\\(.)/g, '$1'),
				column,
			});
		else tokens.push({ kind: 'symbol', text: symbol ?? '', value: symbol ?? '', column });
		pos = TOKEN.lastIndex;
	}
	tokens.push({ kind: 'end', text: '', value: '', column: text.length + 1 });
	return tokens;
}

// ---- Parser ----

export function parseCoql(text: string): CoqlQuery {
	return new Parser(tokenize(text)).query();
}

class Parser {
	private pos = 0;

	constructor(private readonly tokens: Token[]) {}

	query(): CoqlQuery {
		this.keyword('select');
		const items = [this.selectItem()];
		while (this.acceptSymbol(',')) items.push(this.selectItem());
		if (!this.acceptKeyword('from')) throw this.unexpected();
		const module = this.fieldName();
		if (module.includes('.')) throw this.unexpectedAt(this.pos - 1);
		if (!this.acceptKeyword('where')) {
			if (
				['order', 'group', 'limit'].some((word) => this.isKeyword(word)) ||
				this.peek().kind === 'end'
			)
				throw syntaxError({ clause: 'where' }, 'missing clause');
			throw this.unexpected();
		}
		const where = this.criteria();
		const groupBy: string[] = [];
		if (this.acceptKeyword('group')) {
			this.keyword('by');
			do groupBy.push(this.fieldName());
			while (this.acceptSymbol(','));
		}
		const orderBy: CoqlQuery['orderBy'] = [];
		if (this.acceptKeyword('order')) {
			this.keyword('by');
			do {
				const field = this.fieldName();
				const descending = this.acceptKeyword('desc');
				if (!descending) this.acceptKeyword('asc');
				orderBy.push({ field, descending });
			} while (this.acceptSymbol(','));
		}
		let limit = DEFAULT_LIMIT;
		let offset = 0;
		if (this.acceptKeyword('limit')) {
			const first = this.count();
			if (this.acceptSymbol(',')) {
				offset = first;
				limit = this.count();
			} else {
				limit = first;
				if (this.acceptKeyword('offset')) offset = this.count();
			}
		}
		if (this.peek().kind !== 'end') throw this.unexpected();
		const fields = items.map((item) => item.field);
		return { fields, items, groupBy, module, where, orderBy, limit, offset };
	}

	/** A field or `AGGREGATE(field)`, then perhaps `as alias`. */
	private selectItem(): SelectItem {
		const name = this.peek().text.toUpperCase();
		let item: SelectItem;
		if (AGGREGATES.has(name) && this.tokens[this.pos + 1]?.text === '(') {
			this.pos += 2;
			item = { field: this.fieldName(), aggregate: name };
			if (!this.acceptSymbol(')')) throw this.unexpected();
		} else item = { field: this.fieldName() };
		if (this.acceptKeyword('as')) item.alias = this.fieldName();
		return item;
	}

	/** Two operands at most per bracket level, as Zoho asks. */
	private criteria(): Criteria {
		const left = this.operand();
		const joiner = this.isKeyword('and') ? 'and' : this.isKeyword('or') ? 'or' : undefined;
		if (!joiner) return left;
		this.pos += 1;
		const right = this.operand();
		if (this.isKeyword('and') || this.isKeyword('or'))
			throw syntaxError({ clause: 'where', reason: 'use brackets for more than two criteria' });
		return { kind: joiner, left, right };
	}

	private operand(): Criteria {
		if (this.acceptSymbol('(')) {
			const inner = this.criteria();
			if (!this.acceptSymbol(')')) throw this.unexpected();
			return inner;
		}
		return this.condition();
	}

	private condition(): Condition {
		const field = this.fieldName();
		const token = this.peek();
		if (token.kind === 'symbol' && ['=', '!=', '<>', '<', '>', '<=', '>='].includes(token.text)) {
			this.pos += 1;
			return { kind: 'condition', field, operator: token.text, values: [this.literal()] };
		}
		if (this.acceptKeyword('is')) {
			const negated = this.acceptKeyword('not');
			this.keyword('null');
			return {
				kind: 'condition',
				field,
				operator: negated ? 'is not null' : 'is null',
				values: [],
			};
		}
		const negated = this.acceptKeyword('not');
		const prefix = negated ? 'not ' : '';
		if (this.acceptKeyword('between')) {
			const low = this.literal();
			this.keyword('and');
			return {
				kind: 'condition',
				field,
				operator: `${prefix}between`,
				values: [low, this.literal()],
			};
		}
		if (this.acceptKeyword('in')) {
			if (!this.acceptSymbol('(')) throw this.unexpected();
			const values = [this.literal()];
			while (this.acceptSymbol(',')) values.push(this.literal());
			if (!this.acceptSymbol(')')) throw this.unexpected();
			return { kind: 'condition', field, operator: `${prefix}in`, values };
		}
		if (this.acceptKeyword('like')) {
			const pattern = this.peek();
			if (pattern.kind !== 'string') throw this.unexpected();
			this.pos += 1;
			return { kind: 'condition', field, operator: `${prefix}like`, values: [pattern.value] };
		}
		throw this.unexpected();
	}

	private literal(): Literal {
		const token = this.peek();
		this.pos += 1;
		if (token.kind === 'string') return token.value;
		// Record ids do not fit a double: keep long integers as their digits.
		if (token.kind === 'number')
			return /^\d{16,}$/.test(token.text) ? token.text : Number(token.text);
		if (token.kind === 'word') {
			const word = token.text.toLowerCase();
			if (word === 'true' || word === 'false') return word === 'true';
			if (word === 'null') return null;
		}
		throw this.unexpectedAt(this.pos - 1);
	}

	private count(): number {
		const token = this.peek();
		if (token.kind !== 'number' || !/^\d{1,9}$/.test(token.text)) throw this.unexpected();
		this.pos += 1;
		return Number(token.text);
	}

	private fieldName(): string {
		const token = this.peek();
		if (token.kind !== 'word' || isReserved(token.text)) throw this.unexpected();
		this.pos += 1;
		return token.text;
	}

	private peek(): Token {
		return this.tokens[Math.min(this.pos, this.tokens.length - 1)] as Token;
	}

	private isKeyword(word: string): boolean {
		const token = this.peek();
		return token.kind === 'word' && token.text.toLowerCase() === word;
	}

	private acceptKeyword(word: string): boolean {
		if (!this.isKeyword(word)) return false;
		this.pos += 1;
		return true;
	}

	private keyword(word: string): void {
		if (!this.acceptKeyword(word)) throw this.unexpected();
	}

	private acceptSymbol(symbol: string): boolean {
		const token = this.peek();
		if (token.kind !== 'symbol' || token.text !== symbol) return false;
		this.pos += 1;
		return true;
	}

	private unexpected(): CoqlRefusal {
		return this.unexpectedAt(this.pos);
	}

	private unexpectedAt(index: number): CoqlRefusal {
		const token = this.tokens[Math.min(index, this.tokens.length - 1)] as Token;
		return syntaxError({ line: 1, column: token.column, near: token.text });
	}
}

const RESERVED = new Set([
	'select',
	'from',
	'where',
	'and',
	'or',
	'order',
	'by',
	'limit',
	'offset',
	'group',
	'as',
	'not',
	'in',
	'is',
	'like',
	'between',
	'null',
]);

function isReserved(word: string): boolean {
	return RESERVED.has(word.toLowerCase());
}

// ---- Checks ----

function conditionsOf(criteria: Criteria | undefined): Condition[] {
	if (!criteria) return [];
	if (criteria.kind === 'condition') return [criteria];
	return [...conditionsOf(criteria.left), ...conditionsOf(criteria.right)];
}

function limitExceeded(details: Record<string, unknown>): CoqlRefusal {
	return new CoqlRefusal(zohoError('LIMIT_EXCEEDED', 'limit exceeded', details));
}

/** Rows a call may return, and rows a query may reach through OFFSET, by API version. */
export function coqlLimits(version: number): { perCall: number; reachable: number } {
	if (version >= 7) return { perCall: 2000, reachable: 100_000 };
	return version >= 4 ? { perCall: 2000, reachable: 10_000 } : { perCall: 200, reachable: 10_000 };
}

const duplicate = (message: string, details: Record<string, unknown>) =>
	new CoqlRefusal(zohoError('DUPLICATE_DATA', message, details));

/** Aggregates and GROUP BY: from v7, at most 5 and 4, each once; SELECT items each once. */
function checkSelect(query: CoqlQuery, version: number): void {
	const aggregates = query.items.filter((item) => item.aggregate);
	if ((aggregates.length > 0 || query.groupBy.length > 0) && version < 7)
		throw syntaxError({}, 'given coql query not supported');
	if (aggregates.length > MAX_AGGREGATES)
		throw limitExceeded({ clause: 'select', aggregate: true, limit: MAX_AGGREGATES });
	if (query.groupBy.length > MAX_GROUP_BY)
		throw limitExceeded({ clause: 'group by', limit: MAX_GROUP_BY });
	const seen = new Set<string>();
	for (const item of query.items) {
		const key = `${item.aggregate ?? ''}:${item.field.toLowerCase()}`;
		if (seen.has(key))
			throw item.aggregate
				? duplicate('duplicate aggregate function', {
						column_name: item.field,
						aggregate: item.aggregate,
					})
				: duplicate('duplicate select column', { column_name: item.field });
		seen.add(key);
	}
	const grouped = new Set<string>();
	for (const field of query.groupBy) {
		if (grouped.has(field.toLowerCase()))
			throw duplicate('duplicate data', { clause: 'group by', column_name: field });
		grouped.add(field.toLowerCase());
	}
}

function checkLimits(query: CoqlQuery, version: number): void {
	const { perCall, reachable } = coqlLimits(version);
	if (query.fields.length > MAX_FIELDS)
		throw limitExceeded({ clause: 'select', limit: MAX_FIELDS });
	checkSelect(query, version);
	const conditions = conditionsOf(query.where);
	if (conditions.length > MAX_CRITERIA)
		throw limitExceeded({ clause: 'where', limit: MAX_CRITERIA });
	const longIn = conditions.find(
		(condition) => condition.operator.endsWith('in') && condition.values.length > MAX_IN_VALUES,
	);
	if (longIn)
		throw limitExceeded({ clause: 'where', operator: longIn.operator, limit: MAX_IN_VALUES });
	if (query.orderBy.length > MAX_ORDER_BY)
		throw limitExceeded({ clause: 'order by', limit: MAX_ORDER_BY });
	const seen = new Set<string>();
	for (const { field } of query.orderBy) {
		if (seen.has(field.toLowerCase()))
			throw new CoqlRefusal(
				zohoError('DUPLICATE_DATA', 'duplicate data', { clause: 'order by', column_name: field }),
			);
		seen.add(field.toLowerCase());
	}
	if (query.limit < 1)
		throw new CoqlRefusal(zohoError('INVALID_DATA', 'limit should be greater than 0', {}));
	if (query.limit > perCall) throw limitExceeded({ clause: 'limit', limit: perCall });
	if (query.offset + query.limit > reachable)
		throw limitExceeded({ clause: 'offset', limit: reachable });
}

/** The module's fields; unknown modules, columns and ill-typed values are refused. */
function checkAgainstModule(dc: DcState, query: CoqlQuery): Map<string, FieldMeta> {
	const meta = recordModuleMeta(dc, { namespace: 'crm', module: query.module });
	if (!meta)
		throw new CoqlRefusal(
			zohoError('INVALID_QUERY', 'invalid query formed', {
				clause: 'from',
				module: query.module,
				reason: 'invalid module',
			}),
		);
	const fields = new Map(meta.fields.map((field) => [field.api_name.toLowerCase(), field]));
	const check = (name: string, clause: string): FieldMeta | undefined => {
		const [head = '', ...rest] = name.split('.');
		if (head.toLowerCase() === 'id' && rest.length === 0) return undefined;
		const field = fields.get(head.toLowerCase());
		if (!field || (rest.length > 0 && !LOOKUP_TYPES.has(field.data_type)))
			throw new CoqlRefusal(
				zohoError('INVALID_QUERY', 'column given seems to be invalid', {
					column_name: name,
					clause,
				}),
			);
		return rest.length > 0 ? undefined : field;
	};
	for (const name of query.fields) check(name, 'select');
	for (const name of query.groupBy) check(name, 'group by');
	const aliases = new Set(query.items.map((item) => itemKey(item).toLowerCase()));
	for (const { field } of query.orderBy)
		if (!aliases.has(field.toLowerCase())) check(field, 'order by');
	for (const condition of conditionsOf(query.where)) {
		const field = check(condition.field, 'where');
		if (field && ORDERING.has(condition.operator) && !ORDERED_TYPES.has(field.data_type))
			throw new CoqlRefusal(
				zohoError('INVALID_QUERY', 'Invalid query formed', {
					reason: 'invalid operator found',
					column_name: condition.field,
					operator: condition.operator,
				}),
			);
		const expected = expectedType(condition.field, field);
		if (!expected) continue;
		for (const value of condition.values) {
			if (value === null || fitsType(value, expected)) continue;
			throw new CoqlRefusal(
				zohoError('INVALID_QUERY', 'value given seems to be invalid for the column', {
					column_name: condition.field,
					expected_data_type: expected,
				}),
			);
		}
	}
	return fields;
}

function expectedType(name: string, field: FieldMeta | undefined): string | undefined {
	if (name.toLowerCase() === 'id') return 'bigint';
	if (!field) return undefined;
	if (NUMBER_TYPES.has(field.data_type)) return field.data_type;
	return field.data_type === 'boolean' ? 'boolean' : undefined;
}

function fitsType(value: Literal, expected: string): boolean {
	if (expected === 'boolean') return typeof value === 'boolean';
	if (expected === 'bigint') return /^\d{1,19}$/.test(String(value));
	return typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value));
}

// ---- Running a query ----

/** Records sorted by id once per module state (ids are the default and the keyset order). */
const byIdCache = new WeakMap<CrmRecord[], { length: number; sorted: CrmRecord[] }>();

function sortedById(records: CrmRecord[]): CrmRecord[] {
	const cached = byIdCache.get(records);
	if (cached && cached.length === records.length) return cached.sorted;
	const sorted = [...records].sort((a, b) => compareIds(a.id, b.id));
	byIdCache.set(records, { length: records.length, sorted });
	return sorted;
}

function run(
	dc: DcState,
	options: { query: CoqlQuery; meta: Map<string, FieldMeta> },
): { rows: Record<string, unknown>[]; more: boolean } {
	const { query } = options;
	const records = dc.crm.get(`crm:${query.module.toLowerCase()}`)?.records ?? [];
	const resolve = (record: CrmRecord, path: string) => fieldValue(dc, { record, path });
	const test = query.where ? predicate(query.where, resolve) : () => true;
	if (query.groupBy.length > 0 || query.items.some((item) => item.aggregate)) {
		const rows = groupRows(records.filter(test), {
			items: query.items,
			groupBy: query.groupBy,
			orderBy: query.orderBy,
			tools: {
				value: resolve,
				shown: (record, path) => shownValue(dc, { record, path, meta: options.meta }),
				compare: compareValues,
				isEmpty,
			},
		});
		const end = query.offset + query.limit;
		return { rows: rows.slice(query.offset, end), more: rows.length > end };
	}
	const wanted = query.offset + query.limit;
	let page: CrmRecord[];
	let more: boolean;
	const byIdOnly =
		query.orderBy.length === 0 ||
		(query.orderBy.length === 1 &&
			query.orderBy[0]?.field.toLowerCase() === 'id' &&
			!query.orderBy[0].descending);
	if (byIdOnly) {
		// Stop at one record past the page: enough to know whether more follow.
		const found: CrmRecord[] = [];
		const sorted = sortedById(records);
		// Keyset paging asks for `id > last`: start there instead of scanning from the first id.
		const after = query.where ? idFloor(query.where) : undefined;
		for (let i = after === undefined ? 0 : firstAbove(sorted, after); i < sorted.length; i += 1) {
			const record = sorted[i] as CrmRecord;
			if (!test(record)) continue;
			found.push(record);
			if (found.length > wanted) break;
		}
		page = found.slice(query.offset, wanted);
		more = found.length > wanted;
	} else {
		const matching = records.filter(test);
		matching.sort((a, b) => {
			for (const { field, descending } of query.orderBy) {
				const order = compareValues(resolve(a, field), resolve(b, field));
				if (order !== 0) return descending ? -order : order;
			}
			return compareIds(a.id, b.id);
		});
		page = matching.slice(query.offset, wanted);
		more = matching.length > wanted;
	}
	return {
		rows: page.map((record) => rowOf(dc, { record, items: query.items, meta: options.meta })),
		more,
	};
}

/** The `id >` (or `id >=`, as `id > n - 1`) bound every matching row must pass, when the criteria has one. */
function idFloor(criteria: Criteria): { id: string; inclusive: boolean } | undefined {
	if (criteria.kind === 'and') return idFloor(criteria.left) ?? idFloor(criteria.right);
	if (criteria.kind !== 'condition' || criteria.field.toLowerCase() !== 'id') return undefined;
	const [value] = criteria.values;
	if (value === null || value === undefined || !/^\d+$/.test(String(value))) return undefined;
	if (criteria.operator === '>') return { id: String(value), inclusive: false };
	return criteria.operator === '>=' ? { id: String(value), inclusive: true } : undefined;
}

/** Index of the first record past the bound in id order (binary search). */
function firstAbove(
	sorted: readonly CrmRecord[],
	bound: { id: string; inclusive: boolean },
): number {
	let low = 0;
	let high = sorted.length;
	while (low < high) {
		const middle = (low + high) >> 1;
		const order = compareIds((sorted[middle] as CrmRecord).id, bound.id);
		if (order > 0 || (bound.inclusive && order === 0)) high = middle;
		else low = middle + 1;
	}
	return low;
}

function rowOf(
	dc: DcState,
	options: { record: CrmRecord; items: SelectItem[]; meta: Map<string, FieldMeta> },
): Record<string, unknown> {
	const row: Record<string, unknown> = {};
	for (const item of options.items)
		row[itemKey(item)] = shownValue(dc, { ...options, path: item.field });
	row.id = options.record.id;
	return row;
}

/** A field's value as a row shows it: a lookup selected alone as `{id}`. */
function shownValue(
	dc: DcState,
	options: { record: CrmRecord; path: string; meta: Map<string, FieldMeta> },
): unknown {
	const value = fieldValue(dc, options);
	const field = options.meta.get(options.path.toLowerCase());
	return field && LOOKUP_TYPES.has(field.data_type) && isObject(value)
		? { id: value.id }
		: (value ?? null);
}

/** A field's value; `Lookup.Field` reads the looked-up record (any CRM module) when it exists. */
function fieldValue(dc: DcState, options: { record: CrmRecord; path: string }): unknown {
	const [head = '', sub] = options.path.split('.', 2);
	const own = head.toLowerCase() === 'id' ? options.record.id : valueOf(options.record, head);
	if (sub === undefined) return own;
	if (!isObject(own)) return undefined;
	if (sub.toLowerCase() === 'id') return own.id;
	if (typeof own.id === 'string') {
		for (const module of dc.crm.values()) {
			const target = module.byId.get(own.id);
			if (target) return valueOf(target, sub);
		}
	}
	return valueOf(own, sub);
}

/** Field names are case-insensitive in COQL. */
function valueOf(record: Record<string, unknown>, name: string): unknown {
	if (name in record) return record[name];
	const lower = name.toLowerCase();
	const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === lower);
	return key === undefined ? undefined : record[key];
}

function predicate(
	criteria: Criteria,
	resolve: (record: CrmRecord, path: string) => unknown,
): (record: CrmRecord) => boolean {
	if (criteria.kind !== 'condition') {
		const left = predicate(criteria.left, resolve);
		const right = predicate(criteria.right, resolve);
		return criteria.kind === 'and'
			? (record) => left(record) && right(record)
			: (record) => left(record) || right(record);
	}
	const { field, operator, values } = criteria;
	const [first = null, second = null] = values;
	const compareTo = (record: CrmRecord, wanted: Literal): number =>
		compareValues(scalar(resolve(record, field)), wanted);
	switch (operator) {
		case '=':
			return (record) => anyValue(resolve(record, field), (value) => equal(value, first));
		case '!=':
		case '<>':
			return (record) => !anyValue(resolve(record, field), (value) => equal(value, first));
		case '<':
			return (record) => compareTo(record, first) < 0;
		case '>':
			return (record) => compareTo(record, first) > 0;
		case '<=':
			return (record) => compareTo(record, first) <= 0;
		case '>=':
			return (record) => compareTo(record, first) >= 0;
		case 'is null':
			return (record) => isEmpty(resolve(record, field));
		case 'is not null':
			return (record) => !isEmpty(resolve(record, field));
		case 'between':
			return (record) => compareTo(record, first) >= 0 && compareTo(record, second) <= 0;
		case 'not between':
			return (record) => !(compareTo(record, first) >= 0 && compareTo(record, second) <= 0);
		case 'in':
			return (record) =>
				anyValue(resolve(record, field), (value) => values.some((wanted) => equal(value, wanted)));
		case 'not in':
			return (record) =>
				!anyValue(resolve(record, field), (value) => values.some((wanted) => equal(value, wanted)));
		case 'like':
		case 'not like': {
			const pattern = likePattern(String(first));
			const matches = (record: CrmRecord) =>
				anyValue(resolve(record, field), (value) => pattern.test(String(value ?? '')));
			return operator === 'like' ? matches : (record) => !matches(record);
		}
		default:
			throw new Error(`COQL operator without evaluation: ${operator}`);
	}
}

/** `%` at either end: starts with, ends with, contains. */
function likePattern(pattern: string): RegExp {
	const escaped = pattern
		.split('%')
		.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
		.join('.*');
	return new RegExp(`^${escaped}$`, 'is');
}

function isEmpty(value: unknown): boolean {
	return (
		value === undefined ||
		value === null ||
		value === '' ||
		(Array.isArray(value) && value.length === 0)
	);
}

/** Multi-select values match when any of them does. */
function anyValue(value: unknown, test: (value: unknown) => boolean): boolean {
	return Array.isArray(value) ? value.some(test) : test(scalar(value));
}

/** A lookup compares by its id. */
function scalar(value: unknown): unknown {
	return isObject(value) ? value.id : value;
}

function equal(value: unknown, wanted: Literal): boolean {
	if (wanted === null) return isEmpty(value);
	return compareValues(value, wanted) === 0;
}

/** Ids and numbers as numbers, times as times, text case-insensitively; empty sorts first. */
function compareValues(a: unknown, b: unknown): number {
	if (isEmpty(a) || isEmpty(b)) return isEmpty(a) === isEmpty(b) ? 0 : isEmpty(a) ? -1 : 1;
	if (typeof a === 'boolean' || typeof b === 'boolean') return String(a) === String(b) ? 0 : 1;
	const ta = String(a);
	const tb = String(b);
	if (/^\d{16,}$/.test(ta) && /^\d+$/.test(tb)) return compareIds(ta, tb.replace(/^0+(?=\d)/, ''));
	const na = Number(ta);
	const nb = Number(tb);
	if (ta !== '' && tb !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
	if (/^\d{4}-\d{2}-\d{2}/.test(ta) && /^\d{4}-\d{2}-\d{2}/.test(tb)) {
		const da = Date.parse(ta);
		const db = Date.parse(tb);
		if (!Number.isNaN(da) && !Number.isNaN(db)) return da - db;
	}
	return ta.toLowerCase().localeCompare(tb.toLowerCase());
}

/** Record ids are digit strings without leading zeros, longer than a double holds exactly. */
function compareIds(a: string, b: string): number {
	if (a.length !== b.length) return a.length - b.length;
	return a < b ? -1 : a > b ? 1 : 0;
}
