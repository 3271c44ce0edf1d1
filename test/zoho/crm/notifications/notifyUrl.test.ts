import { notifyUrlWarning } from '../../../../zoho/crm/notifications/notifyUrl';

const FIX =
	/set N8N_WEBHOOK_URL \(n8n 2\.x\) or WEBHOOK_URL \(n8n 1\.x\) to n8n's public https:\/\/ address/;

describe('notifyUrlWarning: can the real Zoho reach the webhook URL?', () => {
	it.each([
		'https://n8n.example.com/webhook/abc/zoho',
		'https://n8n.example.com:8443/webhook-test/abc/zoho',
		'https://203.0.113.7/webhook/abc/zoho',
		'https://172.32.0.1/webhook/abc/zoho',
	])('%s: yes, no warning', (url) => {
		expect(notifyUrlWarning(url)).toBeUndefined();
	});

	it.each([
		[
			'http://127.0.0.1:5678/webhook-test/abc/zoho',
			'is not HTTPS and names 127.0.0.1, which is not public',
		],
		['http://n8n.example.com/webhook/abc/zoho', 'is not HTTPS, so'],
		['https://localhost:5678/webhook/abc/zoho', 'names localhost, which is not public'],
		['https://n8n/webhook/abc/zoho', 'names n8n, which is not public'],
		['https://n8n.internal/webhook/abc/zoho', 'names n8n.internal, which is not public'],
		['https://10.1.2.3/webhook/abc/zoho', 'names 10.1.2.3'],
		['https://192.168.1.20/webhook/abc/zoho', 'names 192.168.1.20'],
		['https://172.20.0.5/webhook/abc/zoho', 'names 172.20.0.5'],
		['https://[::1]:5678/webhook/abc/zoho', 'names ::1'],
		['https://[fd00::5]/webhook/abc/zoho', 'names fd00::5'],
	])('%s: no, it says why and what to set', (url, why) => {
		const warning = notifyUrlWarning(url);
		expect(warning).toContain(why);
		expect(warning).toMatch(FIX);
		// The path (with the webhook's id) stays out of logs.
		expect(warning).not.toContain('/webhook');
	});
});
