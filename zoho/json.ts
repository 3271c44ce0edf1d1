/** The one parser for the JSON Zoho sends (token and API answers alike). */

/** The parsed body; undefined when it is empty or not JSON (callers then report an excerpt). */
export function parseJsonBody(body: Buffer | string): unknown {
	const text = typeof body === 'string' ? body : body.toString('utf8');
	if (!text.trim()) return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		// Not JSON: the caller decides what that means (INVALID_RESPONSE, or a text answer).
		return undefined;
	}
}
