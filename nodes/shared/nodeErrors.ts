/**
 * The one place where Zoho core errors become what n8n shows, for every path: operations
 * (per item and batched), the trigger, the editor's methods, the credential test and
 * preAuthentication. Bad input (and a refused host) becomes a NodeOperationError naming
 * the field; anything Zoho (or the network) said becomes a NodeApiError with Zoho's code,
 * message, status and the fix.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import { isZohoError, userMessage, type ZohoError, type ZohoErrorCode } from '../../zoho/errors';

/** Problems the user fixes in the node's parameters or the credential, not at Zoho. */
const OPERATION_CODES: ReadonlySet<ZohoErrorCode> = new Set([
	'INVALID_INPUT',
	'HOST_NOT_ALLOWED',
	'ABORTED',
]);

/** `itemIndex` is absent for a trigger's poll, which has no input items. */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (!isZohoError(error))
		return new NodeOperationError(node, error instanceof Error ? error : String(error), {
			itemIndex,
		});
	if (OPERATION_CODES.has(error.code))
		return new NodeOperationError(node, error.message, { itemIndex, description: error.hint });
	return new NodeApiError(node, errorSummary(error) as JsonObject, {
		message: error.message,
		description: describe(error),
		httpCode: error.httpStatus === undefined ? undefined : String(error.httpStatus),
		itemIndex,
	});
}

/** What an error item carries with Continue On Fail, and a node error's details (no secrets: messages never hold any). */
function errorSummary(error: ZohoError): IDataObject {
	return {
		code: error.code,
		zohoCode: error.zohoCode,
		zohoMessage: error.zohoMessage,
		message: error.message,
		hint: error.hint,
		field: error.field,
		httpStatus: error.httpStatus,
		url: error.url,
		// A write that failed in part: what it wrote anyway, by input item.
		writtenRecords: error.writtenRecords?.map((record) => ({ ...record })),
	};
}

/**
 * The item a failed input item becomes with Continue On Fail: n8n's usual `error`
 * message plus our stable fields, paired with its input item.
 */
export function errorItem(node: INode, error: unknown, itemIndex: number): INodeExecutionData {
	const nodeError = toNodeError(node, error, itemIndex);
	const json: IDataObject = { error: nodeError.message };
	if (nodeError.description) json.description = nodeError.description;
	if (isZohoError(error)) {
		for (const [key, value] of Object.entries(errorSummary(error))) {
			if (value !== undefined && key !== 'message') json[key] = value;
		}
	}
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * A failure as one line with the fix: what the credential modal's Test shows, and what
 * preAuthentication throws (n8n gives it no node, so no NodeOperationError can be built; n8n's
 * require-node-api-error rule exempts credential files for that reason).
 */
export function plainError(error: unknown): Error {
	if (isZohoError(error)) return new Error(userMessage(error));
	return error instanceof Error ? error : new Error(String(error));
}

function describe(error: ZohoError): string {
	const parts = [error.hint];
	if (error.zohoCode)
		parts.push(
			`Zoho code: ${error.zohoCode}${error.zohoMessage ? ` (${error.zohoMessage})` : ''}.`,
		);
	if (error.bodyExcerpt) parts.push(`Answer: ${error.bodyExcerpt}`);
	return parts.filter(Boolean).join(' ');
}
