// `npm run simulator`: the demo simulator on fixed ports, until Ctrl+C.
import { startDemoSimulator } from './demo';

async function main(): Promise<void> {
	const port = Number(process.env.ZOHO_SIM_PORT ?? '8917');
	if (!Number.isInteger(port) || port < 1 || port > 65_534)
		throw new Error('ZOHO_SIM_PORT must be a port number');
	const demo = await startDemoSimulator({
		port,
		clientId: process.env.ZOHO_SIM_CLIENT_ID ?? '1000.SIMDEMOCLIENT',
		clientSecret: process.env.ZOHO_SIM_CLIENT_SECRET ?? 'sim-demo-secret',
		refreshToken: process.env.ZOHO_SIM_REFRESH_TOKEN ?? '1000.simdemo.refreshtoken',
	});
	const others = demo.sim.dataCentres
		.filter((dc) => dc !== demo.dc)
		.map((dc) => `${dc.toUpperCase()} ${demo.sim.url(dc)}`)
		.join(', ');
	process.stdout.write(
		[
			'Zoho simulator running.',
			`  ${demo.dc.toUpperCase()} (demo data): ${demo.accountsUrl}${others ? `   other DCs: ${others}` : ''}`,
			'',
			'n8n credential "Zoho Self Client":',
			'  Data Centre:     Custom',
			`  Accounts URL:    ${demo.accountsUrl}`,
			`  Client ID:       ${demo.clientId}`,
			`  Client Secret:   ${demo.clientSecret}`,
			`  Refresh Token:   ${demo.refreshToken}`,
			`  Scopes:          ${demo.scopes.join(' ')}`,
			'',
			`Seeded: 2500 Leads, 20 Contacts, a custom module Projects (Projects_X), Books organization ${demo.organizationId} with 450 invoices.`,
			`Admin: ${demo.accountsUrl}/__sim/counters   Stop with Ctrl+C.`,
			'',
		].join('\n'),
	);
	let stopping = false;
	const shutdown = (): void => {
		if (stopping) return;
		stopping = true;
		demo.sim.stop().then(
			() => process.exit(0),
			(error: unknown) => {
				process.stderr.write(`stopping the simulator failed: ${String(error)}\n`);
				process.exit(1);
			},
		);
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
	process.stderr.write(
		`Zoho simulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
	);
	process.exit(1);
});
