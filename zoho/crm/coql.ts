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

/** The clauses of one COQL query; `where` and `orderBy` are COQL text. */
export interface CoqlParts {
	select: string[];
	from: string;
	where?: string;
	orderBy?: string;
}

/** A query from its clauses and a page: `select … from … where … order by … limit offset, count`. */
export function buildCoqlQuery(parts: CoqlParts, page: { limit: number; offset: number }): string {
	checkModuleName(parts.from, 'Query');
	if (parts.select.length === 0 || parts.select.length > COQL_MAX_FIELDS)
		throw new ZohoInputError(
			'Query',
			`A COQL query selects 1 to ${COQL_MAX_FIELDS} fields; this one selects ${parts.select.length}.`,
			'Select fewer fields, or split the read into several queries.',
		);
	checkFieldNames(parts.select, 'Query');
	let text = `select ${parts.select.join(', ')} from ${parts.from}`;
	if (parts.where) text += ` where ${parts.where}`;
	if (parts.orderBy) text += ` order by ${parts.orderBy}`;
	return `${text} limit ${page.offset}, ${page.limit}`;
}

/**
 * Splits a user's query into its clauses, honouring quotes and brackets, so the node can
 * page it. Throws ZohoInputError when there is no SELECT … FROM, or there is a LIMIT or
 * OFFSET of its own (it would fight the paging).
 */
export function splitCoqlQuery(query: string): CoqlParts {
	const found = clauses(query.trim());
	const body = (name: ClauseMark['name']) => found.find((clause) => clause.name === name)?.body;
	const from = body('from');
	if (found[0]?.name !== 'select' || found[0].start !== 0 || from === undefined)
		throw new ZohoInputError(
			'Query',
			'A COQL query starts with SELECT <fields> FROM <module>.',
			'For example: select Last_Name, Email from Contacts where Last_Name is not null',
		);
	if (body('limit') !== undefined || body('offset') !== undefined)
		throw new ZohoInputError(
			'Query',
			'The query has a LIMIT or OFFSET of its own, but the operation pages through the rows itself.',
			'Remove LIMIT and OFFSET from the query; use Return All, or Limit for the number of rows.',
		);
	const [where, orderBy] = [body('where'), body('order by')];
	return {
		select: (body('select') ?? '').split(',').map((field) => field.trim()),
		from,
		...(where ? { where } : {}),
		...(orderBy ? { orderBy } : {}),
	};
}

interface ClauseMark {
	name: 'select' | 'from' | 'where' | 'order by' | 'limit' | 'offset';
	start: number;
	length: number;
}

/** Each clause of `text`: its keyword's start, and its body (trimmed, no closing `;`) and where that starts. */
function clauses(text: string): Array<ClauseMark & { body: string; at: number }> {
	const marks = clauseMarks(text);
	return marks.map((mark, index) => {
		const from = mark.start + mark.length;
		const raw = text.slice(from, marks[index + 1]?.start ?? text.length);
		const body = raw.trim().replace(/;$/, '').trimEnd();
		return { ...mark, body, at: from + raw.indexOf(body) };
	});
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
	return buildCoqlQuery(
		{ ...parts, where, orderBy: 'id asc' },
		{ limit: options.limit, offset: 0 },
	);
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
	return clauses(user).flatMap((clause) => {
		if (clause.name === 'limit' || clause.name === 'offset') return [];
		if (clause.name !== 'select') return [{ text: clause.body, at: clause.at }];
		let at = clause.at;
		return clause.body.split(',').map((field) => {
			const piece = { text: field.trim(), at: at + field.length - field.trimStart().length };
			at += field.length + 1;
			return piece;
		});
	});
}
