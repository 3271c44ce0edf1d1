/**
 * The node's operations, one file each, in the order their parameters follow the
 * operation selector. A new operation is a new `*.operation.ts` and a line here.
 */
import type { INodeProperties } from 'n8n-workflow';

import { ZohoInputError } from '../../../zoho/errors';
import * as apiRequest from './apiRequest.operation';
import * as coqlQuery from './coqlQuery.operation';
import * as deletedRecords from './deletedRecords.operation';
import * as exportRecords from './exportRecords.operation';
import * as exchangeGrantCode from './exchangeGrantCode.operation';
import * as getAccessToken from './getAccessToken.operation';
import * as recordWrite from './recordWrite.operation';
import * as revokeRefreshToken from './revokeRefreshToken.operation';
import type { Operation } from './types';

const OPERATIONS: readonly Operation[] = [
	apiRequest,
	recordWrite,
	exportRecords,
	coqlQuery,
	deletedRecords,
	getAccessToken,
	exchangeGrantCode,
	revokeRefreshToken,
];

export function findOperation(name: unknown): Operation {
	const operation = OPERATIONS.find((candidate) => candidate.option.value === name);
	if (operation) return operation;
	throw new ZohoInputError(
		'Operation',
		`The operation "${String(name)}" is not known`,
		'Pick an operation from the list.',
	);
}

const operationSelector: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	// Listed by name, as n8n's editor expects.
	options: OPERATIONS.map((operation) => operation.option).sort((a, b) =>
		a.name.localeCompare(b.name),
	),
	default: 'apiRequest',
};

/**
 * The canvas line under the node: the method and path of an API Request, the kind of a record
 * write, else the operation's name as the list shows it (never its raw value).
 */
const operationNames = JSON.stringify(
	Object.fromEntries(
		OPERATIONS.map((operation) => [operation.option.value, operation.option.name]),
	),
);
export const operationSubtitle =
	'={{ $parameter["operation"] === "apiRequest" ? $parameter["method"] + " " + $parameter["path"]' +
	' : $parameter["operation"] === "recordWrite"' +
	' ? ({ create: "Create", update: "Update", upsert: "Create or update", delete: "Delete" }[$parameter["writeOperation"]] ?? $parameter["writeOperation"]) + " records"' +
	` : (${operationNames}[$parameter["operation"]] ?? $parameter["operation"]) }}`;

export const operationProperties: INodeProperties[] = [
	operationSelector,
	...OPERATIONS.flatMap((operation) => shownFor(operation.option.value, operation.properties)),
];

/** An operation's parameters show only when it is picked (and when their own conditions hold). */
function shownFor(
	operation: string | number | boolean,
	properties: INodeProperties[],
): INodeProperties[] {
	return properties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { operation: [operation], ...property.displayOptions?.show },
		},
	}));
}
