/**
 * Query (COQL): a SELECT over a CRM module, read page by page (zoho/crm/coql.ts): past
 * Zoho's LIMIT/OFFSET ceiling by id, so Return All means all. One item per row.
 */
import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { coqlPages } from '../../../zoho/crm/coql';
import { ZohoInputError } from '../../../zoho/errors';
import { crmVersionProperty } from '../../shared/crmTarget.description';
import { readCrmOnlyTarget, text } from '../../shared/parameters';
import { zohoApi } from '../../shared/zohoRuntime';
import { listProperties, pageItems, readListSettings } from './listRead';
import type { ItemInput } from './types';

export const option = {
	name: 'Query (COQL)',
	value: 'coqlQuery',
	action: 'Query records with COQL',
	description: "Read CRM records with Zoho's SQL-like COQL: filters, lookups, every row",
};

const EXAMPLE =
	"select Last_Name, Email, Account_Name.Account_Name, Modified_Time from Contacts where Modified_Time >= '2026-01-01T00:00:00+00:00'";

export const properties: INodeProperties[] = [
	crmVersionProperty({}),
	{
		displayName: 'Query',
		name: 'query',
		type: 'string',
		typeOptions: { editor: 'sqlEditor', sqlDialect: 'StandardSQL' },
		noDataExpression: true,
		default: EXAMPLE,
		required: true,
		description:
			"A COQL SELECT: fields (a looked-up record's through a dot), FROM a module, WHERE criteria (brackets around each pair beyond two), ORDER BY. Leave out LIMIT and OFFSET: the node pages. {{ expressions }} are filled in per item.",
		hint: 'Rows come in id order unless ORDER BY says otherwise; in id order every row is read, otherwise at most 100,000 (Zoho)',
	},
	...listProperties(),
];

export async function execute(input: ItemInput): Promise<INodeExecutionData[]> {
	const { ctx, itemIndex, param } = input;
	const target = readCrmOnlyTarget(param);
	const query = fillExpressions(String(param('query', '')), (expression) =>
		ctx.evaluateExpression(expression, itemIndex),
	);
	const { limit, timeoutMs } = readListSettings(param);
	const access = zohoApi(input, { credentials: await input.credentials.read(), timeoutMs });
	return await pageItems(coqlPages(access, { target, query, ...(limit ? { limit } : {}) }));
}

/** The query with each `{{ … }}` replaced by its value (the SQL editor keeps them as text, as in n8n's SQL nodes). */
function fillExpressions(query: string, evaluate: (expression: string) => unknown): string {
	const filled = query.replace(/\{\{[\s\S]*?\}\}/g, (expression) => {
		const value = evaluate(expression);
		return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
	});
	if (text(filled) === '')
		throw new ZohoInputError('Query', 'The query is empty.', `Write a COQL query, e.g. ${EXAMPLE}`);
	return filled;
}
