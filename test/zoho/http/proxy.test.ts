// Which proxy variables count (zoho/proxy.ts): upper or lower case, lower case first, and a
// broken value refused without repeating it (it may hold the proxy's password).
import { ZohoInputError } from '../../../zoho/errors';
import { proxyName, proxySettings } from '../../../zoho/http/proxy';
import { expectNoSecrets, rejectionOf } from '../fixtures';

describe('proxy settings from the environment', () => {
	it('no proxy variable: no proxy (NO_PROXY alone changes nothing)', () => {
		expect(proxySettings({})).toBeUndefined();
		expect(proxySettings({ NO_PROXY: 'example.com', HTTPS_PROXY: '' })).toBeUndefined();
	});

	it('reads upper and lower case; lower case wins, as with undici and curl', () => {
		expect(proxySettings({ HTTPS_PROXY: 'http://a:1', NO_PROXY: 'x' })).toEqual({
			httpProxy: undefined,
			httpsProxy: 'http://a:1',
			noProxy: 'x',
		});
		expect(proxySettings({ http_proxy: 'http://b:2', no_proxy: 'y' })).toEqual({
			httpProxy: 'http://b:2',
			httpsProxy: undefined,
			noProxy: 'y',
		});
		expect(
			proxySettings({ HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2' })?.httpsProxy,
		).toBe('http://lower:2');
	});

	it('a value that is no URL is refused, naming the variable, not its value', async () => {
		const error = await rejectionOf(
			Promise.resolve().then(() => proxySettings({ HTTPS_PROXY: 'user:hunter2-secret@proxy' })),
		);
		expect(error).toBeInstanceOf(ZohoInputError);
		expect((error as ZohoInputError).message).toBe(
			'The HTTPS_PROXY environment variable of n8n is not a proxy URL.',
		);
		expect((error as ZohoInputError).field).toBe('HTTPS_PROXY environment variable');
		expectNoSecrets({ error, secrets: ['hunter2-secret'] });
	});

	it('names a proxy by host and port only', () => {
		expect(proxyName('http://user:pass@proxy.corp:3128')).toBe('proxy.corp:3128');
		expect(proxyName('http://proxy.corp')).toBe('proxy.corp:80');
		expect(proxyName('https://proxy.corp')).toBe('proxy.corp:443');
	});
});
