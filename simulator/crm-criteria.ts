// The `criteria` of CRM search: `(Field:operator:value)` groups joined by `and` / `or`,
// e.g. `((Last_Name:equals:Burns)and(Email:starts_with:b))`. Values escape `(`, `)` and `,`
// with a backslash.
import type { CrmRecord } from './types';

export type Predicate = (record: CrmRecord) => boolean;

/** Deeper nesting than this is refused rather than recursed into. */
const MAX_DEPTH = 16;

/** The predicate, or undefined when the criteria is malformed. */
export function parseCriteria(text: string): Predicate | undefined {
	const source = text.trim();
	const parser = new Parser(source.startsWith('(') ? source : `(${source})`);
	const predicate = parser.expression(0);
	parser.skipSpaces();
	return predicate && parser.atEnd() ? predicate : undefined;
}

class Parser {
	private pos = 0;

	constructor(private readonly source: string) {}

	atEnd(): boolean {
		return this.pos >= this.source.length;
	}

	skipSpaces(): void {
		while (this.pos < this.source.length && this.source[this.pos] === ' ') this.pos += 1;
	}

	expression(depth: number): Predicate | undefined {
		if (depth > MAX_DEPTH) return undefined;
		let result = this.group(depth);
		// Each round consumes at least one character, so the loop ends with the input.
		while (result && !this.atEnd()) {
			this.skipSpaces();
			const joiner = /^(and|or)/i
				.exec(this.source.slice(this.pos, this.pos + 3))?.[1]
				?.toLowerCase();
			if (!joiner) break;
			this.pos += joiner.length;
			const right = this.group(depth);
			if (!right) return undefined;
			const left = result;
			result =
				joiner === 'and'
					? (record) => left(record) && right(record)
					: (record) => left(record) || right(record);
		}
		return result;
	}

	private group(depth: number): Predicate | undefined {
		this.skipSpaces();
		if (this.source[this.pos] !== '(') return undefined;
		this.pos += 1;
		this.skipSpaces();
		if (this.source[this.pos] === '(') {
			const inner = this.expression(depth + 1);
			this.skipSpaces();
			if (!inner || this.source[this.pos] !== ')') return undefined;
			this.pos += 1;
			return inner;
		}
		const start = this.pos;
		while (this.pos < this.source.length && this.source[this.pos] !== ')') {
			this.pos += this.source[this.pos] === '\\' ? 2 : 1;
		}
		if (this.pos >= this.source.length) return undefined;
		const raw = this.source.slice(start, this.pos);
		this.pos += 1;
		return condition(raw);
	}
}

function condition(raw: string): Predicate | undefined {
	const first = raw.indexOf(':');
	const second = first < 0 ? -1 : raw.indexOf(':', first + 1);
	if (second < 0) return undefined;
	const field = raw.slice(0, first).trim();
	const operator = raw
		.slice(first + 1, second)
		.trim()
		.toLowerCase();
	const rawValue = raw.slice(second + 1);
	if (field === '') return undefined;
	const value = unescape(rawValue);
	const values = splitList(rawValue);
	const get = (record: CrmRecord): unknown => fieldValue(record, field);
	switch (operator) {
		case 'equals':
			return (record) => values.some((candidate) => matches(get(record), candidate));
		case 'not_equal':
			return (record) => !values.some((candidate) => matches(get(record), candidate));
		case 'in':
			return (record) => values.some((candidate) => matches(get(record), candidate));
		case 'not_in':
			return (record) => !values.some((candidate) => matches(get(record), candidate));
		case 'starts_with':
			return (record) => textOf(get(record)).toLowerCase().startsWith(value.toLowerCase());
		case 'greater_than':
			return (record) => compare(get(record), value) > 0;
		case 'greater_equal':
			return (record) => compare(get(record), value) >= 0;
		case 'less_than':
			return (record) => compare(get(record), value) < 0;
		case 'less_equal':
			return (record) => compare(get(record), value) <= 0;
		case 'between': {
			const [low, high] = values;
			if (low === undefined || high === undefined) return undefined;
			return (record) => compare(get(record), low) >= 0 && compare(get(record), high) <= 0;
		}
		default:
			return undefined;
	}
}

/** `Owner.id` reaches into lookups. */
function fieldValue(record: CrmRecord, field: string): unknown {
	let value: unknown = record;
	for (const part of field.split('.')) {
		if (typeof value !== 'object' || value === null) return undefined;
		value = (value as Record<string, unknown>)[part];
	}
	return value;
}

function matches(value: unknown, wanted: string): boolean {
	if (value === undefined || value === null) return wanted.toLowerCase() === 'null';
	if (Array.isArray(value)) return value.some((item) => matches(item, wanted));
	if (typeof value === 'object') {
		const lookup = value as Record<string, unknown>;
		return matches(lookup.id, wanted) || matches(lookup.name, wanted);
	}
	return String(value).toLowerCase() === wanted.toLowerCase();
}

function textOf(value: unknown): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'object') return textOf((value as Record<string, unknown>).name);
	return String(value);
}

/** Numbers as numbers, dates as dates, anything else as text. */
function compare(value: unknown, wanted: string): number {
	const text = textOf(value);
	if (text === '') return Number.NaN;
	const a = Number(text);
	const b = Number(wanted);
	if (Number.isFinite(a) && Number.isFinite(b)) return a - b;
	const da = Date.parse(text);
	const db = Date.parse(wanted);
	if (!Number.isNaN(da) && !Number.isNaN(db)) return da - db;
	return text.localeCompare(wanted);
}

function unescape(text: string): string {
	return text.replace(/\\(.)/g, '$1');
}

/** Splits on commas not escaped with a backslash. */
function splitList(text: string): string[] {
	const values: string[] = [];
	let current = '';
	for (let i = 0; i < text.length; i += 1) {
		const char = text[i] ?? '';
		if (char === '\\' && i + 1 < text.length) {
			current += text[i + 1];
			i += 1;
		} else if (char === ',') {
			values.push(current);
			current = '';
		} else {
			current += char;
		}
	}
	values.push(current);
	return values;
}
