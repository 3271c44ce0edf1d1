import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { TokenFailureMemo } from '../../../zoho/token/auth';
import type { ZohoRuntime } from '../../../zoho/runtime';
import type { CredentialSource } from '../../shared/credentialSource';

/** What each operation receives for one input item. */
export interface OperationInput {
	ctx: IExecuteFunctions;
	itemIndex: number;
	runtime: ZohoRuntime;
	credentials: CredentialSource;
	/** The execution's cancel signal: aborting it stops in-flight requests. */
	signal?: AbortSignal;
	/** One per execution: after a failed token fetch, later items fail alike without asking Zoho again. */
	tokenMemo: TokenFailureMemo;
}

/** New items for one input item (not shared with anything else); the router sets their pairedItem. */
export type OperationOutput = INodeExecutionData[];

/** What an operation that handles all items at once (batched record writes) receives. */
export type BatchInput = Omit<OperationInput, 'itemIndex'>;
