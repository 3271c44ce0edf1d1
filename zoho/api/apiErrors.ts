/**
 * Turns an unsuccessful Zoho API answer into a typed error with Zoho's code,
 * Zoho's message and what to do. Decisions are made on status and Zoho's code,
 * never on message text.
 */
import { ZohoApiError, ZohoTransportError, type ZohoError } from '../errors';
import { parseJsonBody } from '../json';
import { apiErrorSchema, booksAnswerSchema } from './schemas';
import { excerpt, redact } from '../secrets';
import type { HttpMethod } from '../http/transport';
import { scopeFor, zohoHint } from './hints';

/**
 * What to do about a refused parameter Zoho names in `details.param_name`
 * (record.json getRecords examples "requiredparammissing", "limitexceeded").
 */
function parameterHint(zohoCode: string, details: unknown): string | undefined {
	const param = paramName(details);
	if (param === undefined) return undefined;
	if (zohoCode === 'REQUIRED_PARAM_MISSING') {
		if (param === 'fields')
			return 'Zoho lists CRM records (API v3 and later) and Bigin records only with the query parameter fields: turn on Send Query Parameters and add fields with the API names of up to 50 fields, comma-separated, e.g. Last_Name,Email,Company.';
		if (param === 'pipeline_id')
			return "Bigin lists Pipelines one Team Pipeline at a time: add the query parameter pipeline_id, the id of the pipeline's layout (GET /bigin/v2/settings/layouts?module=Pipelines).";
		return `Add the query parameter ${param} (Send Query Parameters), as Zoho's documentation of this API describes it.`;
	}
	if (zohoCode === 'LIMIT_EXCEEDED' && param === 'fields') {
		const limit = (details as { limit?: unknown }).limit;
		return `Zoho takes at most ${typeof limit === 'number' ? limit : 50} field API names in fields: remove some from the query parameter.`;
	}
	return undefined;
}

function paramName(details: unknown): string | undefined {
	if (typeof details !== 'object' || details === null) return undefined;
	const name = (details as { param_name?: unknown }).param_name;
	return typeof name === 'string' ? name : undefined;
}

/** A parsed answer with every secret value replaced, wherever in it Zoho echoed one. */
function redactJson(json: unknown, secrets: ReadonlyArray<string | undefined>): unknown {
	if (json === undefined) return undefined;
	const text = JSON.stringify(json);
	const clean = redact(text, secrets);
	return clean === text ? json : (JSON.parse(clean) as unknown);
}

