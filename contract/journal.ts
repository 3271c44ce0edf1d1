/**
 * Reads the simulator's request journal (JSON lines, one request each) and holds every
 * request against the contract: the verdict of a test run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { JournalEntry } from '../simulator/journal';
import { checkRequest, REQUEST_REFUSAL_CODES, type Finding } from './check';

/** A line of the journal: a request and how the simulator answered it. */
export type JournaledRequest = JournalEntry;

export interface Verdict {
	checked: number;
	/** What the package sent that Zoho does not know or refuses. */
	failures: Array<{ request: JournaledRequest; findings: Finding[] }>;
	/** Requests a test sent wrong on purpose, with what is wrong in them (may be nothing). */
	deliberate: Array<{ request: JournaledRequest; findings: Finding[] }>;
}

export function readJournal(folder: string): JournaledRequest[] {
	const entries: JournaledRequest[] = [];
	// No simulator started in this run: nothing was journaled.
	if (!existsSync(folder)) return entries;
	for (const name of readdirSync(folder)
		.filter((file) => file.endsWith('.jsonl'))
		.sort()) {
		for (const line of readFileSync(path.join(folder, name), 'utf8').split('\n')) {
			if (line.trim() === '') continue;
			entries.push(JSON.parse(line) as JournaledRequest);
		}
	}
	return entries;
}

export function judge(requests: readonly JournaledRequest[]): Verdict {
	const verdict: Verdict = { checked: requests.length, failures: [], deliberate: [] };
	for (const request of requests) {
		const findings = checkRequest(request);
		if (
			findings.length === 0 &&
			request.status >= 400 &&
			request.code !== undefined &&
			REQUEST_REFUSAL_CODES.has(request.code)
		) {
			findings.push({
				operation: 'refused',
				problem: `the simulator answered ${request.status} ${request.code}, Zoho's refusal of the request itself, though no contract rule was broken: a rule is missing here, or the package sent it at the wrong moment`,
			});
		}
		if (request.deliberate !== undefined) verdict.deliberate.push({ request, findings });
		else if (findings.length > 0) verdict.failures.push({ request, findings });
	}
	return verdict;
}

/** One line per distinct problem: how often, one example request and the tests that sent it. */
export function describeFailures(verdict: Verdict, limit = 40): string {
	const groups = new Map<
		string,
		{ count: number; example: JournaledRequest; tests: Set<string> }
	>();
	for (const { request, findings } of verdict.failures) {
		for (const finding of findings) {
			const key = `${finding.operation}: ${finding.problem}`;
			const group = groups.get(key) ?? { count: 0, example: request, tests: new Set<string>() };
			group.count += 1;
			if (request.testName) group.tests.add(request.testName);
			groups.set(key, group);
		}
	}
	const lines = [...groups.entries()].slice(0, limit).map(([key, { count, example, tests }]) => {
		const query = example.query.map(([name, value]) => `${name}=${value}`).join('&');
		const names = [...tests];
		const where =
			names.length === 0
				? ''
				: `\n    sent by: ${names.slice(0, 5).join(' | ')}${names.length > 5 ? ` | … ${names.length - 5} more` : ''}`;
		return `- ${key} (${count}×; e.g. ${example.method} ${example.path}${query ? `?${query}` : ''} → ${example.status}${example.code ? ` ${example.code}` : ''})${where}`;
	});
	if (groups.size > limit) lines.push(`… and ${groups.size - limit} more`);
	return lines.join('\n');
}
