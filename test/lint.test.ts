// The lint set-up itself (eslint.config.mjs): n8n's self-hosted rule set, taken whole,
// applies to the package with nothing switched off, the rest of the repository gets its
// general part, type-aware rules cover every TypeScript room, and no enabled rule is a
// formatting rule that could fight Prettier. ESLint loads its ESM config
// itself, so the checks run in a plain Node child process.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');

type Level = 0 | 1 | 2;
interface FileConfig {
	rules: Record<string, Level>;
	layout: string[];
	unknown: string[];
	typed: boolean;
}
interface Report {
	ours: Record<string, FileConfig>;
	n8n: Record<string, Record<string, Level>>;
}

const SCRIPT = `
const { ESLint } = require('eslint');
const { builtinRules } = require('eslint/use-at-your-own-risk');
const { configWithoutCloudSupport } = require('@n8n/node-cli/eslint');
const LEVELS = { off: 0, warn: 1, error: 2 };
const level = (setting) => { const v = Array.isArray(setting) ? setting[0] : setting; return typeof v === 'string' ? LEVELS[v] : v; };
(async () => {
	const files = JSON.parse(process.argv[1]);
	const ours = new ESLint({ cwd: process.cwd() });
	const n8n = new ESLint({ cwd: process.cwd(), overrideConfigFile: true, overrideConfig: configWithoutCloudSupport });
	const report = { ours: {}, n8n: {} };
	for (const file of files) {
		const config = await ours.calculateConfigForFile(file);
		const entry = { rules: {}, layout: [], unknown: [], typed: Boolean(config.languageOptions?.parserOptions?.projectService) };
		for (const [name, setting] of Object.entries(config.rules ?? {})) {
			entry.rules[name] = level(setting);
			if (entry.rules[name] === 0) continue;
			const slash = name.lastIndexOf('/');
			const rule = slash === -1 ? builtinRules.get(name) : config.plugins[name.slice(0, slash)]?.rules?.[name.slice(slash + 1)];
			if (!rule) entry.unknown.push(name);
			else if (rule.meta?.type === 'layout') entry.layout.push(name);
		}
		report.ours[file] = entry;
		const theirs = await n8n.calculateConfigForFile(file);
		report.n8n[file] = Object.fromEntries(Object.entries(theirs?.rules ?? {}).map(([name, setting]) => [name, level(setting)]));
	}
	process.stdout.write(JSON.stringify(report));
})().catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
`;

const PACKAGE_FILES = [
	'nodes/ZohoOAuthRequest/ZohoOAuthRequest.node.ts',
	'nodes/ZohoOAuthRequest/actions/router.ts',
	'credentials/ZohoSelfClientApi.credentials.ts',
	'package.json',
];
const TOOL_FILES = [
	'zoho/runtime.ts',
	'simulator/server.ts',
	'harness/runWorkflow.ts',
	'n8n-driver/server.ts',
	'servers/redis.ts',
	'test/harness/harness.test.ts',
	'e2e/package.test.ts',
	'ui/editor.test.ts',
	'bench/run.ts',
	'soak/soak.ts',
	'scripts/start.ts',
];
const JS_FILES = ['gulpfile.js', 'jest.config.js', 'eslint.config.mjs', 'scripts/cloud-scan.mjs'];

let report: Report;
beforeAll(async () => {
	const files = [...PACKAGE_FILES, ...TOOL_FILES, ...JS_FILES];
	const { stdout } = await run(process.execPath, ['-e', SCRIPT, JSON.stringify(files)], {
		cwd: ROOT,
		timeout: 60_000,
		maxBuffer: 16 * 1024 * 1024,
	});
	report = JSON.parse(stdout) as Report;
}, 90_000);

describe('eslint.config.mjs', () => {
	it.each(PACKAGE_FILES)(
		"applies every rule n8n's configWithoutCloudSupport enables, at its level: %s",
		(file) => {
			const n8nEnabled = Object.entries(report.n8n[file]).filter(([, level]) => level > 0);
			expect(n8nEnabled.length).toBeGreaterThan(20);
			const weaker = n8nEnabled.filter(
				([name, level]) => (report.ours[file].rules[name] ?? 0) < level,
			);
			expect(weaker).toEqual([]);
		},
	);

	it('keeps n8n-only rules to the package', () => {
		expect(
			report.ours['nodes/ZohoOAuthRequest/ZohoOAuthRequest.node.ts'].rules[
				'@n8n/community-nodes/node-usable-as-tool'
			],
		).toBeGreaterThan(0);
		expect(report.ours['package.json'].rules['@n8n/community-nodes/no-runtime-dependencies']).toBe(
			2,
		);
		for (const file of TOOL_FILES) {
			const n8nRules = Object.keys(report.ours[file].rules).filter(
				(name) => name.startsWith('@n8n/') || name.startsWith('n8n-nodes-base/'),
			);
			expect(n8nRules).toEqual([]);
		}
	});

	it.each(TOOL_FILES)(
		'gives every other TypeScript file eslint and typescript-eslint recommended: %s',
		(file) => {
			const { rules } = report.ours[file];
			expect(rules['@typescript-eslint/no-unused-vars']).toBe(2);
			expect(rules['@typescript-eslint/no-explicit-any']).toBe(2);
			expect(rules['no-unsafe-finally']).toBe(2);
		},
	);

	it.each([...PACKAGE_FILES.filter((file) => file.endsWith('.ts')), ...TOOL_FILES])(
		'checks promises with type information: %s',
		(file) => {
			const { rules, typed } = report.ours[file];
			expect(typed).toBe(true);
			expect(rules['@typescript-eslint/no-floating-promises']).toBe(2);
			expect(rules['@typescript-eslint/no-misused-promises']).toBe(2);
		},
	);

	it.each(JS_FILES)('lints the JavaScript config files with eslint:recommended: %s', (file) => {
		expect(report.ours[file].rules['no-undef']).toBe(2);
		expect(report.ours[file].rules['no-unused-vars']).toBe(2);
	});

	it('enables no formatting (layout) rule, so lint never fights Prettier, and every rule resolves', () => {
		for (const file of Object.keys(report.ours)) {
			expect({
				file,
				layout: report.ours[file].layout,
				unknown: report.ours[file].unknown,
			}).toEqual({ file, layout: [], unknown: [] });
		}
	});
});
