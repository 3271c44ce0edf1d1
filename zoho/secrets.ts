/**
 * Removes known secret values from text that may end up in an error or a log
 * (body excerpts of unexpected answers, URLs).
 */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
	let out = text;
	for (const secret of secrets) {
		// Very short values would blank out ordinary words; Zoho secrets are long.
		if (secret && secret.length >= 6) out = out.split(secret).join('[redacted]');
	}
	return out;
}

/** URL for messages: origin and path only, since query strings can carry tokens. */
export function describeUrl(url: string | URL): string {
	if (typeof url === 'string' && !URL.canParse(url)) return '[invalid URL]';
	const parsed = new URL(url);
	return `${parsed.origin}${parsed.pathname}`;
}

export function excerpt(
	text: string,
	secrets: ReadonlyArray<string | undefined>,
	max = 300,
): string {
	const clean = redact(text, secrets).replace(/\s+/g, ' ').trim();
	return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
