/**
 * COQL queries: quoting, building, splitting a user's query into its clauses, and paging
 * past Zoho's limits. Zoho returns up to 2,000 rows a call and 100,000 a query through
 * LIMIT/OFFSET (v7 and later; 200 and 10,000 on v2); a query ordered by id (or not ordered:
 * Zoho then orders by id) can go on past that by asking for `id > <last id>` (keyset
 * paging), so "all rows" means all. Sources:
 * https://www.zoho.com/crm/developer/docs/api/v8/COQL-Limitations.html, spec
 * `v8.0/coql.json` (operation "Get Records"; answer `{data, info}` from record.json).
 */
import { z } from 'zod';
import { ZohoInputError } from '../errors';
import { checkFieldNames } from './apiNames';
import { checkModuleName } from './module';

export const COQL_MAX_LIMIT = 2000;
export const COQL_MAX_OFFSET_ROWS = 100_000;
export const COQL_MAX_FIELDS = 50;
export const COQL_DEFAULT_LIMIT = 200;

export type CoqlValue = string | number | boolean | null | Date;

/** A string in single quotes, with backslashes and quotes escaped by a backslash. */
export function quoteCoqlString(value: string): string {
	return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A value as COQL writes it: text quoted, dates as Zoho date-times, null bare. */
export function coqlLiteral(value: CoqlValue): string {
	if (value === null) return 'null';
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime()))
			throw new ZohoInputError(
				'Query',
				'A date in the query is not a valid date.',
				'Give a valid date and time.',
			);
		return quoteCoqlString(`${value.toISOString().slice(0, 19)}+00:00`);
	}
	if (typeof value === 'number') {
		if (!Number.isFinite(value))
			throw new ZohoInputError(
				'Query',
				'A number in the query is not finite.',
				'Give a real number.',
			);
		return String(value);
	}
	return typeof value === 'boolean' ? String(value) : quoteCoqlString(value);
}

/** The clauses of one COQL query; `where` and `orderBy` are COQL text. */
export interface CoqlParts {
	select: string[];
	from: string;
	where?: string;
	orderBy?: string;
	limit?: number;
	offset?: number;
}

/** A query from its clauses: `select … from … where … order by … limit offset, count`. */
export function buildCoqlQuery(parts: CoqlParts): string {
	checkModuleName(parts.from, 'Query');
	if (parts.select.length === 0 || parts.select.length > COQL_MAX_FIELDS)
		throw new ZohoInputError(
			'Query',
			`A COQL query selects 1 to ${COQL_MAX_FIELDS} fields; this one selects ${parts.select.length}.`,
			'Select fewer fields, or split the read into several queries.',
		);
	checkFieldNames(parts.select, 'Query');
	const limit = parts.limit ?? COQL_DEFAULT_LIMIT;
	const offset = parts.offset ?? 0;
	if (!Number.isInteger(limit) || limit < 1 || limit > COQL_MAX_LIMIT)
		throw new ZohoInputError(
			'Limit',
			`A COQL call returns 1 to ${COQL_MAX_LIMIT} rows.`,
			`Set a limit up to ${COQL_MAX_LIMIT}; Return All pages for you.`,
		);
	if (!Number.isInteger(offset) || offset < 0 || offset + limit > COQL_MAX_OFFSET_ROWS)
		throw new ZohoInputError(
			'Offset',
			`Zoho reaches at most ${COQL_MAX_OFFSET_ROWS} rows of a query through OFFSET.`,
			'Order by id (or not at all) so the read can go on by id instead of by offset.',
		);
	let text = `select ${parts.select.join(', ')} from ${parts.from}`;
	if (parts.where !== undefined && parts.where.trim() !== '')
		text += ` where ${parts.where.trim()}`;
	if (parts.orderBy !== undefined && parts.orderBy.trim() !== '')
		text += ` order by ${parts.orderBy.trim()}`;
	return `${text} limit ${offset}, ${limit}`;
}

/**
 * Splits a user's query into its clauses, honouring quotes and brackets, so the node can
 * page it. Throws ZohoInputError when there is no SELECT … FROM.
 */
