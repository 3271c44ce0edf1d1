// Reading a Bulk Read result as a stream: zips of other writers (data descriptor, stored),
// types restored from field metadata, damaged files, cancel and early stop, and a large
// export read without keeping it: the body is pulled only as batches are taken.
import { Zip, ZipDeflate } from 'fflate';
import { ZohoError } from '../../../../zoho/errors';
import { BulkReadFileError, readBulkReadFile } from '../../../../zoho/crm/bulkRead/file';
import type { RestoredRecord } from '../../../../zoho/crm/bulkRead/recordValues';
import { chunksOf, zipOf } from '../../../support/zipFixtures';

const FIELDS = [
	{ api_name: 'Name', data_type: 'text' },
	{ api_name: 'Employees', data_type: 'integer' },
	{ api_name: 'Revenue', data_type: 'currency' },
	{ api_name: 'Opt_Out', data_type: 'boolean' },
	{ api_name: 'Tags', data_type: 'multiselectpicklist' },
	{ api_name: 'Owner', data_type: 'ownerlookup' },
	{ api_name: 'Closing', data_type: 'date' },
	{ api_name: 'Custom_Count', json_type: 'integer' },
	{ api_name: 'Big_Number', data_type: 'bigint' },
];
const CSV = [
	'Id,Name,Employees,Revenue,Opt_Out,Tags,Owner,Owner.name,Closing,Custom_Count,Big_Number,Unlisted',
	'4150868000000001,"Smith, ""Jr""",12,1500.5,true,a;b,4150868099,Sim User,2026-01-31,7,9007199254740993,x',
	'4150868000000002,,,,,,,,,,,',
	'',
].join('\r\n');

async function all(
	body: AsyncIterable<Uint8Array>,
	options: Parameters<typeof readBulkReadFile>[1] = {},
): Promise<RestoredRecord[][]> {
	const batches: RestoredRecord[][] = [];
	await eachBatch(readBulkReadFile(body, options), (batch) => {
		batches.push(batch);
	});
	return batches;
}

/**
 * Takes batches until the reader ends or `take` answers 'stop' (the reader is then returned,
 * as a `break` would). Written out: the repository's type-aware lint misreads `for await`.
 */
async function eachBatch(
	reader: AsyncGenerator<RestoredRecord[]>,
	take: (batch: RestoredRecord[]) => 'stop' | void,
): Promise<void> {
	for (;;) {
		const next = await reader.next();
		if (next.done) return;
		if (take(next.value) === 'stop') {
			await reader.return(undefined);
			return;
		}
	}
}

