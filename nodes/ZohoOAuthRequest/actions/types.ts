import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import type { CredentialSource } from '../../shared/credentialSource';
import type { ZohoAccess } from '../../shared/zohoRuntime';

/** What an operation receives for one run of the node. */
export interface RunInput extends ZohoAccess {
	ctx: IExecuteFunctions;
	/** The node's credential, decrypted once per run. */
	credentials: CredentialSource;
}

/** What an operation that runs per item receives for one input item. */
export interface ItemInput extends RunInput {
	itemIndex: number;
}

/** What became of one input item: its output items (new, not shared; the router pairs them), or why it failed. */
export type ItemOutcome = { items: INodeExecutionData[] } | { error: unknown };

/** One file per operation (`*.operation.ts`) exports these. */
interface OperationFile {
	/** The operation's entry in the Operation list. */
	option: INodePropertyOptions;
	/** Its own parameters, shown only for it. */
	properties: INodeProperties[];
}

/** Runs once per input item. */
export interface ItemOperation extends OperationFile {
	execute(input: ItemInput): Promise<INodeExecutionData[]>;
	/** How many items run at once (default 1), read once per run; throwing fails every item with that error. */
	concurrency?(ctx: IExecuteFunctions): number;
}

/** Takes every input item at once (it batches them into calls): one outcome per input item, in order. */
interface BatchOperation extends OperationFile {
	executeAll(input: RunInput): Promise<ItemOutcome[]>;
}

export type Operation = ItemOperation | BatchOperation;