export function apiAnswerError(answer: {
	status: number;
	body: Buffer;
	url: string;
	method: HttpMethod;
	retryAfterMs?: number;
	/** Zoho's X-API-CREDITS-REMAINING header, sent once half the day's credits are used. */
	creditsRemaining?: string;
	/** Scopes of the token used, to explain OAUTH_SCOPE_MISMATCH. */
	scopes?: string[];
	secrets: ReadonlyArray<string | undefined>;
}): ZohoError {
	// Zoho's own words end up in the message: they must not carry the token that was sent.
	const json = redactJson(parseJsonBody(answer.body), answer.secrets);
	const parsed = apiErrorSchema.safeParse(json);
	const zohoCode = parsed.success ? String(parsed.data.code) : undefined;
	const zohoMessage = parsed.success ? parsed.data.message : undefined;
	const details = parsed.success ? parsed.data.details : undefined;
	const where = `${answer.method} ${answer.url}`;
	const common = {
		url: answer.url,
		httpStatus: answer.status,
		zohoCode,
		zohoMessage,
		body: json,
		bodyExcerpt:
			json === undefined ? excerpt(answer.body.toString('utf8'), answer.secrets) : undefined,
		retryAfterMs: answer.retryAfterMs,
	};
	const said = zohoMessage ? `: ${zohoMessage}` : '';

	if (answer.status === 401 && zohoCode === 'OAUTH_SCOPE_MISMATCH') {
		const has = answer.scopes?.length ? answer.scopes.join(', ') : undefined;
		const needs = scopeFor(answer);
		const both = [has, needs ?? "the scope this API's documentation names"].filter(Boolean);
		return new ZohoApiError(
			'SCOPE_MISMATCH',
			`The access token's scopes do not allow ${where} (OAUTH_SCOPE_MISMATCH)${needs ? `: it needs ${needs}` : ''}.`,
			{
				...common,
				hint:
					`The token has the scopes: ${has ?? 'not reported by Zoho'}. For a token with both, Generate Code in the Zoho API Console (Self Client) with the scopes ${both.join(', ')}, ` +
					"then run this node's Exchange Grant Code operation with the code and put the new refresh token into the credential.",
			},
		);
	}
	if (answer.status === 401) {
		return new ZohoApiError(
			'INVALID_TOKEN',
			`Zoho refused the access token for ${where} (${zohoCode ?? 'HTTP 401'})${said}.`,
			{
				...common,
				hint: zohoHint('INVALID_TOKEN'),
			},
		);
	}
	if (answer.status === 429 && creditsSpent(answer.creditsRemaining)) {
		// Retrying cannot help until older calls age out of the window: it would only spend time.
		return new ZohoApiError(
			'CREDITS_SPENT',
			`Zoho refused ${where}: the organisation's API credits are spent (${zohoCode ?? 'HTTP 429'}, X-API-CREDITS-REMAINING 0)${said}.`,
			{
				...common,
				hint:
					'Zoho counts API credits per organisation over a rolling 24 hours, so calls work again as the calls of 24 hours ago age out. ' +
					'See the usage in Zoho CRM under Setup → Developer Space → APIs (API Dashboard); write up to 100 records per call, use Bulk Read for whole modules, or add credits.',
			},
		);
	}
	if (answer.status === 429) {
		return new ZohoApiError(
			'RATE_LIMITED',
			`Zoho's rate limit was hit for ${where} (${zohoCode ?? 'HTTP 429'})${said}.`,
			{
				...common,
				retryable: true,
				hint:
					'Zoho limits concurrent calls per organisation (Free 5, Standard 10, Professional 15, Enterprise 20, Ultimate 25) and API credits per 24 hours. ' +
					'Lower Max Concurrent Requests, or spread the work over time.',
			},
		);
	}
	if (answer.status >= 500) {
		return new ZohoTransportError(
			'SERVER_ERROR',
			`Zoho failed with HTTP ${answer.status} for ${where}${said}.`,
			{
				...common,
				retryable: true,
				hint: 'A temporary Zoho problem. Try again in a few minutes (status: https://status.zoho.com).',
			},
		);
	}
	const param = paramName(details);
	return new ZohoApiError(
		'API_ERROR',
		`Zoho answered HTTP ${answer.status}${zohoCode ? ` ${zohoCode}` : ''} for ${where}${said}${param ? ` (${param})` : ''}.`,
		{
			...common,
			hint:
				(zohoCode && (parameterHint(zohoCode, details) ?? zohoHint(zohoCode))) ||
				"Check the Path, query, headers and body against Zoho's message and the product's API documentation.",
		},
	);
}

/**
 * Zoho documents no distinct body for a spent budget (status-codes page: 429 either way), so
 * the header decides: a 429 saying 0 credits remain is the budget, any other the concurrency.
 */
function creditsSpent(header: string | undefined): boolean {
	if (header === undefined || header.trim() === '') return false;
	const remaining = Number(header);
	return Number.isFinite(remaining) && remaining <= 0;
}

/** Books/Inventory/Invoice report failures as a non-zero `code`, sometimes with HTTP 200: that failure, if the answer is one. */
export function booksCodeError(answer: {
	status: number;
	body: Buffer;
	url: string;
	method: HttpMethod;
	secrets: ReadonlyArray<string | undefined>;
}): ZohoApiError | undefined {
	const json = parseJsonBody(answer.body);
	const parsed = booksAnswerSchema.safeParse(json);
	if (!parsed.success || parsed.data.code === 0) return undefined;
	const { code } = parsed.data;
	const message =
		parsed.data.message === undefined ? undefined : redact(parsed.data.message, answer.secrets);
	return new ZohoApiError(
		'API_ERROR',
		`Zoho answered code ${code} for ${answer.method} ${answer.url}${message ? `: ${message}` : ''}.`,
		{
			url: answer.url,
			httpStatus: answer.status,
			zohoCode: String(code),
			zohoMessage: message,
			body: redactJson(json, answer.secrets),
			hint: "Check the Organization ID and the parameters against Zoho's message.",
		},
	);
}

/**
 * The same failure in the words of the operation that met it (the Zoho limit it hit, the
 * clause at fault): Zoho's code, message, status and answer are kept, the original is the
 * cause.
 */
export function restateApiError(
	error: ZohoError,
	options: { message: string; hint?: string; field?: string },
): ZohoApiError {
	return new ZohoApiError(error.code, options.message, {
		...error,
		hint: options.hint ?? error.hint,
		field: options.field ?? error.field,
		cause: error,
	});
}
