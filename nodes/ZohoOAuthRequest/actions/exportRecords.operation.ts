/**
 * Export Records (Bulk Read): one export job per 200,000 records, waited for, downloaded
 * and read as a stream (zoho/crm/bulkRead/job.ts, file.ts); out come the records as
 * items, or each page's CSV as a file.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ZohoApi } from '../../../zoho/api/apiClient';
import {
	buildBulkReadRequest,
	criteriaFromZohoJson,
	modifiedRange,
	type BulkReadCriteria,
} from '../../../zoho/crm/bulkRead/request';
import { bulkReadCsv, readBulkReadFile } from '../../../zoho/crm/bulkRead/file';
import { bulkExportPages, type BulkExportPage } from '../../../zoho/crm/bulkRead/job';
import { fetchFields } from '../../../zoho/crm/metadata/metadata';
import { fieldTypeSchema, type FieldType } from '../../../zoho/crm/bulkRead/recordValues';
import { commaList } from '../../../zoho/formats';
import {
	parseJsonParam,
	positiveInteger,
	readModule,
	readCrmOnlyTarget,
	text,
	timeoutOption,
	type ParamReader,
} from '../../shared/parameters';
import { zohoApi } from '../../shared/zohoRuntime';
import { DEFAULT_MAX_WAIT_MINUTES } from './exportRecords.description';
import type { ItemInput } from './types';

export { properties } from './exportRecords.description';

export const option = {
	name: 'Export Records (Bulk Read)',
	value: 'exportRecords',
	action: 'Export records in bulk',
	description:
		"Export a whole CRM module, or what changed in it, with Zoho's Bulk Read: 200,000 records per job",
};

type ExportSettings = ReturnType<typeof readSettings>;

export async function execute(input: ItemInput): Promise<INodeExecutionData[]> {
	const { ctx, param, runtime } = input;
	const settings = readSettings(param);
	const credentials = await input.credentials.read();
	const access = zohoApi(input, { credentials, timeoutMs: settings.timeoutMs });
	const pages = bulkExportPages(access, {
		version: settings.target.crmVersion,
		request: settings.request,
		timing: runtime.jobTiming,
		clock: runtime.clock,
		maxWaitMs: settings.maxWaitMs,
	});
	return settings.output === 'csvFile'
		? await fileItems({ ctx, pages, settings })
		: await recordItems({ access, pages, settings });
}

/** Every record of every page, its values typed from the module's fields (one more call). */
async function recordItems(options: {
	access: ZohoApi;
	pages: AsyncGenerator<BulkExportPage>;
	settings: ExportSettings;
}): Promise<INodeExecutionData[]> {
	const { access, settings } = options;
	const { target } = settings;
	let fields: FieldType[] | undefined;
	const items: INodeExecutionData[] = [];
	for await (const page of options.pages) {
		// Asked once the first job is done: Zoho's refusal of the job is the more telling error.
		fields ??= fieldTypeSchema
			.array()
			.parse(await fetchFields({ api: access, target, module: target.module }));
		const batches = readBulkReadFile(page.zip, { fields, signal: access.options.signal });
		for await (const batch of batches) for (const json of batch) items.push({ json });
	}
	return items;
}

/** One item per page: Zoho's CSV as a file, with what the page holds. */
async function fileItems(options: {
	ctx: IExecuteFunctions;
	pages: AsyncGenerator<BulkExportPage>;
	settings: ExportSettings;
}): Promise<INodeExecutionData[]> {
	const { ctx, settings } = options;
	const { module } = settings.target;
	const items: INodeExecutionData[] = [];
	for await (const { job, result, zip } of options.pages) {
		const file = await ctx.helpers.prepareBinaryData(
			bulkReadCsv(zip),
			`${module}-page-${result.page}.csv`,
			'text/csv',
		);
		const { page, count, more_records: moreRecords } = result;
		const json = { module, page, count, moreRecords, jobId: job.id };
		items.push({ json, binary: { [settings.binaryPropertyName]: file } });
	}
	return items;
}

function readSettings(param: ParamReader) {
	const target = { ...readCrmOnlyTarget(param), module: readModule(param) };
	const filters = param('exportFilters', {}) as IDataObject;
	const options = param('exportOptions', {}) as IDataObject;
	const cvid = text(filters.customViewId);
	const request = {
		module: target.module,
		// The picked fields, or an expression's list or comma-separated text.
		fields: commaList(param('fields', [])),
		...readCriteria(filters),
		...(cvid === '' ? {} : { cvid }),
	};
	// Checked now, before any call: the same check runs for each page's job.
	buildBulkReadRequest(request);
	return {
		target,
		request,
		output: param('exportOutput', 'records') === 'csvFile' ? 'csvFile' : 'records',
		binaryPropertyName: text(param('binaryPropertyName', 'data')) || 'data',
		maxWaitMs:
			60_000 *
			(options.maxWaitMinutes === undefined
				? DEFAULT_MAX_WAIT_MINUTES
				: positiveInteger(options.maxWaitMinutes, 'Max Wait (Minutes)')),
		timeoutMs: timeoutOption(options.timeout),
	};
}

/** The Modified range and the criteria JSON, both when given (AND). */
function readCriteria(filters: IDataObject): { criteria?: BulkReadCriteria } {
	const date = (value: unknown) => (text(value) === '' ? undefined : new Date(text(value)));
	const range = modifiedRange({ from: date(filters.modifiedFrom), to: date(filters.modifiedTo) });
	const json = parseJsonParam(filters.criteriaJson, 'Criteria (JSON)');
	const own = json === undefined || json === null ? undefined : criteriaFromZohoJson(json);
	if (range && own) return { criteria: { group_operator: 'and', group: [range, own] } };
	const criteria = range ?? own;
	return criteria ? { criteria } : {};
}
