// ZohoError's brand: isZohoError holds for errors of another copy of the module (a second
// install, a Code node loading the package again), where instanceof does not; and the
// n8n side converts such an error as its own.
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
		expect(new other.ZohoApiError('API_ERROR', 'x') instanceof ZohoError).toBe(false);
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