export function splitCoqlQuery(query: string): CoqlParts {
	const text = query.trim().replace(/;\s*$/, '');
	const marks = clauseMarks(text);
	const find = (name: string) => marks.find((mark) => mark.name === name);
	const select = find('select');
	const from = find('from');
	if (!select || select.start !== 0 || !from)
		throw new ZohoInputError(
			'Query',
			'A COQL query starts with SELECT <fields> FROM <module>.',
			'For example: select Last_Name, Email from Contacts where Last_Name is not null',
		);
	const bodyOf = (index: number): string => {
		const mark = marks[index];
		const next = marks[index + 1];
		return text.slice((mark?.start ?? 0) + (mark?.length ?? 0), next?.start ?? text.length).trim();
	};
	const parts: CoqlParts = { select: [], from: '' };
	marks.forEach((mark, index) => {
		const body = bodyOf(index);
		if (mark.name === 'select') parts.select = body.split(',').map((field) => field.trim());
		else if (mark.name === 'from') parts.from = body;
		else if (mark.name === 'where') parts.where = body;
		else if (mark.name === 'order by') parts.orderBy = body;
		else if (mark.name === 'limit') Object.assign(parts, limitOf(body));
		else if (mark.name === 'offset') parts.offset = count(body, 'Offset');
	});
	return parts;
}

interface ClauseMark {
	name: 'select' | 'from' | 'where' | 'order by' | 'limit' | 'offset';
	start: number;
	length: number;
}

/** Where each clause keyword starts, outside quotes and brackets. */
function clauseMarks(text: string): ClauseMark[] {
	const marks: ClauseMark[] = [];
	let depth = 0;
	let quoted = false;
	for (let i = 0; i < text.length; i += 1) {
		const char = text[i];
		if (quoted) {
			if (char === '\\') i += 1;
			else if (char === "'") quoted = false;
			continue;
		}
		if (char === "'") quoted = true;
		else if (char === '(') depth += 1;
		else if (char === ')') depth -= 1;
		else if (depth === 0 && (i === 0 || /\s/.test(text[i - 1] ?? ''))) {
			const keyword = /^(select|from|where|order\s+by|limit|offset)(?=\s|$)/i.exec(text.slice(i));
			if (keyword?.[1]) {
				const name = keyword[1].toLowerCase().replace(/\s+/, ' ') as ClauseMark['name'];
				marks.push({ name, start: i, length: keyword[1].length });
				i += keyword[1].length - 1;
			}
		}
	}
	return marks;
}

function limitOf(body: string): Pick<CoqlParts, 'limit' | 'offset'> {
	const [first = '', second] = body.split(',').map((part) => part.trim());
	return second === undefined
		? { limit: count(first, 'Limit') }
		: { offset: count(first, 'Offset'), limit: count(second, 'Limit') };
}

function count(text: string, field: string): number {
	if (!/^\d{1,9}$/.test(text))
		throw new ZohoInputError(
			field,
			`'${text}' is not a row count.`,
			'Write a whole number, e.g. limit 200.',
		);
	return Number(text);
}

/** How a query can be read to its end: by id after the last row, or by offset. */
export type CoqlPaging = { kind: 'keyset' } | { kind: 'offset'; maxRows: number };

/** Keyset when the rows come in id order (no ORDER BY, or ORDER BY id [asc]). */
export function coqlPaging(parts: CoqlParts): CoqlPaging {
	const order = parts.orderBy?.trim().toLowerCase();
	const byId = order === undefined || order === '' || /^id(\s+asc)?$/.test(order);
	return byId ? { kind: 'keyset' } : { kind: 'offset', maxRows: COQL_MAX_OFFSET_ROWS };
}

/**
 * The query for the next page in id order: the user's criteria in brackets and `id >` the
 * last id seen (none for the first page). Zoho asks for brackets around each pair of criteria.
 */
export function keysetQuery(
	parts: CoqlParts,
	options: { afterId?: string; limit: number },
): string {
	const { afterId } = options;
	if (afterId !== undefined && !/^\d{1,25}$/.test(afterId))
		throw new ZohoInputError(
			'Query',
			`Zoho answered a row id '${afterId}' that is not a number.`,
			'Report this answer; the read cannot go on by id.',
		);
	const own = parts.where?.trim();
	const next = afterId === undefined ? 'id is not null' : `id > ${afterId}`;
	const where = own ? `(${own}) and (${next})` : next;
	return buildCoqlQuery({ ...parts, where, orderBy: 'id asc', limit: options.limit, offset: 0 });
}

// ---- Answers ----

/** `POST /crm/{v}/coql` answer (an empty result is HTTP 204 with no body). */
export const coqlAnswerSchema = z
	.object({
		data: z.array(z.object({ id: z.string().min(1) }).passthrough()),
		info: z
			.object({ count: z.number().int().nonnegative(), more_records: z.boolean() })
			.passthrough(),
	})
	.passthrough();
export type CoqlAnswer = z.infer<typeof coqlAnswerSchema>;

/** Credits a call costs by its LIMIT: 1 up to 200, 2 up to 1000, 3 up to 2000. */
export function coqlCredits(limit: number): number {
	if (limit <= 200) return 1;
	return limit <= 1000 ? 2 : 3;
}
