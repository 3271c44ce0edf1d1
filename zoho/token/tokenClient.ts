/**
 * Talks to Zoho's accounts server: refresh-token grant, grant-code exchange and
 * revoke. Every answer is validated; an HTTP 200 carrying `error` is an error.
 */
import type { Dispatcher } from 'undici';
import { z } from 'zod';

import { systemClock, type Clock } from '../clock';
import type { ZohoCredentials } from '../credentials';
import { defaultApiDomain } from '../dataCentres';
import { isZohoError, ZohoAuthError, ZohoTransportError } from '../errors';
import type { AccessToken, GrantExchangeResult } from './accessToken';
import { lifetimeSeconds, tokenTimes } from './expiry';
import { parseJsonBody } from '../json';
import { excerpt, redact } from '../secrets';
import { tokenEndpointError, type TokenOperation } from './tokenErrors';
import { DEFAULT_RETRY, parseRetryAfter, withRetry, type RetryPolicy } from '../http/retry';
import { headerValue, sendHttp, type HttpResponse } from '../http/transport';

type ClientSecrets = Pick<ZohoCredentials, 'accountsUrl' | 'clientId' | 'clientSecret'> & {
	signal?: AbortSignal;
};

export interface TokenClientOptions {
	dispatcher?: Dispatcher;
	clock?: Clock;
	timeoutMs?: number;
	retry?: RetryPolicy;
}

const DEFAULT_TOKEN_TIMEOUT_MS = 15_000;

export class ZohoTokenClient {
	private readonly clock: Clock;
	private readonly retry: RetryPolicy;

	constructor(private readonly options: TokenClientOptions = {}) {
		this.clock = options.clock ?? systemClock;
		this.retry = options.retry ?? DEFAULT_RETRY;
	}

	async refresh(options: ClientSecrets & { refreshToken: string }): Promise<AccessToken> {
		const { token } = await this.tokenRequest({
			operation: 'refresh',
			client: options,
			form: { grant_type: 'refresh_token', refresh_token: options.refreshToken },
			secrets: [options.refreshToken],
		});
		return token;
	}

	async exchangeGrantCode(options: ClientSecrets & { code: string }): Promise<GrantExchangeResult> {
		const { token, refreshToken } = await this.tokenRequest({
			operation: 'exchange',
			client: options,
			form: { grant_type: 'authorization_code', code: options.code },
			secrets: [options.code],
		});
		if (!refreshToken) {
			throw new ZohoAuthError(
				'TOKEN_REQUEST_FAILED',
				'Zoho exchanged the grant code but sent no refresh token.',
				{
					url: `${options.accountsUrl}/oauth/v2/token`,
					hint: 'Self Client codes always yield a refresh token; check that the code is from a Self Client, and generate a new one.',
				},
			);
		}
		return { ...token, refreshToken };
	}

	/** Revokes a refresh token (and with it every access token it minted). */
	async revoke(
		options: Pick<ZohoCredentials, 'accountsUrl' | 'refreshToken'> & { signal?: AbortSignal },
	): Promise<void> {
		const url = `${options.accountsUrl}/oauth/v2/token/revoke`;
		const secrets = [options.refreshToken];
		const res = await withRetry({
			policy: this.retry,
			signal: options.signal,
			attempt: () =>
				this.postForm({ url, form: { token: options.refreshToken }, signal: options.signal }),
		});
		const text = res.body.toString('utf8');
		const parsed = revokeAnswerSchema.safeParse(parseJsonBody(text));
		if (res.status === 200 && parsed.success && parsed.data.status === 'success') return;
		const zohoCode =
			parsed.success && parsed.data.error ? redact(parsed.data.error, secrets) : undefined;
		throw new ZohoAuthError(
			'REVOKE_FAILED',
			`Zoho did not revoke the refresh token (HTTP ${res.status}${zohoCode ? `, ${zohoCode}` : ''}).`,
			{
				url,
				httpStatus: res.status,
				zohoCode,
				bodyExcerpt: excerpt(text, secrets),
				field: 'Refresh Token',
				hint: 'Zoho does not know this refresh token: it is already revoked, mistyped, or from another data centre. Nothing is left to revoke.',
			},
		);
	}

