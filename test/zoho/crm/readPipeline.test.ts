// The read pipeline's core against the simulator, as the node operations will use it: a
// Bulk Read export of 250,000 records in two pages (request built by the core, answers
// checked by its schemas, the zip read as a stream with types from settings/fields), and a
// COQL read of every row past the 100,000 LIMIT/OFFSET ceiling by keyset paging.
import { Readable } from 'node:stream';
import { ZohoSimulator } from '../../../simulator';
import {
	bulkReadCreatedSchema,
	bulkReadJobAnswerSchema,
	buildBulkReadRequest,
	type BulkReadJob,
} from '../../../zoho/crm/bulkRead/request';
import { readBulkReadFile } from '../../../zoho/crm/bulkRead/file';
import { coqlAnswerSchema, keysetQuery, splitCoqlQuery } from '../../../zoho/crm/coql';
import { fieldTypeSchema, type RestoredRecord } from '../../../zoho/crm/bulkRead/recordValues';
import { simCall, simFetch, simToken } from '../../support/simApi';

/** A job that did not fail: its result is the page to download. */
type DoneJob = Exclude<BulkReadJob, { state: 'FAILURE' }>;
const TOTAL = 250_000;
let sim: ZohoSimulator;
let token: string;

beforeAll(async () => {
	sim = new ZohoSimulator({ dataCentres: ['us'], bulkReadJobMs: 0 });
	await sim.start();
	token = await simToken(sim, {
		scopes: [
			'ZohoCRM.bulk.read',
			'ZohoCRM.coql.READ',
			'ZohoCRM.modules.ALL',
			'ZohoCRM.settings.fields.READ',
		],
	});
	sim.seedCrm('us', {
		module: 'Leads',
		count: TOTAL,
		make: (i) => ({
			First_Name: `First${i}`,
			Last_Name: `Last${i}`,
			Email: `lead${i}@example.com`,
			No_of_Employees: i % 500,
			Email_Opt_Out: i % 2 === 0,
		}),
	});
});
afterAll(() => sim.stop());

async function exportPage(
	pageToken?: string,
): Promise<{ job: DoneJob; records: number; ids: Set<string>; sample?: RestoredRecord }> {
	const body = buildBulkReadRequest({
		module: 'Leads',
		fields: ['Last_Name', 'Email', 'No_of_Employees', 'Email_Opt_Out', 'Owner'],
		...(pageToken ? { pageToken } : {}),
	});
	const created = bulkReadCreatedSchema.parse(
		(await simCall(sim, { path: '/crm/bulk/v8/read', method: 'POST', token, body })).json,
	);
	const id = created.data[0]?.details.id as string;
	const details = bulkReadJobAnswerSchema.parse(
		(await simCall(sim, { path: `/crm/bulk/v8/read/${id}`, token })).json,
	);
	const job = details.data[0] as DoneJob;
	const fields = (await simCall(sim, { path: '/crm/v8/settings/fields?module=Leads', token })).json
		.fields;
	const res = await simFetch(`${sim.url('us')}${job.result?.download_url}`, {
		headers: { Authorization: `Zoho-oauthtoken ${token}` },
	});
	if (!res.body) throw new Error('no download body');
	const reader = readBulkReadFile(Readable.fromWeb(res.body as never), {
		fields: fieldTypeSchema.array().parse(fields),
		batchSize: 5000,
	});
	const ids = new Set<string>();
	let records = 0;
	let sample: RestoredRecord | undefined;
	for (;;) {
		const next = await reader.next();
		if (next.done) break;
		sample ??= next.value[0];
		records += next.value.length;
		for (const record of next.value) ids.add(record.id);
	}
	return { job, records, ids, ...(sample ? { sample } : {}) };
}

describe('read pipeline against the simulator', () => {
	it('exports 250,000 records in two Bulk Read pages, streamed, with types restored', async () => {
		const first = await exportPage();
		expect(first.job.result).toMatchObject({ page: 1, count: 200_000, more_records: true });
		expect(first.records).toBe(200_000);
		expect(first.sample).toEqual({
			id: expect.stringMatching(/^\d+$/),
			Last_Name: 'Last1',
			Email: 'lead1@example.com',
			No_of_Employees: 1,
			Email_Opt_Out: false,
			Owner: { id: expect.stringMatching(/^\d+$/) },
		});
		const second = await exportPage(first.job.result?.next_page_token ?? undefined);
		expect(second.job.result).toMatchObject({ page: 2, count: 50_000, more_records: false });
		expect(second.records).toBe(50_000);
		const all = new Set([...first.ids, ...second.ids]);
		expect(all.size).toBe(TOTAL);
	});

	it('reads all 250,000 rows of a COQL query by keyset paging, past the 100,000-row offset ceiling', async () => {
		const parts = splitCoqlQuery('select Last_Name from Leads where No_of_Employees >= 0');
		let afterId: string | undefined;
		let rows = 0;
		let calls = 0;
		for (;;) {
			const answer = await simCall(sim, {
				path: '/crm/v8/coql',
				method: 'POST',
				token,
				body: {
					select_query: keysetQuery(parts, { limit: 2000, ...(afterId ? { afterId } : {}) }),
				},
			});
			calls += 1;
			if (answer.status === 204) break;
			const page = coqlAnswerSchema.parse(answer.json);
			rows += page.data.length;
			afterId = page.data[page.data.length - 1]?.id;
			if (!page.info.more_records) break;
		}
		expect(rows).toBe(TOTAL);
		expect(calls).toBe(TOTAL / 2000);
	});
});
