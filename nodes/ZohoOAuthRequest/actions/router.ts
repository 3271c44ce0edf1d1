/**
 * Reads the operation once, runs it for every input item (per item, several at a time
 * with output order kept, or all items at once for batched operations), and turns every
 * failure into what n8n shows in one place (nodeErrors.ts): with Continue On Fail each
 * failed item becomes exactly one error item.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { mapConcurrently } from '../../../zoho/mapConcurrently';
import { CredentialSource } from '../../shared/credentialSource';
import { errorItem, toNodeError } from '../../shared/nodeErrors';
import { itemParams } from '../../shared/parameters';
import { zohoAccess } from '../../shared/zohoRuntime';
import { findOperation } from './operations';
import type { ItemOperation, ItemOutcome, RunInput } from './types';

export async function route(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const node = ctx.getNode();
	try {
		const operation = findOperation(ctx.getNodeParameter('operation', 0));
		const input: RunInput = { ctx, ...zohoAccess(ctx), credentials: new CredentialSource(ctx) };
		const outcomes =
			'executeAll' in operation
				? await operation.executeAll(input)
				: await eachItem(operation, input);
		return outcomes.flatMap((outcome, itemIndex) =>
			'error' in outcome ? [errorItem(node, outcome.error, itemIndex)] : paired(outcome, itemIndex),
		);
	} catch (error) {
		throw toNodeError(node, error, 0);
	}
}

async function eachItem(operation: ItemOperation, input: RunInput): Promise<ItemOutcome[]> {
	const { ctx } = input;
	const node = ctx.getNode();
	const continueOnFail = ctx.continueOnFail();
	let concurrency = 1;
	let optionError: { error: unknown } | undefined;
	try {
		concurrency = operation.concurrency?.(itemParams(ctx, 0)) ?? 1;
	} catch (error) {
		// An unusable node-wide option fails every item, so Continue On Fail gives one error item each.
		optionError = { error };
	}
	return await mapConcurrently({
		count: ctx.getInputData().length,
		concurrency,
		run: async (itemIndex): Promise<ItemOutcome> => {
			try {
				if (optionError) throw optionError.error;
				const param = itemParams(ctx, itemIndex);
				return { items: await operation.execute({ ...input, itemIndex, param }) };
			} catch (error) {
				if (!continueOnFail) throw toNodeError(node, error, itemIndex);
				return { error };
			}
		},
	});
}

/** Operations return new items: pairing them in place spares a copy of each. */
function paired(outcome: { items: INodeExecutionData[] }, itemIndex: number): INodeExecutionData[] {
	for (const item of outcome.items) item.pairedItem = { item: itemIndex };
	return outcome.items;
}
