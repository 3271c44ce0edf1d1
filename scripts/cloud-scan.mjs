// n8n's verification scanner (@n8n/scan-community-package), run offline:
//
//   npm run scan:cloud
//
// The scanner's CLI only takes a published package name: it downloads the tarball and the
// source its npm provenance points at, then lints both with n8n's Cloud rule set, inline
// eslint-disable comments ignored. This runs the same two legs with the scanner's own
// `analyzePackage` on this checkout: the sources (nodes/, credentials/, package.json) and
// the unpacked `npm pack` tarball (its .js and package.json). Exit code 1 if either fails.
// The result and what it means are in docs/cloud-scan.md.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zoho-cloud-scan-'));
// The scanner makes a temp folder when loaded; put it inside ours, which is removed below.
process.env.TMPDIR = work;
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(
	'@n8n/scan-community-package/scanner/scanner.mjs'
);
try {
	// prepack builds dist/ first.
	const stdout = execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
		cwd: root,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	// The build's own output comes before npm's JSON array.
	const packed = JSON.parse(stdout.slice(stdout.lastIndexOf('\n[') + 1));
	const unpacked = path.join(work, 'package');
	execFileSync('tar', ['-xzf', path.join(work, packed[0].filename), '-C', work]);

	const legs = [
		[
			'sources (nodes/, credentials/, package.json)',
			await analyzePackage(root, SOURCE_FILE_PATTERNS),
		],
		['tarball (.js, package.json)', await analyzePackage(unpacked, ['**/*.js', 'package.json'])],
	];
	for (const [name, result] of legs) {
		console.log(
			`\n${result.passed ? 'PASSED' : 'FAILED'}: ${name}${result.message ? ` (${result.message})` : ''}`,
		);
		if (result.details)
			console.log(result.details.replaceAll(root, '.').replaceAll(unpacked, '<tarball>'));
	}
	process.exitCode = legs.every(([, result]) => result.passed) ? 0 : 1;
} finally {
	fs.rmSync(work, { recursive: true, force: true });
}
