/**
 * The line n8n's canvas shows under each node reads as words: the request node's operation as
 * the Operation list names it, never its raw value. n8n evaluates the subtitle as a JavaScript
 * expression over $parameter; so does this test.
 */
import { ZohoOAuthInstantTrigger } from '../../nodes/ZohoOAuthInstantTrigger/ZohoOAuthInstantTrigger.node';
import { ZohoOAuthRequest } from '../../nodes/ZohoOAuthRequest/ZohoOAuthRequest.node';
import { ZohoOAuthTrigger } from '../../nodes/ZohoOAuthTrigger/ZohoOAuthTrigger.node';

function subtitleOf(subtitle: unknown, parameters: Record<string, unknown>): unknown {
	const text = String(subtitle);
	expect(text.startsWith('={{') && text.endsWith('}}')).toBe(true);
	return new Function('$parameter', `return (${text.slice(3, -2)});`)(parameters);
}

describe('canvas subtitles', () => {
	const request = new ZohoOAuthRequest().description;

	it.each([
		[{ operation: 'getAccessToken' }, 'Get Access Token'],
		[{ operation: 'exchangeGrantCode' }, 'Exchange Grant Code'],
		[{ operation: 'revokeRefreshToken' }, 'Revoke Refresh Token'],
		[{ operation: 'coqlQuery' }, 'Query (COQL)'],
		[{ operation: 'exportRecords' }, 'Export Records (Bulk Read)'],
		[{ operation: 'deletedRecords' }, 'Get Deleted Records'],
		[{ operation: 'apiRequest', method: 'GET', path: '/Leads' }, 'GET /Leads'],
		[{ operation: 'recordWrite', writeOperation: 'upsert' }, 'Create or update records'],
		[{ operation: 'recordWrite', writeOperation: 'delete' }, 'Delete records'],
	])('Zoho OAuth Request with %j: "%s"', (parameters, expected) => {
		expect(subtitleOf(request.subtitle, parameters)).toBe(expected);
	});

	it('names every operation of the list in words', () => {
		const operation = request.properties.find((property) => property.name === 'operation');
		for (const option of operation?.options ?? []) {
			if (!('value' in option) || option.value === 'apiRequest' || option.value === 'recordWrite')
				continue;
			expect(subtitleOf(request.subtitle, { operation: option.value })).toBe(option.name);
		}
	});

	it('the triggers say what they watch', () => {
		expect(
			subtitleOf(new ZohoOAuthTrigger().description.subtitle, {
				event: 'created',
				module: { __rl: true, mode: 'list', value: 'Leads' },
			}),
		).toBe('New Leads');
		expect(
			subtitleOf(new ZohoOAuthInstantTrigger().description.subtitle, {
				events: ['created', 'edited'],
				module: { __rl: true, mode: 'list', value: 'Leads' },
			}),
		).toBe('created, edited in Leads');
	});
});
