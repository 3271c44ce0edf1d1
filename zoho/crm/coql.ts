/**
 * COQL queries: quoting, building, splitting a user's query into its clauses, and reading
 * it to its end (or to a limit), a page of up to Zoho's rows-a-call at a time (COQL_LIMITS,
 * by version); a query ordered by id (or not ordered: Zoho then orders by id) is read on
 * past the OFFSET ceiling by asking for `id > <last id>` (keyset paging), so "all rows"
 * means all; any other order, and any aggregate or GROUP BY query (its rows have no id),
 * reads by OFFSET up to that ceiling, failing rather than stopping short. Aggregates
 * (SUM, MAX, MIN, AVG, COUNT), aliases and GROUP BY are sent as written (v7 and later:
 * https://www.zoho.com/crm/developer/docs/api/v7/COQL-Limitations.html).
 * Sources: https://www.zoho.com/crm/developer/docs/api/v8/COQL-Limitations.html, spec
 * `v8.0/coql.json` (operation "Get Records": SYNTAX_ERROR, INVALID_QUERY, LIMIT_EXCEEDED,
 * DUPLICATE_DATA and their `details`; answer `{data, info}` from record.json).
 */
import { z } from 'zod';
import { restateApiError } from '../api/apiErrors';
import { zohoHint } from '../api/hints';
import type { ZohoApi } from '../api/apiClient';
import { isZohoError, ZohoInputError, ZohoTransportError } from '../errors';
import { ZOHO_ID } from '../formats';
import { checkFieldNames, checkModuleName, type CrmTarget } from './module';

/** Zoho's ceilings for a query: 50 fields in SELECT, 25 criteria, 50 values in IN, 10 in ORDER BY. */
export const COQL_MAX_FIELDS = 50;

/**
 * Rows a call may return and rows a query reaches through LIMIT/OFFSET, by CRM API version
 * (Zoho's COQL-Limitations page of each version: v2 and v3 200 and 10,000; v4–v6 2,000 and
 * 10,000, figures from Zoho's pages for v4 and v6, v5's not seen; v7 and v8 2,000 and 100,000).
 */
export function coqlLimits(version: string): { perCall: number; reachable: number } {
	const number = Number(version.replace(/^v/, ''));
	return { perCall: number >= 4 ? 2000 : 200, reachable: number >= 7 ? 100_000 : 10_000 };
}

/** The clauses of one COQL query; `where`, `groupBy` and `orderBy` are COQL text. */
export interface CoqlParts {
	select: string[];
	from: string;
	where?: string;
	groupBy?: string;
	orderBy?: string;
}

/** A SELECT item: a field, or an aggregate of one (`COUNT(id)`), with or without `as alias`. */
const SELECT_ITEM =
	/^(?:(?:sum|max|min|avg|count)\(\s*([^()\s]+)\s*\)|([^()\s]+))(?:\s+as\s+\w+)?$/i;

/** The field a SELECT item reads, or the item itself when it is no field. */
function selectedField(item: string): string {
	const match = SELECT_ITEM.exec(item);
	return match?.[1] ?? match?.[2] ?? item;
}

/** A query of aggregates or groups: its rows carry no id. */
function isAggregate(parts: CoqlParts): boolean {
	return parts.groupBy !== undefined || parts.select.some((item) => /\(/.test(item));
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
	checkFieldNames(parts.select.map(selectedField), 'Query');
	let text = `select ${parts.select.join(', ')} from ${parts.from}`;
	if (parts.where) text += ` where ${parts.where}`;
	if (parts.groupBy) text += ` group by ${parts.groupBy}`;
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
	const body = (name: ClauseName) => found.find((clause) => clause.name === name)?.body;
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
	const [where, groupBy, orderBy] = [body('where'), body('group by'), body('order by')];
	return {
		select: (body('select') ?? '').split(',').map((field) => field.trim()),
		from,
		...(where ? { where } : {}),
		...(groupBy ? { groupBy } : {}),
		...(orderBy ? { orderBy } : {}),
	};
}

type ClauseName = 'select' | 'from' | 'where' | 'group by' | 'order by' | 'limit' | 'offset';

/**
 * Each clause of `text`, its keyword found outside quotes and brackets: the keyword's
 * start, and the clause's body (trimmed, no closing `;`) and where that starts.
 */
function clauses(
	text: string,
): Array<{ name: ClauseName; start: number; body: string; at: number }> {
	const marks: Array<{ name: ClauseName; start: number; end: number }> = [];
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
			const keyword = /^(select|from|where|group\s+by|order\s+by|limit|offset)(?=\s|$)/i.exec(
				text.slice(i),
			);
			if (keyword?.[1]) {
				const name = keyword[1].toLowerCase().replace(/\s+/, ' ') as ClauseName;
				marks.push({ name, start: i, end: i + keyword[1].length });
				i += keyword[1].length - 1;
			}
		}
	}
	return marks.map((mark, index) => {
		const raw = text.slice(mark.end, marks[index + 1]?.start ?? text.length);
		const body = raw.trim().replace(/;$/, '').trimEnd();
		return { name: mark.name, start: mark.start, body, at: mark.end + raw.indexOf(body) };
	});
}

