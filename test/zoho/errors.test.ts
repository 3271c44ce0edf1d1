// ZohoError's brand: isZohoError and instanceof hold for errors of another copy of the module
// (a second install, a Code node loading the package again); and the n8n side converts such
// an error as its own.
import type * as ErrorsModule from '../../zoho/errors';
import { isZohoError, ZohoApiError, ZohoError, ZohoInputError } from '../../zoho/errors';

function secondCopy(): typeof ErrorsModule {
	let copy: typeof ErrorsModule | undefined;
	jest.isolateModules(() => {
		copy = jest.requireActual<typeof ErrorsModule>('../../zoho/errors');
	});
	if (!copy) throw new Error('no second copy');
	return copy;
}

const other = secondCopy();

describe('isZohoError', () => {
	it('loads a second copy of the module: its classes are others', () => {
		expect(other.ZohoError).not.toBe(ZohoError);
	});

	it('makes instanceof hold across the copies, by class and its ancestors only', () => {
		const theirs = new other.ZohoApiError('API_ERROR', 'x');
		expect(theirs instanceof ZohoError).toBe(true);
		expect(theirs instanceof ZohoApiError).toBe(true);
		expect(theirs instanceof Error).toBe(true);
		expect(theirs instanceof ZohoInputError).toBe(false);
		expect(new ZohoInputError('Module', 'x', 'y') instanceof other.ZohoInputError).toBe(true);
		expect(new ZohoError('API_ERROR', 'x') instanceof other.ZohoApiError).toBe(false);
		for (const value of [new Error('plain'), { code: 'API_ERROR' }, null, 'ZohoError'])
			expect(value instanceof ZohoError).toBe(false);
	});

	it('holds across the copies, both ways, for every class', () => {
		const theirs = [
			new other.ZohoApiError('API_ERROR', 'Zoho answered HTTP 400.'),
			new other.ZohoInputError('Module', 'Module is empty.', 'Pick the module.'),
			new other.ZohoAbortError(),
		];
		for (const error of theirs) {
			expect(isZohoError(error)).toBe(true);
			expect(error.code).toEqual(expect.any(String));
		}
		expect(other.isZohoError(new ZohoApiError('RATE_LIMITED', 'x'))).toBe(true);
		expect(other.isZohoError(new ZohoInputError('Path or URL', 'x', 'y'))).toBe(true);
	});

	it('is false for anything else', () => {
		for (const value of [
			new Error('plain'),
			{ code: 'API_ERROR', message: 'looks alike' },
			'ZohoError',
			null,
			undefined,
			42,
		])
			expect(isZohoError(value)).toBe(false);
	});
});

describe('the n8n side with an error of another copy', () => {
	it('converts it like its own: NodeApiError with Zoho code and fix, error item fields', async () => {
		const { toNodeError, errorItem } = await import('../../nodes/shared/nodeErrors');
		const node = {
			id: 'n',
			name: 'Zoho',
			type: 'n8n-nodes-zoho-oauth.zohoOAuthRequest',
			typeVersion: 1,
			position: [0, 0] as [number, number],
			parameters: {},
		};
		const error = new other.ZohoApiError('RATE_LIMITED', "Zoho's rate limit was hit.", {
			zohoCode: 'TOO_MANY_REQUESTS',
			httpStatus: 429,
			hint: 'Lower Max Concurrent Requests.',
		});
		const converted = toNodeError(node, error, 3);
		expect(converted.constructor.name).toBe('NodeApiError');
		expect(converted.message).toBe("Zoho's rate limit was hit.");
		expect(converted.description).toBe(
			'Lower Max Concurrent Requests. Zoho code: TOO_MANY_REQUESTS.',
		);
		expect(errorItem(node, error, 3)).toEqual({
			json: expect.objectContaining({
				code: 'RATE_LIMITED',
				zohoCode: 'TOO_MANY_REQUESTS',
				httpStatus: 429,
			}),
			pairedItem: { item: 3 },
		});
	});
});

describe("the scope a call needs, for OAUTH_SCOPE_MISMATCH's message", () => {
	it('names Zoho’s scope by the API path, READ where a GET suffices', async () => {
		const { scopeFor } = await import('../../zoho/api/hints');
		const cases: Array<[string, string, string | undefined]> = [
			['GET', 'https://www.zohoapis.com/crm/v8/actions/watch', 'ZohoCRM.notifications.ALL'],
			[
				'POST',
				'https://www.zohoapis.com/crm/v8/coql',
				'ZohoCRM.coql.READ and ZohoCRM.modules.READ',
			],
			[
				'POST',
				'https://www.zohoapis.com/crm/bulk/v8/read',
				'ZohoCRM.bulk.READ and ZohoCRM.modules.READ',
			],
			['GET', 'https://www.zohoapis.com/crm/v8/settings/fields', 'ZohoCRM.settings.READ'],
			['GET', 'https://www.zohoapis.com/crm/v8/Leads', 'ZohoCRM.modules.READ'],
			['PUT', 'https://www.zohoapis.com/crm/v8/Leads/upsert', 'ZohoCRM.modules.ALL'],
			['GET', 'https://www.zohoapis.com/books/v3/invoices', 'ZohoBooks.fullaccess.all'],
			['GET', 'https://desk.zoho.com/api/v1/tickets', undefined],
		];
		for (const [method, url, scope] of cases) expect(scopeFor({ method, url })).toBe(scope);
	});

	it('says the scope in the message and how to get a token with both in the hint', async () => {
		const { apiAnswerError } = await import('../../zoho/api/apiErrors');
		const error = apiAnswerError({
			status: 401,
			body: Buffer.from(
				JSON.stringify({
					code: 'OAUTH_SCOPE_MISMATCH',
					message: 'invalid oauth scope to access this URL',
					status: 'error',
				}),
			),
			url: 'https://www.zohoapis.com/crm/v8/actions/watch',
			method: 'GET',
			scopes: ['ZohoCRM.modules.ALL'],
			secrets: [],
		});
		expect(error.code).toBe('SCOPE_MISMATCH');
		expect(error.message).toBe(
			"The access token's scopes do not allow GET https://www.zohoapis.com/crm/v8/actions/watch (OAUTH_SCOPE_MISMATCH): it needs ZohoCRM.notifications.ALL.",
		);
		expect(error.hint).toBe(
			'The token has the scopes: ZohoCRM.modules.ALL. For a token with both, Generate Code in the Zoho API Console (Self Client) with the scopes ZohoCRM.modules.ALL, ZohoCRM.notifications.ALL, ' +
				"then run this node's Exchange Grant Code operation with the code and put the new refresh token into the credential.",
		);
	});
});

describe('hints true to what Zoho does', () => {
	it("INVALID_MODULE asks for an org module's API name, not a case (Zoho takes /leads for /Leads)", async () => {
		const { apiAnswerError } = await import('../../zoho/api/apiErrors');
		const error = apiAnswerError({
			status: 400,
			body: Buffer.from(
				JSON.stringify({
					code: 'INVALID_MODULE',
					message: 'the module name given seems to be invalid',
					status: 'error',
					details: {},
				}),
			),
			url: 'https://www.zohoapis.com/crm/v8/Lead',
			method: 'GET',
			secrets: [],
		});
		expect(error.hint).not.toMatch(/case/i);
		expect(error.hint).toContain("one of the org's modules, by its API name");
	});
});
