/**
 * The one place where Zoho core errors become n8n errors: bad input (and a
 * refused host) becomes a NodeOperationError naming the field; anything Zoho
 * (or the network) said becomes a NodeApiError with Zoho's code, message,
 * status and the fix.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type INode,
	type JsonObject,
} from 'n8n-workflow';

import { isZohoError, type ZohoError, type ZohoErrorCode } from '../../zoho/errors';

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
	if (!isZohoError(error)) {
		return new NodeOperationError(node, error instanceof Error ? error : String(error), {
			itemIndex,
		});
	}
	if (OPERATION_CODES.has(error.code)) {
		return new NodeOperationError(node, error.message, { itemIndex, description: error.hint });
	}
	return new NodeApiError(node, errorSummary(error) as JsonObject, {
		message: error.message,
		description: describe(error),
		httpCode: error.httpStatus === undefined ? undefined : String(error.httpStatus),
		itemIndex,
	});
}

/** What an error item carries with Continue On Fail (no secrets: messages never hold any). */
export function errorSummary(error: ZohoError): Record<string, string | number | undefined> {
	return {
		code: error.code,
		zohoCode: error.zohoCode,
		message: error.message,
		hint: error.hint,
		field: error.field,
		httpStatus: error.httpStatus,
		url: error.url,
	};
}

/** The json of an error item: n8n's usual `error` message plus our stable fields. */
export function errorItemJson(
	nodeError: NodeApiError | NodeOperationError,
	cause: unknown,
): IDataObject {
	const json: IDataObject = { error: nodeError.message };
	if (nodeError.description) json.description = nodeError.description;
	if (isZohoError(cause)) {
		for (const [key, value] of Object.entries(errorSummary(cause))) {
			if (value !== undefined && key !== 'message') json[key] = value;
		}
	}
	return json;
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
