/** Builds the request body of one item from the Send Body parameters (and its binary data). */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { MultipartPart, RequestBody } from '../../../zoho/api/apiClient';
import { ZohoInputError } from '../../../zoho/errors';
import { itemParams, parseJsonParam } from '../../shared/parameters';

interface MultipartRow {
	parameterType?: string;
	name?: string;
	value?: string;
	inputBinaryField?: string;
}

/** The body of one item; called when Send Body is on. */
export async function readBody(ctx: IExecuteFunctions, itemIndex: number): Promise<RequestBody> {
	const param = itemParams(ctx, itemIndex);
	const type = param('bodyContentType', 'json');
	switch (type) {
		case 'json': {
			const raw = param('jsonBody', '');
			const value = typeof raw === 'string' ? parseJsonParam(raw, 'JSON Body') : raw;
			if (value === undefined) {
				throw new ZohoInputError(
					'JSON Body',
					'JSON Body is empty.',
					'Enter the JSON to send, or turn Send Body off.',
				);
			}
			return { kind: 'json', value };
		}
		case 'form': {
			const rows = (
				param('formParameters.parameters', []) as Array<{ name?: string; value?: string }>
			)
				.filter((row) => row.name)
				.map((row): [string, string] => [String(row.name), String(row.value ?? '')]);
			return { kind: 'form', fields: rows };
		}
		case 'multipart':
			return { kind: 'multipart', parts: await multipartParts(ctx, itemIndex) };
		case 'raw':
			return {
				kind: 'raw',
				data: String(param('rawBody', '')),
				contentType: String(param('rawContentType', 'text/plain')) || 'text/plain',
			};
		default:
			throw new ZohoInputError(
				'Body Content Type',
				`Unknown body content type "${String(type)}".`,
				'Pick JSON, Form Urlencoded, Multipart or Raw.',
			);
	}
}

async function multipartParts(ctx: IExecuteFunctions, itemIndex: number): Promise<MultipartPart[]> {
	const rows = ctx.getNodeParameter(
		'multipartParameters.parameters',
		itemIndex,
		[],
	) as MultipartRow[];
	const parts: MultipartPart[] = [];
	for (const row of rows) {
		const name = String(row.name ?? '').trim();
		if (!name)
			throw new ZohoInputError(
				'Multipart Fields',
				`Multipart Fields: field ${parts.length + 1} has no name.`,
				'Give every field a name (Zoho CRM attachments use "file").',
			);
		if (row.parameterType !== 'file') {
			parts.push({ name, value: String(row.value ?? '') });
			continue;
		}
		const field = String(row.inputBinaryField ?? '').trim() || 'data';
		const binary = ctx.getInputData()[itemIndex]?.binary?.[field];
		if (!binary) {
			const present = Object.keys(ctx.getInputData()[itemIndex]?.binary ?? {});
			throw new ZohoInputError(
				'Input Binary Field',
				`Input item ${itemIndex} has no binary field "${field}" (Input Binary Field).`,
				present.length
					? `Its binary fields are: ${present.join(', ')}. Enter one of them in Input Binary Field.`
					: 'The input item carries no file. Add a node before this one that reads or downloads the file (e.g. Read/Write Files from Disk).',
			);
		}
		const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, field);
		parts.push({
			name,
			data,
			fileName:
				binary.fileName ?? `${field}${binary.fileExtension ? `.${binary.fileExtension}` : ''}`,
			contentType: binary.mimeType || 'application/octet-stream',
		});
	}
	return parts;
}