	private async tokenRequest(options: {
		operation: TokenOperation;
		client: ClientSecrets;
		form: Record<string, string>;
		secrets: string[];
	}): Promise<{ token: AccessToken; refreshToken?: string }> {
		const { client, operation } = options;
		const url = `${client.accountsUrl}/oauth/v2/token`;
		const secrets = [client.clientSecret, ...options.secrets];
		const once = operation === 'exchange';
		const sending = withRetry({
			policy: this.retry,
			signal: client.signal,
			// A grant code works once: sent again after Zoho may have used it, it would only earn invalid_code.
			isRetryable: once ? (error) => isZohoError(error) && error.neverSent : undefined,
			attempt: async () => {
				const sentAt = this.clock.now();
				const res = await this.postForm({
					url,
					form: { ...options.form, client_id: client.clientId, client_secret: client.clientSecret },
					signal: client.signal,
				});
				const text = res.body.toString('utf8');
				const json = parseJsonBody(text);
				const failure = tokenErrorSchema.safeParse(json);
				if (failure.success) {
					// Zoho's own words end up in the message: they must not carry what we sent.
					const description = failure.data.error_description;
					throw tokenEndpointError({
						error: redact(failure.data.error, secrets),
						description: description && redact(description, secrets),
						operation,
						accountsUrl: client.accountsUrl,
						now: this.clock.now(),
					});
				}
				const success = tokenSuccessSchema.safeParse(json);
				if (res.status !== 200 || !success.success) {
					throw new ZohoTransportError(
						'INVALID_RESPONSE',
						`Zoho's token endpoint gave an unexpected answer (HTTP ${res.status}${json === undefined ? ', not JSON' : ''}).`,
						{
							url,
							httpStatus: res.status,
							bodyExcerpt: excerpt(text, secrets),
							hint: 'Check that the Data Centre or Custom Accounts URL points at a Zoho accounts server (e.g. https://accounts.zoho.com).',
						},
					);
				}
				const body = success.data;
				const token: AccessToken = {
					accessToken: body.access_token,
					apiDomain: (body.api_domain ?? defaultApiDomain(client.accountsUrl)).replace(/\/+$/, ''),
					tokenType: body.token_type ?? 'Bearer',
					scopes: body.scope ? body.scope.split(/[\s,]+/).filter(Boolean) : undefined,
					...tokenTimes({ sentAt, lifetimeS: lifetimeSeconds(body) }),
				};
				return { token, refreshToken: body.refresh_token };
			},
		});
		if (!once) return sending;
		return sending.catch((error: unknown) => {
			throw isAnswerLost(error)
				? grantAnswerLost({ error, accountsUrl: client.accountsUrl })
				: error;
		});
	}

	/** POSTs a form; a 5xx becomes a retryable SERVER_ERROR. */
	private async postForm(options: {
		url: string;
		form: Record<string, string>;
		signal?: AbortSignal;
	}): Promise<HttpResponse> {
		let res: HttpResponse;
		try {
			res = await sendHttp({
				url: options.url,
				method: 'POST',
				headers: {
					'content-type': 'application/x-www-form-urlencoded',
					accept: 'application/json',
				},
				body: new URLSearchParams(options.form).toString(),
				dispatcher: this.options.dispatcher,
				timeoutMs: this.options.timeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS,
				signal: options.signal,
			});
		} catch (error) {
			// The node's Timeout option governs API calls, not token requests: say what helps here.
			if (isZohoError(error) && error.code === 'TIMEOUT') {
				throw new ZohoTransportError('TIMEOUT', error.message, {
					url: error.url,
					retryable: true,
					hint: "Zoho's accounts server is slow or unreachable; it was retried. Try again in a few minutes, and check that n8n can reach the accounts server of your data centre.",
					cause: error.cause,
				});
			}
			throw error;
		}
		if (res.status < 500) return res;
		throw new ZohoTransportError(
			'SERVER_ERROR',
			`Zoho's accounts server failed with HTTP ${res.status}.`,
			{
				url: options.url,
				httpStatus: res.status,
				retryable: true,
				retryAfterMs: parseRetryAfter(headerValue(res.headers, 'retry-after'), this.clock.now()),
				hint: 'A temporary Zoho problem; it was retried. Try again in a few minutes (status: https://status.zoho.com).',
			},
		);
	}
}

/** Successful answer of POST /oauth/v2/token (refresh or grant-code exchange). */
const tokenSuccessSchema = z.object({
	access_token: z.string().min(1),
	refresh_token: z.string().min(1).optional(),
	api_domain: z.string().url().optional(),
	token_type: z.string().optional(),
	expires_in: z.number().nonnegative().optional(),
	/** Older answers: lifetime in seconds, with `expires_in` then in milliseconds. */
	expires_in_sec: z.number().nonnegative().optional(),
	scope: z.string().optional(),
	id_token: z.string().optional(),
});

/** Zoho's token errors, which arrive with HTTP 200. */
const tokenErrorSchema = z.object({
	error: z.string().min(1),
	error_description: z.string().optional(),
});

const revokeAnswerSchema = z.object({
	status: z.string().optional(),
	error: z.string().optional(),
});

/** The request may have reached Zoho and done its work, but no usable answer came back. */
function isAnswerLost(error: unknown): error is ZohoTransportError {
	if (!(error instanceof ZohoTransportError) || error.neverSent) return false;
	if (error.code === 'INVALID_RESPONSE')
		return error.httpStatus === undefined || error.httpStatus < 300;
	return (
		error.code === 'TIMEOUT' || error.code === 'NETWORK_ERROR' || error.code === 'SERVER_ERROR'
	);
}

function grantAnswerLost(options: {
	error: ZohoTransportError;
	accountsUrl: string;
}): ZohoTransportError {
	const { error, accountsUrl } = options;
	return new ZohoTransportError(
		'GRANT_CODE_ANSWER_LOST',
		`Zoho may have used the grant code, but its answer was lost: ${error.message}`,
		{
			url: error.url,
			httpStatus: error.httpStatus,
			bodyExcerpt: error.bodyExcerpt,
			field: 'Grant Code',
			hint:
				'A grant code works once, so it was not sent again. Generate a new grant code in the Zoho API Console ' +
				'(Self Client → Generate Code) and run Exchange Grant Code again. If Zoho did use the lost code, it created a refresh token ' +
				'nobody received; it counts towards the 20 refresh tokens a client may have (the oldest is dropped beyond that). ' +
				`To revoke it, sign in at ${new URL(accountsUrl).origin} and remove it under Sessions → Connected Apps.`,
			cause: error,
		},
	);
}
