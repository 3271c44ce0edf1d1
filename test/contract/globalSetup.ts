// Before the run: a fresh folder for the simulator's request journal, named in the
// environment so every simulator (in a test worker or an n8n child process) writes there.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { JOURNAL_ENV } from '../../simulator/journal';

export const OWNED_ENV = 'ZOHO_CONTRACT_JOURNAL_OWNED';

export default function globalSetup(): void {
	if (process.env[JOURNAL_ENV]) return; // the caller chose the folder and keeps it
	process.env[JOURNAL_ENV] = mkdtempSync(path.join(tmpdir(), 'zoho-journal-'));
	process.env[OWNED_ENV] = '1';
}
