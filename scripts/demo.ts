/**
 * `npm run demo`: the `npm start` set-up without the editor. Runs the example
 * "sync recently modified Leads into Contacts" headless with
 * `n8n execute --id=… --rawOutput` and prints what it did, as counted by the
 * run and by the Zoho simulator. Exit code 0 on success.
 */
import { EXAMPLE_IDS, executeWorkflow, summarizeSync } from '../n8n-driver';
import { type LocalSetup, errorText, log, setUpLocal } from './local';

async function main(): Promise<number> {
	let setup: LocalSetup | undefined;
	try {
		setup = await setUpLocal({ folder: 'demo' });
		const { demo, major } = setup;
		const example = setup.prepared.examples.find(
			(candidate) => candidate.workflow.id === EXAMPLE_IDS.leadsToContacts,
		);
		if (!example)
			throw new Error(`examples/ has no workflow with id ${EXAMPLE_IDS.leadsToContacts}`);
		demo.sim.resetCounters();
		log(`n8n execute --id=${example.workflow.id} --rawOutput  (${example.file})`);
		const result = await executeWorkflow({
			major,
			userFolder: setup.prepared.userFolder,
			id: example.workflow.id,
			timeoutMs: 300_000,
		});
		const summary = summarizeSync(result.run);
		const counters = demo.sim.counters();
		const calls = Object.entries(counters.callsByPathStatus)
			.map(([key, count]) => `${key} ×${count}`)
			.join(', ');
		const error = result.run?.data?.resultData?.error;
		const ok =
			result.succeeded &&
			summary.recordsRead > 0 &&
			summary.failed === 0 &&
			summary.recordsWritten === summary.recordsRead;
		process.stdout.write(
			[
				'',
				`"${example.workflow.name ?? example.workflow.id}" on n8n ${setup.version}: ${ok ? 'OK' : 'FAILED'} (n8n execute took ${(result.durationMs / 1000).toFixed(1)} s)`,
				`  records read:     ${summary.recordsRead} Leads modified in the last 2 hours`,
				`  records written:  ${summary.recordsWritten} Contacts upserted (${summary.inserted} inserted, ${summary.updated} updated, ${summary.failed} failed)`,
				`  tokens minted:    ${counters.mintsTotal} (counted by the Zoho simulator)`,
				`  Zoho API calls:   ${counters.calls.filter((call) => !call.path.startsWith('/oauth/')).length} (${calls || 'none'})`,
				`  API credits used: ${counters.credits[demo.dc] ?? 0} (upserts: ${Math.ceil(summary.recordsRead / 100)} calls of up to 100 records instead of ${summary.recordsRead})`,
				...(error ? [`  error:            ${String(error.message)}`] : []),
				'',
			].join('\n'),
		);
		if (!ok && !error)
			process.stdout.write(`${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}\n`);
		return ok ? 0 : 1;
	} catch (error) {
		process.stderr.write(`[zoho-n8n] npm run demo failed: ${errorText(error)}\n`);
		return 1;
	} finally {
		await setup?.demo.sim.stop();
	}
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		process.stderr.write(`[zoho-n8n] ${errorText(error)}\n`);
		process.exit(1);
	},
);
