/** Parameters of the API Request operation, in the order a user fills them in. */
import type { INodeProperties } from 'n8n-workflow';

import { CRM_VERSIONS, SERVICES, type ServiceId } from '../../../zoho/api/services';
import { choices } from '../../shared/description';
import { DEFAULT_MAX_CONCURRENCY } from '../../shared/parameters';
import { timeoutProperty } from '../../shared/timeout.description';
import { API_METHODS, PAIR_PARAMETERS } from './apiRequest.params';
import { LIMIT, RETURN_ALL } from './listRead';

/** The services that need an organization id (query parameter or header), as services.ts says. */
const ORG_SERVICES = (Object.keys(SERVICES) as ServiceId[]).filter(
	(id) => SERVICES[id].requires !== undefined,
);

/** The rows of a name/value fixedCollection (query, headers, form fields): `{ parameters: [{ name, value }] }`. */
function nameValueRows(rowLabel: string): INodeProperties['options'] {
	return [
		{
			name: 'parameters',
			displayName: rowLabel,
			values: [
				{ displayName: 'Name', name: 'name', type: 'string', default: '' },
				{ displayName: 'Value', name: 'value', type: 'string', default: '' },
			],
		},
	];
}

/** A switch that shows the parameters behind it; off by default. */
function sendSwitch(displayName: string, name: string): INodeProperties {
	return { displayName, name, type: 'boolean', default: false };
}

/**
 * Where a service's requests go, as the US data centre spells it (descriptions are
 * rendered as HTML in the editor, so no angle-bracket placeholders).
 */
function serviceHelp(id: ServiceId): string {
	if (id === 'custom')
		return "Any other Zoho API: the path is added to the token's api_domain (www.zohoapis.com …), or give a full URL";
	const info = SERVICES[id];
	const host = info.productHost ? `${info.productHost}.zoho.com` : 'www.zohoapis.com';
	return `${host}${info.basePath.replace('{version}', 'v8')}`;
}

/**
 * A Send … switch and, behind it, name/value pairs or the same as a JSON object, under the
 * parameter names workflows store (PAIR_PARAMETERS, which the reader uses too); `plural`
 * and `item` only word the UI.
 */
function pairsOrJson(options: {
	names: (typeof PAIR_PARAMETERS)[keyof typeof PAIR_PARAMETERS];
	plural: string;
	item: string;
	toggle: string;
	example: string;
}): INodeProperties[] {
	const { toggle } = options;
	const mode = options.names.mode;
	return [
		sendSwitch(`Send ${options.plural}`, toggle),
		{
			displayName: `Specify ${options.plural}`,
			name: mode,
			type: 'options',
			options: choices([
				['Using Fields Below', 'keypair'],
				['Using JSON', 'json'],
			]),
			default: 'keypair',
			displayOptions: { show: { [toggle]: [true] } },
		},
		{
			displayName: `${options.names.label} Parameters`,
			name: options.names.pairs,
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: `Add ${options.item}`,
			default: { parameters: [{ name: '', value: '' }] },
			displayOptions: { show: { [toggle]: [true], [mode]: ['keypair'] } },
			options: nameValueRows('Parameter'),
		},
		{
			displayName: `JSON ${options.names.label}`,
			name: options.names.json,
			type: 'json',
			default: '',
			placeholder: options.example,
			description: `${options.plural} as one JSON object of names to values`,
			hint: `One JSON object, e.g. ${options.example}`,
			displayOptions: { show: { [toggle]: [true], [mode]: ['json'] } },
		},
	];
}

