/**
 * Reads the operation once, runs it for every input item (API requests several
 * at a time, output order kept), and turns failures into n8n errors in one
 * place: with Continue On Fail each failed item becomes exactly one error item.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { TokenFailureMemo } from '../../../zoho/token/auth';
import { inPool } from '../../../zoho/mapConcurrently';
import { sharedZohoRuntime } from '../../../zoho/runtime';
import { CredentialSource } from '../../shared/credentialSource';
import { errorItemJson, toNodeError } from '../../shared/nodeErrors';
import { readMaxConcurrency } from './apiRequest.params';
import { BATCH_OPERATIONS, isBatchOperationName, isOperationName, OPERATIONS } from './operations';
import type { OperationInput } from './types';

export async function route(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const operation = ctx.getNodeParameter('operation', 0);
	if (isBatchOperationName(operation)) {
		return await BATCH_OPERATIONS[operation].executeBatch({
			ctx,
			runtime: sharedZohoRuntime(),
			credentials: new CredentialSource(ctx),
			signal: ctx.getExecutionCancelSignal?.(),
			tokenMemo: new TokenFailureMemo(),
		});
	}
	if (!isOperationName(operation)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The operation "${String(operation)}" is not known`,
			{
				description: 'Pick an operation from the list.',
			},
		);
	}
	const { concurrency, optionError } =
		operation === 'apiRequest' ? maxConcurrency(ctx) : { concurrency: 1 };
	const base = {
		ctx,
		runtime: runtimeFor(ctx),
		credentials: new CredentialSource(ctx),
		signal: ctx.getExecutionCancelSignal?.(),
		tokenMemo: new TokenFailureMemo(),
	};

	const runItem = async (itemIndex: number): Promise<INodeExecutionData[]> => {
		const input: OperationInput = { ...base, itemIndex };
		try {
			// An unusable node-wide option fails every item, so Continue On Fail gives one error item each.
			if (optionError) throw optionError.error;
			const output = await OPERATIONS[operation].execute(input);
			// Operations return fresh items: pairing them in place spares a copy of each.
			for (const item of output) item.pairedItem = { item: itemIndex };
			return output;
		} catch (error) {
			const nodeError = toNodeError(ctx.getNode(), error, itemIndex);
			if (!ctx.continueOnFail()) throw nodeError;
			return [{ json: errorItemJson(nodeError, error), pairedItem: { item: itemIndex } }];
		}
	};

	const perItem = await inPool({ count: items.length, concurrency, run: runItem });
	return perItem.flat();
}

/** The process's runtime, with n8n's logger; a bad token-store setting fails the run with the variable to fix. */
function runtimeFor(ctx: IExecuteFunctions) {
	try {
		return sharedZohoRuntime({ logger: ctx.logger });
	} catch (error) {
		throw toNodeError(ctx.getNode(), error, 0);
	}
}

/** Max Concurrent Requests, or why it is unusable (the items then fail with that, one by one). */
function maxConcurrency(ctx: IExecuteFunctions): {
	concurrency: number;
	optionError?: { error: unknown };
} {
	try {
		return { concurrency: readMaxConcurrency(ctx) };
	} catch (error) {
		return { concurrency: 1, optionError: { error } };
	}
}
