/**
 * Reading a Bulk Read result as a stream: HTTP body → unzip (fflate) → CSV (csv-parse) →
 * records, in batches. Nothing holds the whole download: memory is bounded by the stream
 * buffers and one batch, whatever the size of the export. The zip holds `{job_id}.csv`
 * (https://www.zoho.com/crm/developer/docs/api/bulk-read/limitations.html).
 */
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, Parser } from 'csv-parse';
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { ZohoError, ZohoTransportError } from '../../errors';
import { restoreRecord, valueKinds, type FieldType, type RestoredRecord } from './recordValues';

/** Records handed over at a time unless the caller asks for another size. */
export const DEFAULT_BATCH_SIZE = 1000;

export interface BulkReadFileOptions {
	/** The module's fields (`settings/fields`), to restore numbers, booleans, lists and lookups. */
	fields?: readonly FieldType[];
	batchSize?: number;
	/** Cancels reading (the n8n execution's cancel signal). */
	signal?: AbortSignal;
}

/** The download is not the zipped CSV Zoho documents. */
export class BulkReadFileError extends ZohoTransportError {
	constructor(message: string, cause?: unknown) {
		super('INVALID_RESPONSE', message, {
			hint: 'Download the result again; if it stays unreadable, create the export job again.',
			...(cause === undefined ? {} : { cause }),
		});
	}
}

/**
 * Yields the records of a Bulk Read result zip, `batchSize` at a time, with types restored
 * from `fields`. The body is pulled only as fast as batches are taken.
 */
export async function* readBulkReadFile(
	body: AsyncIterable<Uint8Array>,
	options: BulkReadFileOptions = {},
): AsyncGenerator<RestoredRecord[]> {
	const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
	if (!Number.isInteger(batchSize) || batchSize < 1)
		throw new RangeError('batchSize must be a positive integer');
	const kinds = valueKinds(options.fields ?? []);
	const parser = new Parser({ bom: true, columns: true, skip_empty_lines: true });
	// A failure surfaces through the parser; `settled` only says when every stream is closed.
	const settled = pipeline(
		Readable.from(body),
		unzipCsv(),
		parser,
		options.signal ? { signal: options.signal } : {},
	).catch(() => undefined);
	let batch: RestoredRecord[] = [];
	try {
		for await (const row of parser as AsyncIterable<Record<string, string>>) {
			batch.push(restoreRecord(row, kinds));
			if (batch.length < batchSize) continue;
			yield batch;
			batch = [];
		}
	} catch (error: unknown) {
		throw asFileError(error, options.signal);
	} finally {
		// Stopping early (a break, a cancel) releases the download before returning.
		parser.destroy();
		await settled;
	}
	if (batch.length > 0) yield batch;
}

/**
 * The CSV file of a Bulk Read result as a stream of its bytes, unparsed (for a file of the
 * page). A failure of the download or of the zip reaches the stream's reader as a ZohoError.
 */
export function bulkReadCsv(zip: AsyncIterable<Uint8Array>): Readable {
	const csv = unzipCsv();
	const source = Readable.from(zip);
	source.on('error', (error) => csv.destroy(error));
	// A reader that stops early lets the download go.
	csv.on('close', () => source.destroy());
	return source.pipe(csv);
}

/** A stream of the bytes of the first `.csv` file in a zip. */
function unzipCsv(): Transform {
	let found = false;
	let ended = false;
	let failure: Error | undefined;
	const unzip = new Unzip((file: UnzipFile) => {
		if (found || !file.name.toLowerCase().endsWith('.csv')) return;
		found = true;
		file.ondata = (error, data, final) => {
			if (error) failure = error;
			else if (data.length > 0) output.push(data);
			if (final) ended = true;
		};
		file.start();
	});
	unzip.register(UnzipInflate);
	const feed = (chunk: Uint8Array, final: boolean, callback: TransformCallback): void => {
		try {
			unzip.push(chunk, final);
		} catch (error: unknown) {
			callback(new BulkReadFileError('The Bulk Read result is not a readable zip file.', error));
			return;
		}
		if (failure)
			callback(new BulkReadFileError('The CSV file in the Bulk Read result is damaged.', failure));
		else callback();
	};
	const output: Transform = new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			feed(chunk, false, callback);
		},
		flush(callback) {
			feed(new Uint8Array(0), true, (error) => {
				if (error) callback(error);
				else if (!found) callback(new BulkReadFileError('The Bulk Read result holds no CSV file.'));
				else if (!ended)
					callback(new BulkReadFileError('The Bulk Read result ended before its CSV file did.'));
				else callback();
			});
		},
	});
	return output;
}

function asFileError(error: unknown, signal: AbortSignal | undefined): unknown {
	if (error instanceof ZohoError) return error;
	if (signal?.aborted)
		return new ZohoError('ABORTED', 'Reading the Bulk Read result was cancelled.', {
			cause: error,
		});
	if (error instanceof CsvError)
		return new BulkReadFileError(
			`The CSV file in the Bulk Read result is malformed: ${error.message}`,
			error,
		);
	return error;
}
