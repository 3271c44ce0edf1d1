/**
 * Child process entry: one Zoho simulator (US data centre) on 127.0.0.1, in a
 * process of its own so it does not share the benchmarked event loop. Prints
 * `{"url": ...}` once listening; the parent drives it over /__sim/ and stops it
 * by PID (SIGTERM) or by closing stdin. A line `gc` on stdin runs a full garbage
 * collection (the parent starts us with --expose-gc) and is answered `gc`.
 */
import { ZohoSimulator } from '../simulator';

async function main(): Promise<void> {
	// Many refresh tokens per client: the benchmark gives every scenario a fresh one.
	const sim = new ZohoSimulator({ dataCentres: ['us'], refreshTokenCap: 5_000 });
	await sim.start();
	let stopping = false;
	const stop = (): void => {
		if (stopping) return;
		stopping = true;
		sim.stop().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
	// The parent went away without stopping us: stop too.
	process.stdin.on('end', stop);
	process.stdout.on('error', stop);
	// Between measured runs: no run pays for the garbage of the one before it.
	process.stdin.setEncoding('utf8').on('data', (chunk: string) => {
		for (const line of chunk.split('\n')) {
			if (line.trim() !== 'gc') continue;
			(globalThis as { gc?: () => void }).gc?.();
			process.stdout.write('gc\n');
		}
	});
	process.stdout.write(`${JSON.stringify({ url: sim.url('us') })}\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(
		`simulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
	);
	process.exit(1);
});