describe('readBulkReadFile', () => {
	it('reads a deflated CSV with a data descriptor (as Java writes zips) and restores types from field metadata', async () => {
		const zip = zipOf([
			{ name: '4150868077000001.csv', data: Buffer.from(CSV), style: 'descriptor' },
		]);
		const [batch] = await all(chunksOf(zip, 7), { fields: FIELDS });
		expect(batch).toEqual([
			{
				id: '4150868000000001',
				Name: 'Smith, "Jr"',
				Employees: 12,
				Revenue: 1500.5,
				Opt_Out: true,
				Tags: ['a', 'b'],
				Owner: { id: '4150868099' },
				'Owner.name': 'Sim User',
				Closing: '2026-01-31',
				Custom_Count: 7,
				Big_Number: '9007199254740993',
				Unlisted: 'x',
			},
			{
				id: '4150868000000002',
				Name: null,
				Employees: null,
				Revenue: null,
				Opt_Out: null,
				Tags: null,
				Owner: null,
				'Owner.name': null,
				Closing: null,
				Custom_Count: null,
				Big_Number: null,
				Unlisted: null,
			},
		]);
	});

	it('reads a stored entry, skips other files, and keeps text without field metadata', async () => {
		const zip = zipOf([
			{ name: 'readme.txt', data: Buffer.from('not this'), style: 'stored' },
			{ name: 'job.csv', data: Buffer.from('\ufeffId,Employees\r\n1,12\r\n'), style: 'stored' },
		]);
		expect(await all(chunksOf(zip))).toEqual([[{ id: '1', Employees: '12' }]]);
	});

	it('hands records over in batches of batchSize', async () => {
		const rows = Array.from({ length: 2500 }, (_, i) => `${i + 1},Name ${i + 1}`);
		const zip = zipOf([
			{ name: 'x.csv', data: Buffer.from(`Id,Name\n${rows.join('\n')}\n`), style: 'descriptor' },
		]);
		const sizes = (await all(chunksOf(zip), { batchSize: 1000 })).map((batch) => batch.length);
		expect(sizes).toEqual([1000, 1000, 500]);
		await expect(all(chunksOf(zip), { batchSize: 0 })).rejects.toThrow(RangeError);
	});

	it('refuses what is not the documented zipped CSV, with BulkReadFileError', async () => {
		const csvOnly = Buffer.from('Id,Name\r\n1,a\r\n');
		const noCsv = zipOf([{ name: 'a.txt', data: Buffer.from('x'), style: 'descriptor' }]);
		const whole = zipOf([
			{ name: 'a.csv', data: Buffer.from('Id,Name\r\n1,"open\r\n'), style: 'descriptor' },
		]);
		const cut = zipOf([{ name: 'a.csv', data: Buffer.from(CSV.repeat(50)), style: 'descriptor' }]);
		const cases: Array<[Uint8Array, RegExp]> = [
			[csvOnly, /not a readable zip|holds no CSV/],
			[noCsv, /holds no CSV file/],
			[whole, /CSV file in the Bulk Read result is malformed/],
			[cut.subarray(0, 60), /not a readable zip|ended before its CSV file did/],
		];
		for (const [data, message] of cases) {
			const failure = await all(chunksOf(data)).then(
				() => undefined,
				(error: unknown) => error,
			);
			expect(failure).toBeInstanceOf(BulkReadFileError);
			expect((failure as BulkReadFileError).code).toBe('INVALID_RESPONSE');
			expect((failure as Error).message).toMatch(message);
		}
	});

	it('stops pulling the body when the reader stops early, and reports a cancel as ABORTED', async () => {
		const rows = Array.from({ length: 20_000 }, (_, i) => `${i},n`).join('\n');
		const zip = zipOf([
			{ name: 'a.csv', data: Buffer.from(`Id,Name\n${rows}\n`), style: 'descriptor' },
		]);
		let released = false;
		async function* body(): AsyncGenerator<Uint8Array> {
			try {
				yield* chunksOf(zip, 1024);
			} finally {
				released = true;
			}
		}
		const sizes: number[] = [];
		await eachBatch(readBulkReadFile(body(), { batchSize: 10 }), (batch) => {
			sizes.push(batch.length);
			return 'stop';
		});
		expect(sizes).toEqual([10]);
		expect(released).toBe(true);

		const controller = new AbortController();
		const reading = eachBatch(
			readBulkReadFile(chunksOf(zip, 1024), { batchSize: 100, signal: controller.signal }),
			() => controller.abort(),
		);
		await expect(reading).rejects.toMatchObject({ code: 'ABORTED' });
		await expect(reading).rejects.toBeInstanceOf(ZohoError);
	});
});

describe('a large export', () => {
	it('counts 250,000 rows while the body is pulled only as batches are taken', async () => {
		const total = 250_000;
		const { chunks, size } = lazyZip(total);
		let pulled = 0;
		let pulledAtFirstBatch = -1;
		async function* body(): AsyncGenerator<Uint8Array> {
			for (const chunk of chunks()) {
				pulled += chunk.length;
				yield chunk;
			}
		}
		let count = 0;
		await eachBatch(readBulkReadFile(body(), { batchSize: 1000 }), (batch) => {
			if (pulledAtFirstBatch < 0) pulledAtFirstBatch = pulled;
			count += batch.length;
		});
		expect(count).toBe(total);
		expect(pulled).toBe(size());
		// The first batch came after a sliver of the download, not after all of it (a few
		// stream buffers: 16 KiB each on Node 20, 64 KiB from Node 22, ~150 KB in all there).
		expect(pulledAtFirstBatch).toBeLessThan(size() / 8);
	});
});

/** A zip of `rows` CSV rows made lazily, chunk by chunk, as a download would arrive. */
function lazyZip(rows: number): { chunks: () => Generator<Uint8Array>; size: () => number } {
	let total = 0;
	function* chunks(): Generator<Uint8Array> {
		const out: Uint8Array[] = [];
		const zip = new Zip((error, chunk) => {
			if (error) throw error;
			out.push(chunk);
		});
		const file = new ZipDeflate('4150868077000009.csv', { level: 1 });
		zip.add(file);
		file.push(Buffer.from('Id,First_Name,Last_Name,Email,Company\r\n'));
		for (let start = 0; start < rows; start += 5000) {
			let text = '';
			for (let i = start; i < Math.min(rows, start + 5000); i += 1)
				text += `${4150868000000000 + i},First${i},Last${i},user${i}@example.com,"Company ${i % 50}, Ltd"\r\n`;
			file.push(Buffer.from(text), start + 5000 >= rows);
			while (out.length > 0) {
				const chunk = out.shift() as Uint8Array;
				total += chunk.length;
				yield chunk;
			}
		}
		zip.end();
		while (out.length > 0) {
			const chunk = out.shift() as Uint8Array;
			total += chunk.length;
			yield chunk;
		}
	}
	return { chunks, size: () => total };
}
