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
import { zohoHint } from '../api/hints';
import type { ZohoApi } from '../api/zohoApi';
import { isZohoError, ZohoInputError } from '../errors';
import {
	buildCoqlQuery,
	coqlAnswerSchema,
	coqlLimits,
	keysetQuery,
	pagesById,
	splitCoqlQuery,
	userPosition,
} from './coql';
import type { CrmTarget } from './module';

export type CoqlRow = { id: string } & Record<string, unknown>;

/** The rows of `query`, a page at a time; at most `limit` rows when given. */
export async function* coqlPages(
	api: ZohoApi,
	options: { target: CrmTarget; query: string; limit?: number },
): AsyncGenerator<CoqlRow[]> {
	const parts = splitCoqlQuery(options.query);
	const { perCall, reachable } = coqlLimits(options.target.crmVersion);
	const byId = pagesById(parts);
	const wanted = options.limit ?? Number.POSITIVE_INFINITY;
	let read = 0;
	let afterId: string | undefined;
	while (read < wanted) {
		let size = Math.min(perCall, wanted - read);
		if (!byId) {
			if (read >= reachable) throw pastOffsetCeiling(reachable);
			size = Math.min(size, reachable - read);
		}
		const text = byId
			? keysetQuery(parts, { limit: size, ...(afterId === undefined ? {} : { afterId }) })
			: buildCoqlQuery(parts, { limit: size, offset: read });
		const page = await fetchPage(api, { target: options.target, text, user: options.query });
		if (page.rows.length > 0) yield page.rows;
		read += page.rows.length;
		afterId = page.rows[page.rows.length - 1]?.id;
		if (!page.more || page.rows.length < size) return;
	}
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
	options: { target: CrmTarget; text: string; user: string },
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
		throw queryRefusal(error, { sent: text, user: options.user });
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
