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
import { ZOHO_ID } from '../formats';
import { checkFieldNames } from './apiNames';
import { checkModuleName } from './module';

/** Zoho's ceilings for a query: 50 fields in SELECT, 25 criteria, 50 values in IN, 10 in ORDER BY. */
export const COQL_MAX_FIELDS = 50;

interface CoqlLimits {
	/** Rows a call may return. */
	perCall: number;
	/** Rows a query reaches through LIMIT/OFFSET. */
	reachable: number;
}

/** By the first CRM API version each applies to, newest first (v3–v6 as v2's ceiling: assumed). */
const COQL_LIMITS: ReadonlyArray<{ from: number } & CoqlLimits> = [
	{ from: 7, perCall: 2000, reachable: 100_000 },
	{ from: 3, perCall: 2000, reachable: 10_000 },
	{ from: 0, perCall: 200, reachable: 10_000 },
];

export function coqlLimits(version: string): CoqlLimits {
	const number = Number(version.replace(/^v/, ''));
	const { perCall, reachable } =
		COQL_LIMITS.find((limits) => number >= limits.from) ?? COQL_LIMITS[COQL_LIMITS.length - 1]!;
	return { perCall, reachable };
}

/** The most any version allows: a query built past it is wrong everywhere. */
const CEILING = COQL_LIMITS[0]!;

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
	const limit = parts.limit ?? 200;
	const offset = parts.offset ?? 0;
	if (!Number.isInteger(limit) || limit < 1 || limit > CEILING.perCall)
		throw new ZohoInputError(
			'Limit',
			`A COQL call returns 1 to ${CEILING.perCall} rows.`,
			`Set a limit up to ${CEILING.perCall}; Return All pages for you.`,
		);
	if (!Number.isInteger(offset) || offset < 0 || offset + limit > CEILING.reachable)
		throw new ZohoInputError(
			'Offset',
			`Zoho reaches at most ${CEILING.reachable} rows of a query through OFFSET.`,
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

/** Keyset paging (by id after the last row) when the rows come in id order (no ORDER BY, or ORDER BY id [asc]). */
export function pagesById(parts: CoqlParts): boolean {
	const order = parts.orderBy?.trim().toLowerCase();
	return order === undefined || order === '' || /^id(\s+asc)?$/.test(order);
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
	if (afterId !== undefined && !ZOHO_ID.test(afterId))
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

/**
 * Where a position Zoho gave in the query the node sent (1-based line and column) lies in
 * the user's own query, or undefined when it falls in what the node added for paging.
 * The sent query repeats the user's SELECT fields, module, WHERE and ORDER BY text in
 * that order (buildCoqlQuery), so each piece is found in it in turn.
 */
export function userPosition(
	options: { user: string; sent: string },
	at: { line: number; column: number },
): { line: number; column: number } | undefined {
	const { user, sent } = options;
	const sentOffset =
		sent
			.split('\n')
			.slice(0, at.line - 1)
			.reduce((sum, line) => sum + line.length + 1, 0) +
		at.column -
		1;
	let cursor = 0;
	for (const piece of userPieces(user)) {
		const start = sent.indexOf(piece.text, cursor);
		if (start < 0) continue;
		cursor = start + piece.text.length;
		if (sentOffset < start || sentOffset >= cursor) continue;
		const before = user.slice(0, piece.at + sentOffset - start).split('\n');
		return { line: before.length, column: (before[before.length - 1] ?? '').length + 1 };
	}
	return undefined;
}

/** The user's SELECT fields, module, WHERE and ORDER BY texts, with their offsets in `user`. */
function userPieces(user: string): Array<{ text: string; at: number }> {
	const marks = clauseMarks(user);
	const pieces: Array<{ text: string; at: number }> = [];
	const add = (from: number, to: number) => {
		const raw = user.slice(from, to);
		const text = raw.trim().replace(/;$/, '').trim();
		if (text !== '') pieces.push({ text, at: from + raw.indexOf(text) });
	};
	marks.forEach((mark, index) => {
		const from = mark.start + mark.length;
		const to = marks[index + 1]?.start ?? user.length;
		if (mark.name === 'select') {
			let start = from;
			for (const field of user.slice(from, to).split(',')) {
				add(start, start + field.length);
				start += field.length + 1;
			}
		} else if (mark.name !== 'limit' && mark.name !== 'offset') add(from, to);
	});
	return pieces;
}