/**
 * Keyset paging (by id after the last row) when the rows come in id order (no ORDER BY, or
 * ORDER BY id [asc]) and carry ids (no aggregates, no GROUP BY).
 */
export function pagesById(parts: CoqlParts): boolean {
	if (isAggregate(parts)) return false;
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
		// Rows of aggregates and groups carry no id.
		data: z.array(z.object({ id: z.string().min(1).optional() }).passthrough()),
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

// ---- Reading ----

export type CoqlRow = { id?: string } & Record<string, unknown>;

/** The rows of `query`, a page at a time; at most `limit` rows when given. */
export async function* coqlPages(
	api: ZohoApi,
	options: { target: CrmTarget; query: string; limit?: number },
): AsyncGenerator<CoqlRow[]> {
	const parts = splitCoqlQuery(options.query);
	const { perCall, reachable } = coqlLimits(options.target.crmVersion);
	const byId = pagesById(parts);
	const wanted = options.limit ?? Number.POSITIVE_INFINITY;
	// A query changes nothing at Zoho: sending it again after a lost answer is safe.
	const retrying = api.with({ retryNonIdempotent: true });
	let read = 0;
	let afterId: string | undefined;
	while (read < wanted) {
		let size = Math.min(perCall, wanted - read);
		if (!byId) {
			if (read >= reachable)
				throw new ZohoInputError(
					'Query',
					`The query has more than ${reachable.toLocaleString('en')} rows, and Zoho reads a query ${isAggregate(parts) ? 'of aggregates or groups' : 'ordered by other than id'} only that far (LIMIT/OFFSET).`,
					isAggregate(parts)
						? 'Narrow the WHERE clause, group by fewer fields, or set a Limit.'
						: 'Remove ORDER BY (or order by id) so the rows can be read on by id, narrow the WHERE clause, or set a Limit.',
				);
			size = Math.min(size, reachable - read);
		}
		const text = byId
			? keysetQuery(parts, { limit: size, ...(afterId === undefined ? {} : { afterId }) })
			: buildCoqlQuery(parts, { limit: size, offset: read });
		const answer = await retrying
			.read(
				{ method: 'POST', base: options.target, path: '/coql', json: { select_query: text } },
				{
					schema: coqlAnswerSchema,
					what: 'COQL rows',
					hint: 'Run the query again; if the answer stays so, report it.',
				},
			)
			.catch((error: unknown) => {
				throw queryRefusal(error, { sent: text, user: options.query });
			});
		// An empty result is HTTP 204 with no body.
		const rows = answer?.data ?? [];
		if (rows.length > 0) yield rows;
		read += rows.length;
		if (!answer?.info.more_records || rows.length < size) return;
		afterId = rows[rows.length - 1]?.id;
		if (byId && afterId === undefined)
			throw new ZohoTransportError(
				'INVALID_RESPONSE',
				"Zoho's COQL rows carry no id, so the read cannot go on by id.",
				{ hint: 'Set a Limit, or add ORDER BY on another field; report this answer.' },
			);
	}
}

/** Zoho's refusal of a query, naming its code and the clause (and column or position) at fault. */
function queryRefusal(error: unknown, query: { sent: string; user: string }): unknown {
	if (!isZohoError(error) || error.code !== 'API_ERROR' || error.zohoCode === undefined)
		return error;
	const details = (error.body as { details?: Record<string, unknown> } | undefined)?.details ?? {};
	const where: string[] = [];
	if (typeof details.clause === 'string')
		where.push(`in its ${details.clause.toUpperCase()} clause`);
	if (typeof details.column_name === 'string') where.push(`at column ${details.column_name}`);
	if (typeof details.operator === 'string') where.push(`(operator ${details.operator})`);
	if (typeof details.api_name === 'string') where.push(`(key ${details.api_name})`);
	if (typeof details.reason === 'string') where.push(`(${details.reason})`);
	if (details.near !== undefined)
		where.push(`near '${String(details.near)}' ${nearWhere(details, query)}`);
	if (details.limit !== undefined) where.push(`(limit ${String(details.limit)})`);
	const said = error.zohoMessage ? `: ${error.zohoMessage}` : '';
	return restateApiError(error, {
		message: `Zoho refused the COQL query (${error.zohoCode})${where.length > 0 ? ` ${where.join(' ')}` : ''}${said}.`,
		field: 'Query',
		hint: `${zohoHint(error.zohoCode, 'coql') ?? "Check the query against Zoho's message."} Sent: ${query.sent}`,
	});
}

/** Zoho counts lines and columns in the query the node sent; the user wants them in their own. */
function nearWhere(
	details: Record<string, unknown>,
	query: { sent: string; user: string },
): string {
	const line = Number(details.line ?? 1);
	const column = Number(details.column);
	if (!Number.isInteger(line) || !Number.isInteger(column)) return '';
	const at = userPosition(query, { line, column });
	return at === undefined
		? '(in what the node adds to page the query)'
		: `(line ${at.line}, column ${at.column} of the query)`;
}
