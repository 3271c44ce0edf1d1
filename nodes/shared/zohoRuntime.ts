/**
 * The one way the n8n side reaches the Zoho core: the process's runtime (one token cache
 * for every execution, credential test and preAuthentication) and what every call of
 * this execution carries: its logger, its cancel signal and its memo of token failures.
 * A bad ZOHO_TOKEN_STORE setting fails here as a ZohoInputError naming the variable; the
 * caller converts it like any other error (nodeErrors.ts).
 */
import { ZohoApi, type ApiCallOptions } from '../../zoho/api/apiClient';
import { sharedZohoRuntime, type ZohoRuntime } from '../../zoho/runtime';
import { TokenFailureMemo, type CallScope } from '../../zoho/token/auth';
import type { Logger } from '../../zoho/logger';
import type { NodeCredentials } from './credentialSource';

export interface ZohoAccess {
	runtime: ZohoRuntime;
	/** Spread into the options of every token request and API call of this execution. */
	scope: CallScope & { logger: Logger };
}

/** For what runs Zoho calls (an execution, a poll, the editor, the credential test); `runtime` is the process's, tests pass their own. */
export function zohoAccess(
	caller: { logger: Logger; getExecutionCancelSignal?: () => AbortSignal | undefined },
	runtime: ZohoRuntime = sharedZohoRuntime(),
): ZohoAccess {
	return {
		runtime,
		scope: {
			logger: caller.logger,
			signal: caller.getExecutionCancelSignal?.(),
			tokenMemo: new TokenFailureMemo(),
		},
	};
}

/** The API client bound to what each of its calls carries: this execution's scope, the credential, a Timeout. */
export function zohoApi(
	access: ZohoAccess,
	options: { credentials: NodeCredentials; timeoutMs: number } & Partial<
		Omit<ApiCallOptions, 'credentials'>
	>,
): ZohoApi {
	const { scope } = access;
	// Field by field: spreads are slow on the per-item path of API Request.
	return new ZohoApi(access.runtime.api, {
		signal: scope.signal,
		logger: scope.logger,
		tokenMemo: scope.tokenMemo,
		credentials: options.credentials.credentials,
		saved: options.credentials.saved,
		timeoutMs: options.timeoutMs,
		allowedHosts: options.allowedHosts,
		retryNonIdempotent: options.retryNonIdempotent,
		checkBooksCode: options.checkBooksCode,
	});
}
