// Error bodies in the shape Zoho's APIs use: {code, details, message, status:"error"}.

export interface ZohoErrorBody {
	code: string;
	details: Record<string, unknown>;
	message: string;
	status: 'error';
}

export function zohoError(
	code: string,
	message: string,
	details: Record<string, unknown> = {},
): ZohoErrorBody {
	return { code, details, message, status: 'error' };
}

export const invalidToken = (): ZohoErrorBody => zohoError('INVALID_TOKEN', 'invalid oauth token');

export const scopeMismatch = (): ZohoErrorBody =>
	zohoError('OAUTH_SCOPE_MISMATCH', 'invalid oauth scope to access this URL');

export const invalidUrl = (): ZohoErrorBody =>
	zohoError('INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one');

export const internalError = (): ZohoErrorBody =>
	zohoError('INTERNAL_ERROR', 'Internal Server Error');

export const tooManyRequests = (message: string): ZohoErrorBody =>
	zohoError('TOO_MANY_REQUESTS', message);
