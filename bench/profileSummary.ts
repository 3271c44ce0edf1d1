/**
 * Summarises a .cpuprofile: self time by function and by package/folder, so the
 * cost of our code can be told from n8n's and undici's.
 *
 *   node dist-tools/bench/profileSummary.js <file.cpuprofile> [top=25]
 */
import * as fs from 'node:fs';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}

interface Profile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

function area(url: string): string {
	if (!url) return '(native/idle)';
	const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
	if (modules) return `npm:${modules[1] as string}`;
	if (url.startsWith('node:')) return 'node-core';
	const ours = /\/dist\/(zoho|nodes|credentials|test|bench|simulator)\//.exec(url);
	if (ours) return `ours:${ours[1] as string}`;
	return url;
}

function main(): void {
	const file = process.argv[2];
	if (!file) throw new Error('usage: profileSummary <file.cpuprofile> [top]');
	const top = Number(process.argv[3] ?? '25');
	const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const selfUs = new Map<number, number>();
	profile.samples.forEach((id, index) =>
		selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)),
	);
	const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
	const byFunction = new Map<string, number>();
	const byArea = new Map<string, number>();
	for (const [id, us] of selfUs) {
		const frame = byId.get(id)?.callFrame;
		if (!frame) continue;
		const key = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${frame.lineNumber + 1}`;
		byFunction.set(key, (byFunction.get(key) ?? 0) + us);
		const where =
			frame.functionName === '(idle)' ||
			frame.functionName === '(program)' ||
			frame.functionName === '(garbage collector)'
				? frame.functionName
				: area(frame.url);
		byArea.set(where, (byArea.get(where) ?? 0) + us);
	}
	const print = (title: string, map: Map<string, number>, limit: number): void => {
		process.stdout.write(`\n${title}\n`);
		for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
			process.stdout.write(
				`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}\n`,
			);
		}
	};
	process.stdout.write(`total ${(total / 1000).toFixed(0)} ms sampled\n`);
	print('self time by area', byArea, 30);
	print('self time by function', byFunction, top);
}

main();
