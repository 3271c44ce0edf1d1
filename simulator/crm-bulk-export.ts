// The file a Bulk Read job produces: `{job_id}.zip` holding `{job_id}.csv`, written as a
// stream (CSV lines → deflate → HTTP body) so a 250,000-record export never sits in memory.
// Source: https://www.zoho.com/crm/developer/docs/api/bulk-read/limitations.html (zip with
// `{job_id}.csv`). The CSV: a header of API names, `Id` first; lookups as the looked-up
// record's id (`Account_Name.Account_Name` for its name); multi-select values joined by `;`;
// booleans `true`/`false`; dates and times as Zoho writes them in JSON; empty for no value
// (Zoho's Kaizen #12 post on Bulk Read and public exports; RFC 4180 quoting).
import type { ServerResponse } from 'node:http';
import { Zip, ZipDeflate } from 'fflate';
import { isObject } from './body';
import type { CrmRecord } from './types';

/** CSV text handed to the compressor at a time. */
const CHUNK_CHARS = 64 * 1024;

/** One CSV cell, quoted when it holds a comma, quote or line break. */
export function csvCell(value: unknown): string {
	const text = cellText(value);
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function cellText(value: unknown): string {
	if (value === undefined || value === null) return '';
	if (Array.isArray(value)) return value.map(cellText).join(';');
	if (isObject(value)) return value.id === undefined ? '' : cellText(value.id);
	return String(value);
}

/** A record's value for a header column: `Id`, a field, or `Lookup.Field` (lookups carry {id, name}). */
export function columnValue(record: CrmRecord, column: string): unknown {
	if (column === 'Id') return record.id;
	const dot = column.indexOf('.');
	if (dot < 0) return record[column];
	const lookup = record[column.slice(0, dot)];
	if (!isObject(lookup)) return undefined;
	const sub = column.slice(dot + 1);
	if (sub in lookup) return lookup[sub];
	return sub === 'id' ? lookup.id : lookup.name;
}

export function* csvLines(options: {
	columns: readonly string[];
	records: readonly CrmRecord[];
}): Generator<string> {
	const { columns, records } = options;
	yield `${columns.map(csvCell).join(',')}\r\n`;
	for (const record of records)
		yield `${columns.map((column) => csvCell(columnValue(record, column))).join(',')}\r\n`;
}

/**
 * Streams a zip holding one file made of `lines` into `res`, waiting whenever the socket is
 * full. Resolves when the zip is sent, or early when the client went away.
 */
export async function streamZip(
	res: ServerResponse,
	options: { fileName: string; lines: Iterable<string> },
): Promise<void> {
	let failure: Error | undefined;
	const zip = new Zip((error, chunk, final) => {
		if (error) failure = error;
		else if (!res.destroyed) res.write(chunk);
		if (final && !res.destroyed) res.end();
	});
	const file = new ZipDeflate(options.fileName, { level: 6 });
	zip.add(file);
	let text = '';
	for (const line of options.lines) {
		text += line;
		if (text.length < CHUNK_CHARS) continue;
		file.push(Buffer.from(text));
		text = '';
		if (failure) throw failure;
		if (res.destroyed) return;
		if (res.writableNeedDrain) await drained(res);
	}
	file.push(Buffer.from(text), true);
	zip.end();
	if (failure) throw failure;
}

function drained(res: ServerResponse): Promise<void> {
	return new Promise((resolve) => {
		const done = (): void => {
			res.off('drain', done);
			res.off('close', done);
			resolve();
		};
		res.on('drain', done);
		res.on('close', done);
	});
}
