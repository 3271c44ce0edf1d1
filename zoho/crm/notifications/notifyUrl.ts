/**
 * Zoho's servers call a notification channel's notify_url from the internet, over HTTPS: an
 * http:// URL, or one naming this machine or a private network, never receives anything from
 * the real Zoho (the simulator, on the same machine, reaches it). n8n builds the URL from its
 * webhook setting, so the fix is that setting.
 */

/** Loopback, private, link-local and "this network" IPv4 ranges. */
const PRIVATE_IPV4 = /^(127|10|0|192\.168|172\.(1[6-9]|2\d|3[01])|169\.254)\./;
const LOCAL_NAMES = /(^localhost$|\.localhost$|\.local$|\.internal$|^[^.]+$)/;

/** Why Zoho cannot reach `url`, with the setting that fixes it; undefined when it can. */
export function notifyUrlWarning(url: string): string | undefined {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return `the webhook URL is not a URL: ${FIX}`;
	}
	const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
	const reasons: string[] = [];
	if (parsed.protocol !== 'https:') reasons.push('is not HTTPS');
	if (isLocalHost(host)) reasons.push(`names ${host}, which is not public`);
	if (reasons.length === 0) return undefined;
	return `the webhook URL ${parsed.origin}/… ${reasons.join(' and ')}, so Zoho's notifications cannot reach it: ${FIX}`;
}

const FIX =
	"set N8N_WEBHOOK_URL (n8n 2.x) or WEBHOOK_URL (n8n 1.x) to n8n's public https:// address and restart n8n";

function isLocalHost(host: string): boolean {
	if (host.includes(':')) return host === '::1' || /^(fc|fd|fe80)/.test(host) || host === '::';
	if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return PRIVATE_IPV4.test(host);
	return LOCAL_NAMES.test(host);
}