export const properties: INodeProperties[] = [
	{
		displayName: 'Service',
		name: 'service',
		type: 'options',
		// By name, in the order n8n's lint wants (ASCII: CRM before Creator).
		options: (Object.keys(SERVICES) as ServiceId[])
			.map((id) => ({ name: SERVICES[id].name, value: id, description: serviceHelp(id) }))
			.sort((a, b) => (a.name < b.name ? -1 : 1)),
		default: 'crm',
		description:
			"The Zoho product to call. It sets the base URL the path is added to. The URLs listed are the US ones; the node uses those of your credential's data centre (zohoapis.eu, desk.zoho.eu …).",
	},
	{
		displayName: 'API Version',
		name: 'crmVersion',
		type: 'options',
		options: [...CRM_VERSIONS].reverse().map((v) => ({ name: v, value: v })),
		default: 'v8',
		description:
			'Zoho CRM API version, part of the base URL (www.zohoapis.com/crm/v8). Lists past 2,000 records need v3 or later.',
		displayOptions: { show: { service: ['crm'] } },
	},
	{
		displayName: 'Organization ID',
		name: 'organizationId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '10234695',
		description:
			'The ID of your organization in this Zoho product. Books, Inventory and Invoice: sent as the organization_id query parameter. Desk: the orgId header. Analytics: the ZANALYTICS-ORGID header.',
		hint: 'Find it in the product under Settings → Organization, or with GET /organizations',
		displayOptions: { show: { service: ORG_SERVICES } },
	},
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		options: [...API_METHODS].sort().map((m) => ({ name: m, value: m })),
		default: 'GET',
		description: 'HTTP method of the call, as the Zoho API documentation gives it for the endpoint',
	},
	{
		displayName: 'Path or URL',
		name: 'path',
		type: 'string',
		default: '',
		required: true,
		placeholder: '/Leads',
		description:
			'Path relative to the service base URL, starting with / (e.g. /Leads, /Leads/search, /invoices), or a full https URL of a Zoho host of your data centre',
		hint: "Added to the Service's base URL, e.g. /Leads with CRM → www.zohoapis.com/crm/v8/Leads (zohoapis.eu, .in … in other data centres). A list comes back as one item holding its records: for one item per record, add Options → Split Into Items",
	},
	...pairsOrJson({
		names: PAIR_PARAMETERS.query,
		plural: 'Query Parameters',
		item: 'Query Parameter',
		toggle: 'sendQuery',
		example: '{ "fields": "Last_Name,Email", "sort_by": "Modified_Time" }',
	}),
	...pairsOrJson({
		names: PAIR_PARAMETERS.header,
		plural: 'Headers',
		item: 'Header',
		toggle: 'sendHeaders',
		example: '{ "If-Modified-Since": "2026-01-01T00:00:00+00:00" }',
	}),
	sendSwitch('Send Body', 'sendBody'),
	{
		displayName: 'Body Content Type',
		name: 'bodyContentType',
		type: 'options',
		options: choices([
			['Form Urlencoded', 'form', 'Name/value fields, sent as application/x-www-form-urlencoded'],
			['JSON', 'json', 'A JSON document: what most Zoho APIs take'],
			[
				'Multipart Form-Data (Files)',
				'multipart',
				'Files from the input binary data and text fields, e.g. CRM attachments',
			],
			['Raw', 'raw', 'Any text, sent as is with the content type you give'],
		]),
		default: 'json',
		displayOptions: { show: { sendBody: [true] } },
	},
	{
		displayName: 'JSON Body',
		name: 'jsonBody',
		type: 'json',
		default: '',
		placeholder: '{ "data": [ { "Last_Name": "Smith", "Email": "smith@example.com" } ] }',
		description:
			'The request body as JSON. CRM writes take { "data": [ … ] } with up to 100 records.',
		hint: 'e.g. { "data": [ { "Last_Name": "Smith", "Email": "smith@example.com" } ] }',
		displayOptions: { show: { sendBody: [true], bodyContentType: ['json'] } },
	},
	{
		displayName: 'Form Fields',
		name: 'formParameters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Field',
		default: { parameters: [{ name: '', value: '' }] },
		displayOptions: { show: { sendBody: [true], bodyContentType: ['form'] } },
		options: nameValueRows('Field'),
	},
	{
		displayName: 'Multipart Fields',
		name: 'multipartParameters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Field',
		default: { parameters: [{ parameterType: 'file', name: 'file', inputBinaryField: 'data' }] },
		displayOptions: { show: { sendBody: [true], bodyContentType: ['multipart'] } },
		options: [
			{
				name: 'parameters',
				displayName: 'Field',
				values: [
					{
						displayName: 'Type',
						name: 'parameterType',
						type: 'options',
						options: choices([
							['File (From Input Binary Data)', 'file'],
							['Text', 'text'],
						]),
						default: 'file',
					},
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: 'file',
						description: 'Form field name; Zoho CRM attachments use "file"',
					},
					{
						displayName: 'Input Binary Field',
						name: 'inputBinaryField',
						type: 'string',
						default: 'data',
						description: 'Name of the binary property of the input item that holds the file',
						displayOptions: { show: { parameterType: ['file'] } },
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						displayOptions: { show: { parameterType: ['text'] } },
					},
				],
			},
		],
	},
	{
		displayName: 'Raw Body',
		name: 'rawBody',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: 'The body, sent exactly as written',
		displayOptions: { show: { sendBody: [true], bodyContentType: ['raw'] } },
	},
	{
		displayName: 'Raw Content Type',
		name: 'rawContentType',
		type: 'string',
		default: 'text/plain',
		placeholder: 'application/xml',
		description: 'Content-Type header sent with the raw body',
		displayOptions: { show: { sendBody: [true], bodyContentType: ['raw'] } },
	},
	{
		displayName: 'Response Format',
		name: 'responseFormat',
		type: 'options',
		options: choices([
			['File', 'file', 'Store the answer as binary data (downloads, attachments, photos)'],
			['JSON', 'json', 'Parse the answer as JSON (what most Zoho APIs send)'],
			['Text', 'text', 'Output the answer as text in the field "data"'],
		]),
		default: 'json',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field to put the file in',
		displayOptions: { show: { responseFormat: ['file'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Allowed Hosts',
				name: 'allowedHosts',
				type: 'string',
				default: '',
				placeholder: 'crm.example.com, *.mycompany.com, api.example.com:8443',
				description:
					"Extra hosts, comma-separated, that may receive the access token: host, *.domain, or host:port for a port other than 443. By default it goes only to the Zoho hosts of the credential's data centre.",
			},
			{
				displayName: 'Full Response',
				name: 'fullResponse',
				type: 'boolean',
				default: false,
				description: 'Whether to output status code, headers and body instead of the body only',
			},
			{
				...LIMIT,
				hint: 'Pages through GET lists of CRM, Bigin, Books, Inventory and Invoice until this many records',
			},
			{
				displayName: 'Max Concurrent Requests',
				name: 'maxConcurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 25 },
				default: DEFAULT_MAX_CONCURRENCY,
				description:
					'How many input items are sent at once (output order is kept). Zoho allows 5 concurrent calls per organisation on Free, 10 Standard, 15 Professional, 20 Enterprise, 25 Ultimate.',
			},
			{
				displayName: 'Retry POST and PATCH on Failure',
				name: 'retryNonIdempotent',
				type: 'boolean',
				default: false,
				description:
					'Whether to retry POST and PATCH after a 5xx or a dropped connection. Off by default: Zoho may have processed the first try, and a retry can create duplicates.',
			},
			{
				...RETURN_ALL,
				hint: 'Pages through GET lists: CRM and Bigin by page, then page_token past 2,000 records; Books, Inventory and Invoice by page_context',
			},
			{
				displayName: 'Split Into Items',
				name: 'splitIntoItems',
				type: 'boolean',
				default: false,
				description:
					'Whether to output one item per record of a list (e.g. each entry of CRM "data" or Books "invoices")',
			},
			timeoutProperty('Milliseconds to wait for each Zoho answer before giving up'),
		],
	},
];
