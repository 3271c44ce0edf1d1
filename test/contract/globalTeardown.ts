// After the run: every request the package's tests sent to the simulator, held against
// Zoho's request contract. A request Zoho does not know or refuses fails the run.
import { rmSync } from 'node:fs';
import { describeFailures, judge, readJournal } from '../../contract/journal';
import { JOURNAL_ENV } from '../../simulator/journal';
import { OWNED_ENV } from './globalSetup';

export default function globalTeardown(): void {
	const folder = process.env[JOURNAL_ENV];
	if (!folder) return;
	try {
		const verdict = judge(readJournal(folder));
		const summary = `Zoho request contract: ${verdict.checked} requests checked, ${verdict.failures.length} refused, ${verdict.deliberate.length} sent wrong on purpose by tests`;
		if (verdict.failures.length > 0) throw new Error(`${summary}.\n${describeFailures(verdict)}`);
		process.stdout.write(`${summary}.\n`);
	} finally {
		if (process.env[OWNED_ENV]) rmSync(folder, { recursive: true, force: true });
	}
}
