import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import type { CredentialSource } from '../../shared/credentialSource';
import type { ParamReader } from '../../shared/parameters';
import type { ZohoAccess } from '../../shared/zohoRuntime';

/** What an operation receives for one run of the node; the credential is decrypted once per run. */
export interface RunInput extends ZohoAccess {
	ctx: IExecuteFunctions;
	credentials: CredentialSource;
}

/** What an operation that runs per item receives: `param` reads that item's parameters. */
export interface ItemInput extends RunInput {
	itemIndex: number;
	param: ParamReader;
}

/** What became of one input item: its output items (new, not shared; the router pairs them), or why it failed. */
export type ItemOutcome = { items: INodeExecutionData[] } | { error: unknown };

/**
 * One file per operation (`*.operation.ts`): its entry in the Operation list, its own
 * parameters (operations.ts shows them only for it; their displayOptions add any other
 * conditions), and either `execute` (once per input item, `concurrency` at once, read from
 * the first item; throwing there fails every item) or `executeAll` (every item at once,
 * batched into calls: one outcome per input item, in order).
 */
export type Operation = { option: INodePropertyOptions; properties: INodeProperties[] } & (
	| {
			execute(input: ItemInput): Promise<INodeExecutionData[]>;
			concurrency?(param: ParamReader): number;
	  }
	| { executeAll(input: RunInput): Promise<ItemOutcome[]> }
);

export type ItemOperation = Extract<Operation, { execute: unknown }>;
