/**
 * Reads a COQL query to its end (or to a limit), a page of up to Zoho's rows-a-call at a
 * time: by id after the last row (keyset) when the rows come in id order, so "all rows"
 * goes past Zoho's LIMIT/OFFSET ceiling; by OFFSET up to that ceiling otherwise, failing
 * rather than stopping short. Sources: https://www.zoho.com/crm/developer/docs/api/v8/COQL-Limitations.html
 * (2,000 rows a call and 100,000 through OFFSET from v7; the v2 page: 200 and 10,000),
 * spec `v8.0/coql.json` (operation "Get Records": SYNTAX_ERROR, INVALID_QUERY,
 * LIMIT_EXCEEDED, DUPLICATE_DATA and their `details`).
 */
import { restateApiError } from '../api/apiErrors';
import type { ZohoApi } from '../api/zohoApi';
import { isZohoError, ZohoInputError } from '../errors';
import {
	buildCoqlQuery,
	coqlAnswerSchema,
	coqlPaging,
	keysetQuery,
	splitCoqlQuery,
	type CoqlParts,
} from './coql';
import type { CrmTarget } from './module';

/** Rows a call may return and rows a query reaches through OFFSET, by CRM API version (v3–v6 as v2's ceiling: assumed). */
export function coqlLimits(version: string): { perCall: number; reachable: number } {
	const number = Number(version.replace(/^v/, ''));
	if (number >= 7) return { perCall: 2000, reachable: 100_000 };
	return number >= 3 ? { perCall: 2000, reachable: 10_000 } : { perCall: 200, reachable: 10_000 };
}

export type CoqlRow = { id: string } & Record<string, unknown>;

/** The rows of `query`, a page at a time; at most `limit` rows when given. */
export async function* coqlPages(
	api: ZohoApi,
	options: { target: CrmTarget; query: string; limit?: number },
): AsyncGenerator<CoqlRow[]> {
	const parts = readQuery(options.query);
	const { perCall, reachable } = coqlLimits(options.target.crmVersion);
	const paging = coqlPaging(parts);
	const wanted = options.limit ?? Number.POSITIVE_INFINITY;
	let read = 0;
	let afterId: string | undefined;
	while (read < wanted) {
		let size = Math.min(perCall, wanted - read);
		if (paging.kind === 'offset') {
			if (read >= reachable) throw pastOffsetCeiling(reachable);
			size = Math.min(size, reachable - read);
		}
		const text =
			paging.kind === 'keyset'
				? keysetQuery(parts, { limit: size, ...(afterId === undefined ? {} : { afterId }) })
				: buildCoqlQuery({ ...parts, limit: size, offset: read });
		const page = await fetchPage(api, { target: options.target, text });
		if (page.rows.length > 0) yield page.rows;
		read += page.rows.length;
		afterId = page.rows[page.rows.length - 1]?.id;
		if (!page.more || page.rows.length < size) return;
	}
}

/** The user's query as clauses; its own LIMIT and OFFSET would fight the paging. */
function readQuery(query: string): CoqlParts {
	const parts = splitCoqlQuery(query);
	if (parts.limit !== undefined || parts.offset !== undefined)
		throw new ZohoInputError(
			'Query',
			'The query has a LIMIT or OFFSET of its own, but the operation pages through the rows itself.',
			'Remove LIMIT and OFFSET from the query; use Return All, or Limit for the number of rows.',
		);
	return parts;
}

function pastOffsetCeiling(reachable: number): ZohoInputError {
	return new ZohoInputError(
		'Query',
		`The query has more than ${reachable.toLocaleString('en')} rows, and Zoho reads a query ordered by other than id only that far (LIMIT/OFFSET).`,
		'Remove ORDER BY (or order by id) so the rows can be read on by id, narrow the WHERE clause, or set a Limit.',
	);
}

async function fetchPage(
	api: ZohoApi,
	options: { target: CrmTarget; text: string },
): Promise<{ rows: CoqlRow[]; more: boolean }> {
	const { text } = options;
	try {
		// A query changes nothing at Zoho: sending it again after a lost answer is safe.
		const answer = await api.with({ retryNonIdempotent: true }).read(
			{ method: 'POST', base: options.target, path: '/coql', json: { select_query: text } },
			{
				schema: coqlAnswerSchema,
				what: 'COQL rows',
				hint: 'Run the query again; if the answer stays so, report it.',
			},
		);
		return answer
			? { rows: answer.data, more: answer.info.more_records }
			: { rows: [], more: false };
	} catch (error) {
		throw queryRefusal(error, text);
	}
}

const CODE_HINTS: Record<string, string> = {
	SYNTAX_ERROR:
		"Check the query against COQL's grammar: select <fields> from <Module> where <criteria> order by <field>; text in single quotes, brackets around each pair of criteria beyond two.",
	INVALID_QUERY:
		"Check the column Zoho names: API names are case-sensitive, and a value must fit the field's type (numbers bare, text and dates quoted).",
	LIMIT_EXCEEDED:
		'Zoho allows 50 fields in SELECT, 25 criteria in WHERE, 50 values in IN and 10 fields in ORDER BY.',
	DUPLICATE_DATA: 'Name each field once in ORDER BY.',
};

/** Zoho's refusal of a query, naming its code and the clause (and column or position) at fault. */
function queryRefusal(error: unknown, text: string): unknown {
	if (!isZohoError(error) || error.code !== 'API_ERROR' || error.zohoCode === undefined)
		return error;
	const details = (error.body as { details?: Record<string, unknown> } | undefined)?.details ?? {};
	const where: string[] = [];
	if (typeof details.clause === 'string')
		where.push(`in its ${details.clause.toUpperCase()} clause`);
	if (typeof details.column_name === 'string') where.push(`at column ${details.column_name}`);
	if (details.near !== undefined)
		where.push(
			`near '${String(details.near)}' (line ${String(details.line ?? 1)}, column ${String(details.column ?? '?')})`,
		);
	if (details.limit !== undefined) where.push(`(limit ${String(details.limit)})`);
	const said = error.zohoMessage ? `: ${error.zohoMessage}` : '';
	return restateApiError(error, {
		message: `Zoho refused the COQL query (${error.zohoCode})${where.length > 0 ? ` ${where.join(' ')}` : ''}${said}.`,
		field: 'Query',
		hint: `${CODE_HINTS[error.zohoCode] ?? "Check the query against Zoho's message."} Sent: ${text}`,
	});
}
