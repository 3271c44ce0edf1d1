/** Small helpers for the benchmark: medians, ratios and formatting. */

export function median(values: readonly number[]): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1
		? (sorted[middle] as number)
		: ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function fixed(value: number, digits = 2): string {
	return Number.isFinite(value) ? value.toFixed(digits) : String(value);
}

export function thousands(value: number): string {
	return Math.round(value).toLocaleString('en-US');
}

export function mib(bytes: number): string {
	return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Milliseconds since `start` (a performance.now() reading). */
export function since(start: number): number {
	return performance.now() - start;
}

/** A goal as shown in the table. */
export type Verdict = 'holds' | 'FAILS' | 'n/a';

export function verdict(ok: boolean | undefined): Verdict {
	if (ok === undefined) return 'n/a';
	return ok ? 'holds' : 'FAILS';
}

export interface Row {
	section: string;
	what: string;
	measured: string;
	goal: string;
	verdict: Verdict;
	detail?: string;
}

/** A Markdown table; also readable as plain text on a terminal. */
export function markdownTable(rows: readonly Row[]): string {
	const header = ['', 'what', 'measured', 'goal', 'verdict'];
	const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
	for (const row of rows) {
		lines.push(
			`| ${[row.section, row.what, row.measured, row.goal, row.verdict].map(escapeCell).join(' | ')} |`,
		);
	}
	return lines.join('\n');
}

function escapeCell(text: string): string {
	return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
