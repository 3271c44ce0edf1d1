/**
 * Profiling aid, not part of `npm run bench`: runs the node's 5,000-GET job a few
 * times at one concurrency so `node --cpu-prof dist-tools/bench/profile.js` shows
 * where our side of a request spends its time.
 *
 * BENCH_PROFILE_MODE=raw profiles the plain undici loop instead, =floor the minimal node (floorNode.ts), for comparison.
 *
 *   BENCH_PROFILE_CONCURRENCY=5 BENCH_PROFILE_RUNS=3 node --cpu-prof --cpu-prof-dir=.tmp/prof dist-tools/bench/profile.js
 *   node dist-tools/bench/profileSummary.js .tmp/prof/<file>.cpuprofile
 */
import { Agent, request } from 'undici';

import type { CredentialStore } from '../harness/credentialsHelper';
import { parseCredentials } from '../zoho/credentials';
import { setSharedZohoRuntime } from '../zoho/runtime';
import { closeFloorAgent } from './floorNode';
import { floorWorkflow, freshRuntime, inputItems, runZohoNode, zohoWorkflow } from './inProcess';
import { credentialData, SimulatorProcess } from './simulatorControl';

async function main(): Promise<void> {
	const concurrency = Number(process.env.BENCH_PROFILE_CONCURRENCY ?? '5');
	const runs = Math.min(20, Math.max(1, Number(process.env.BENCH_PROFILE_RUNS ?? '3')));
	const sim = await SimulatorProcess.start();
	try {
		const client = await sim.registerClient();
		const refreshToken = await sim.createRefreshToken(client);
		const [leadId] = await sim.seedCrm('Leads', 1);
		const store: CredentialStore = {
			prof: {
				type: 'zohoSelfClientApi',
				data: credentialData({ url: sim.url, client, refreshToken }),
			},
		};
		const runtime = await freshRuntime();
		const workflow = zohoWorkflow(
			{
				operation: 'apiRequest',
				method: 'GET',
				path: `/crm/v8/Leads/${String(leadId)}`,
				options: { maxConcurrency: concurrency },
			},
			'prof',
		);
		const items = inputItems(5_000);
		const mode = process.env.BENCH_PROFILE_MODE ?? 'ours';
		const raw = mode === 'raw';
		const token = (await runtime.auth.getToken(parseCredentials(store.prof?.data ?? {})))
			.accessToken;
		const agent = new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 });
		for (let run = 0; run < runs; run++) {
			if (raw) {
				const started = performance.now();
				let next = 0;
				const worker = async (): Promise<void> => {
					while (next < items.length) {
						next++;
						const res = await request(`${sim.url}/crm/v8/Leads/${String(leadId)}`, {
							method: 'GET',
							headers: { accept: 'application/json', authorization: `Zoho-oauthtoken ${token}` },
							dispatcher: agent,
						});
						await res.body.json();
					}
				};
				await Promise.all(Array.from({ length: concurrency }, worker));
				process.stderr.write(`run ${run + 1}: raw ${Math.round(performance.now() - started)} ms\n`);
			} else {
				const chosen =
					mode === 'floor'
						? floorWorkflow({
								url: `${sim.url}/crm/v8/Leads/${String(leadId)}`,
								token,
								concurrency,
							})
						: workflow;
				// CPU time holds still on a busy machine where wall time does not.
				const cpuBefore = process.cpuUsage();
				const result = await runZohoNode({ workflow: chosen, credentials: store, items });
				const cpu = process.cpuUsage(cpuBefore);
				const cpuPerCall = (cpu.user + cpu.system) / items.length;
				process.stderr.write(
					`run ${run + 1}: node ${result.nodeMs} ms, wall ${Math.round(result.wallMs)} ms, CPU ${cpuPerCall.toFixed(1)} µs per call\n`,
				);
			}
		}
		await agent.close();
		await closeFloorAgent();
		await runtime.close();
	} finally {
		setSharedZohoRuntime(undefined);
		await sim.stop();
	}
}

main().catch((error: unknown) => {
	process.stderr.write(
		`profile failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exit(1);
});
