/**
 * Every failure the Zoho core reports is a ZohoError with a stable `code`.
 * `message` says what happened, `hint` says what the user should do. Neither ever
 * contains a client secret, refresh token or access token.
 */
export type ZohoErrorCode =
	| 'INVALID_INPUT'
	| 'INVALID_CLIENT'
	| 'INVALID_CLIENT_SECRET'
	| 'INVALID_REFRESH_TOKEN'
	| 'INVALID_GRANT_CODE'
	| 'INVALID_REDIRECT_URI'
	| 'TOKEN_THROTTLED'
	| 'TOKEN_COOLDOWN'
	| 'MISSING_ORG_INFO'
	| 'TOKEN_REQUEST_FAILED'
	| 'GRANT_CODE_ANSWER_LOST'
	| 'REVOKE_FAILED'
	| 'INVALID_TOKEN'
	| 'SCOPE_MISMATCH'
	| 'RATE_LIMITED'
	| 'CREDITS_SPENT'
	| 'CONCURRENCY_WAIT'
	| 'API_ERROR'
	| 'RECORD_REFUSED'
	| 'RECORDS_REFUSED'
	| 'JOB_FAILED'
	| 'JOB_TIMEOUT'
	| 'HOST_NOT_ALLOWED'
	| 'NETWORK_ERROR'
	| 'CONNECTION_REFUSED'
	| 'PROXY_ERROR'
	| 'TIMEOUT'
	| 'SERVER_ERROR'
	| 'INVALID_RESPONSE'
	| 'ABORTED';

interface ZohoErrorDetails {
	hint?: string;
	/** The input field the user has to fix, by its label in the n8n UI. */
	field?: string;
	httpStatus?: number;
	/** Zoho's own code, e.g. `invalid_code` or `INVALID_TOKEN`. */
	zohoCode?: string;
	zohoMessage?: string;
	/** URL without query string (queries may carry tokens). */
	url?: string;
	retryable?: boolean;
	/** The request certainly never left (connection refused, name not resolved): repeating it cannot do anything twice. */
	neverSent?: boolean;
	retryAfterMs?: number;
	/** A short excerpt of the answer, already stripped of secrets. */
	bodyExcerpt?: string;
	/** The parsed answer body, for Full Response style reporting. */
	body?: unknown;
	/** Records a write that failed in part did write (they are in Zoho), by input item. */
	writtenRecords?: ReadonlyArray<{ item: number; id: string }>;
	cause?: unknown;
}

/** The brand of every ZohoError, from whichever copy of this module made it (undici's kUndiciError way). */
const kZohoError = Symbol.for('n8n-nodes-zoho-oauth.ZohoError');

export class ZohoError extends Error {
	readonly code: ZohoErrorCode;
	readonly hint?: string;
	readonly field?: string;
	readonly httpStatus?: number;
	readonly zohoCode?: string;
	readonly zohoMessage?: string;
	readonly url?: string;
	readonly retryable: boolean;
	readonly neverSent: boolean;
	readonly retryAfterMs?: number;
	readonly bodyExcerpt?: string;
	readonly body?: unknown;
	readonly writtenRecords?: ReadonlyArray<{ item: number; id: string }>;

	constructor(code: ZohoErrorCode, message: string, details: ZohoErrorDetails = {}) {
		const { cause, ...fields } = details;
		super(message, cause === undefined ? undefined : { cause });
		Object.assign(this, fields);
		this.name = new.target.name;
		this.code = code;
		this.retryable = details.retryable ?? false;
		this.neverSent = details.neverSent ?? false;
	}

	get [kZohoError](): true {
		return true;
	}

	/**
	 * `instanceof` across copies of the package: a ZohoError of any copy is an instance of
	 * the class here of the same name that it, or one of its ancestors, has.
	 */
	static [Symbol.hasInstance](value: unknown): boolean {
		if (!isZohoError(value)) return false;
		for (
			let proto: unknown = Object.getPrototypeOf(value);
			proto;
			proto = Object.getPrototypeOf(proto)
		)
			if ((proto as { constructor?: { name?: string } }).constructor?.name === this.name)
				return true;
		return false;
	}
}

/** A value the user typed (credential or node parameter) is unusable. */
export class ZohoInputError extends ZohoError {
	constructor(field: string, message: string, hint: string) {
		super('INVALID_INPUT', message, { field, hint });
	}
}

/** Zoho's accounts server refused a token, exchange or revoke request. */
export class ZohoAuthError extends ZohoError {}

/** A Zoho API answered with an error status or an error body. */
export class ZohoApiError extends ZohoError {}

/** The request never got a usable answer: network, timeout, 5xx, unreadable body. */
export class ZohoTransportError extends ZohoError {}

/** The caller (the n8n execution) cancelled the request. */
export class ZohoAbortError extends ZohoError {
	constructor(url?: string) {
		super('ABORTED', 'The request to Zoho was cancelled.', { url });
	}
}

/**
 * True for a ZohoError of this or any other copy of the package (two installs, a Code node
 * loading it again), where `instanceof` would say no.
 */
export function isZohoError(value: unknown): value is ZohoError {
	return (
		typeof value === 'object' &&
		value !== null &&
		(value as { [kZohoError]?: unknown })[kZohoError] === true
	);
}

/** One line for places that can show only a message (credential test, preAuthentication). */
export function userMessage(error: ZohoError): string {
	return error.hint ? `${error.message} ${error.hint}` : error.message;
}
