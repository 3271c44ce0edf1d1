// What `npm pack` ships and whether it runs on its own: n8n's community installer unpacks the
// tarball and installs no dev and no peer dependencies, so the built dist/ must carry every
// library it uses, with only n8n-workflow (the instance's) to resolve. The tarball is packed
// and installed (from the file, offline) into a temporary folder; what n8n loads and what
// `require('n8n-nodes-zoho-oauth')` gives code are checked there. `npm test` builds first;
// this file never writes inside the repository.
import { execFile } from 'node:child_process';
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { ZohoSimulator } from '../simulator';
import { selfClient } from './zoho/fixtures';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

interface PackageJson {
	main?: string;
	dependencies?: Record<string, string>;
	devDependencies: Record<string, string>;
	peerDependencies?: Record<string, string>;
	files: string[];
	scripts: Record<string, string>;
	n8n: { credentials?: string[]; nodes?: string[] };
}
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson;
const n8nFiles = [...(pkg.n8n.credentials ?? []), ...(pkg.n8n.nodes ?? [])];

/** Source files of the n8n entries and every file they import, relative imports followed. */
function shippedSourceFiles(): string[] {
	const seen = new Set<string>();
	const pending = n8nFiles.map((file) =>
		path.join(ROOT, file.replace(/^dist\//, '').replace(/\.js$/, '.ts')),
	);
	while (pending.length > 0) {
		const file = pending.pop() as string;
		if (seen.has(file)) continue;
		seen.add(file);
		const text = fs.readFileSync(file, 'utf8');
		for (const match of text.matchAll(/\bfrom\s+'(\.{1,2}\/[^']+)'/g)) {
			const base = path.resolve(path.dirname(file), match[1]);
			const target = [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) =>
				fs.existsSync(candidate),
			);
			if (target) pending.push(target);
		}
	}
	return [...seen];
}

/**
 * npm packages the shipped code imports (not relative, not Node built-ins, not n8n-workflow).
 * Only code the entries reach counts: esbuild leaves out what they do not import.
 */
function runtimeLibraries(): string[] {
	const found = new Set<string>();
	for (const file of shippedSourceFiles()) {
		const text = fs.readFileSync(file, 'utf8');
		for (const match of text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)'/gms)) {
			const specifier = match[1];
			if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
			const name = specifier.startsWith('@')
				? specifier.split('/').slice(0, 2).join('/')
				: specifier.split('/')[0];
			if (builtinModules.includes(name) || name === 'n8n-workflow') continue;
			found.add(name);
		}
	}
	return [...found].sort();
}

function requireBuilt(): void {
	if (!fs.existsSync(path.join(DIST, 'bundle.js'))) {
		throw new Error('dist/bundle.js is missing: run `npm run build` first (npm test does).');
	}
}

/** What index.js offers, by name. */
const PACKAGE_EXPORTS = [
	'DATA_CENTRES',
	'ZohoOAuthInstantTrigger',
	'ZohoOAuthRequest',
	'ZohoOAuthTrigger',
	'ZohoSelfClientApi',
	'getAccessToken',
	'isZohoError',
];

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zoho-pkg-'));
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

/** `npm pack` once for the whole file: the tarball and the files it holds. */
let packing: Promise<{ tarball: string; files: string[] }> | undefined;
function packOnce(): Promise<{ tarball: string; files: string[] }> {
	packing ??= (async () => {
		requireBuilt();
		// --ignore-scripts: `npm test` has built already.
		const { stdout } = await run(
			'npm',
			['pack', '--json', '--ignore-scripts', '--pack-destination', workDir],
			{ cwd: ROOT, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
		);
		const packed = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{
			filename: string;
			files: Array<{ path: string }>;
		}>;
		return {
			tarball: path.join(workDir, packed[0].filename),
			files: packed[0].files.map((file) => file.path).sort(),
		};
	})();
	return packing;
}

describe('package.json', () => {
	it('has no run-time dependencies; n8n-workflow is the only peer', () => {
		expect(pkg.dependencies).toBeUndefined();
		expect(Object.keys(pkg.peerDependencies ?? {})).toEqual(['n8n-workflow']);
	});

	it('keeps every library the shipped code imports as a dev dependency (bundled at build time)', () => {
		const libraries = runtimeLibraries();
		expect(libraries).toEqual(expect.arrayContaining(['undici', 'zod']));
		for (const library of libraries)
			expect(pkg.devDependencies[library]).toEqual(expect.any(String));
	});

	it('builds before packing', () => {
		expect(pkg.scripts.prepack).toBe('npm run build');
		expect(pkg.scripts.build).toContain('gulp build');
	});

	it('has index.js as its main, and ships it', () => {
		expect(pkg.main).toBe('index.js');
		expect(pkg.files).toContain('index.js');
	});
});

describe('npm pack', () => {
	let files: string[];
	beforeAll(async () => {
		({ files } = await packOnce());
	}, 90_000);

	it('ships the files the n8n block names, the one bundle and its source map', () => {
		expect(files).toEqual(
			expect.arrayContaining([...n8nFiles, 'dist/bundle.js', 'dist/bundle.js.map', 'package.json']),
		);
	});

	it('ships the node codex file and both icon variants next to the files n8n loads', () => {
		expect(files).toEqual(
			expect.arrayContaining([
				'dist/nodes/ZohoOAuthRequest/ZohoOAuthRequest.node.json',
				'dist/nodes/ZohoOAuthRequest/zoho.svg',
				'dist/nodes/ZohoOAuthRequest/zoho.dark.svg',
				'dist/credentials/zoho.svg',
				'dist/credentials/zoho.dark.svg',
			]),
		);
	});

	it('ships nothing but dist/, index.js, package.json and the documents', () => {
		const outside = files.filter((file) => !file.startsWith('dist/'));
		expect(outside.sort()).toEqual([
			'CHANGELOG.md',
			'LICENSE.md',
			'README.md',
			'index.js',
			'package.json',
		]);
		expect(files.filter((file) => /\.ts$/.test(file))).toEqual([]);
		expect(
			files.filter((file) => /(^|\/)(test|e2e|simulator|harness|bench|soak|zoho)\//.test(file)),
		).toEqual([]);
	});
});

describe('the packed package, installed with nothing but n8n-workflow', () => {
	const sim = new ZohoSimulator({ dataCentres: ['us'] });
	let installDir: string;
	let packageDir: string;

	beforeAll(async () => {
		await sim.start();
		const { tarball } = await packOnce();
		// The layout n8n's installer leaves: <nodes>/node_modules/<pkg> with no node_modules of
		// its own; n8n-workflow is the one module the instance supplies.
		installDir = path.join(workDir, 'install');
		fs.mkdirSync(installDir);
		fs.writeFileSync(path.join(installDir, 'package.json'), '{"private":true}\n');
		await run(
			'npm',
			[
				'install',
				'--offline',
				'--no-audit',
				'--no-fund',
				'--no-package-lock',
				'--ignore-scripts',
				// The peer (n8n-workflow) is the instance's, linked below: npm must not fetch it.
				'--legacy-peer-deps',
				tarball,
			],
			{ cwd: installDir, timeout: 60_000 },
		);
		packageDir = path.join(installDir, 'node_modules', 'n8n-nodes-zoho-oauth');
		fs.symlinkSync(
			path.join(ROOT, 'node_modules', 'n8n-workflow'),
			path.join(installDir, 'node_modules', 'n8n-workflow'),
			'dir',
		);
	}, 120_000);
	afterAll(async () => {
		await sim.stop();
	});

	/** Runs a script in a plain Node process in the install folder (no jest, no ts, no NODE_PATH); its stdout. */
	async function plainNode(script: string, args: string[]): Promise<string> {
		const env = { ...process.env };
		delete env.NODE_PATH;
		delete env.NODE_OPTIONS;
		const { stdout } = await run(process.execPath, ['-e', script, ...args], {
			cwd: installDir,
			env,
			timeout: 30_000,
		});
		return stdout;
	}

	interface ProbeResult {
		classes: Array<{ file: string; exported: string[]; name: string }>;
		loadedFromPackage: string[];
		first: Record<string, string>;
		test: { status: string; message: string };
		second: Record<string, string>;
	}

	/** Loads the package in a plain Node process (no jest, no ts) the way n8n does: require each file, `new` its class. */
	async function probe(data: Record<string, string>): Promise<ProbeResult> {
		const script = `
			const path = require('node:path');
			const packageDir = process.argv[1];
			const files = JSON.parse(process.argv[2]);
			const data = JSON.parse(process.argv[3]);
			(async () => {
				const classes = files.map((file) => {
					const exported = require(path.join(packageDir, file));
					const name = path.basename(file).split('.')[0];
					return { file, exported: Object.keys(exported), name: new exported[name]().constructor.name, instance: new exported[name]() };
				});
				const credential = classes.find((c) => c.file.includes('credentials/')).instance;
				const node = classes.find((c) => c.file.includes('nodes/')).instance;
				const first = await credential.preAuthentication.call({}, data);
				const test = await node.methods.credentialTest.zohoSelfClientApiTest.call({}, { id: '1', name: 'Zoho', type: 'zohoSelfClientApi', data });
				const second = await credential.preAuthentication.call({}, data);
				const loadedFromPackage = Object.keys(require.cache).filter((f) => f.startsWith(packageDir)).map((f) => path.relative(packageDir, f)).sort();
				process.stdout.write(JSON.stringify({ classes: classes.map(({ instance, ...rest }) => rest), loadedFromPackage, first, test, second }));
				process.exit(0);
			})().catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
		`;
		const stdout = await plainNode(script, [
			fs.realpathSync(packageDir),
			JSON.stringify(n8nFiles),
			JSON.stringify(data),
		]);
		return JSON.parse(stdout) as ProbeResult;
	}

	it('loads every n8n-block file, exporting the class named like the file', async () => {
		const client = selfClient(sim);
		const result = await probe(client.data);
		expect(result.classes.map((c) => c.file)).toEqual(n8nFiles);
		for (const loaded of result.classes) {
			const name = path.basename(loaded.file).split('.')[0];
			expect(loaded.exported).toEqual([name]);
			expect(loaded.name).toBe(name);
		}
		// One shared module: the n8n-block files and the bundle, nothing else from the package.
		expect(result.loadedFromPackage).toEqual([...n8nFiles, 'dist/bundle.js'].sort());
	});

	it('the node and the credential share one token cache', async () => {
		const client = selfClient(sim);
		const result = await probe(client.data);
		expect(result.first.accessToken).toMatch(/^1000\./);
		expect(result.test.status).toBe('OK');
		// The node's Test button mints a fresh token into the cache; the credential's next
		// preAuthentication hands out that token without asking Zoho again.
		expect(sim.mintsFor(client.refreshToken)).toBe(2);
		expect(result.second.accessToken).toMatch(/^1000\./);
		expect(result.second.accessToken).not.toBe(result.first.accessToken);
	});

	it('carries the libraries it uses inside the bundle', () => {
		const map = JSON.parse(fs.readFileSync(path.join(DIST, 'bundle.js.map'), 'utf8')) as {
			sources: string[];
		};
		const bundled = new Set(
			map.sources.flatMap(
				(source) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source)?.[1] ?? [],
			),
		);
		for (const library of runtimeLibraries()) expect(bundled).toContain(library);
		expect(bundled).not.toContain('n8n-workflow');
		expect(fs.readdirSync(packageDir).sort()).toEqual([
			'CHANGELOG.md',
			'LICENSE.md',
			'README.md',
			'dist',
			'index.js',
			'package.json',
		]);
		const installed = fs.readdirSync(path.join(installDir, 'node_modules'));
		// npm's own bookkeeping (.package-lock.json) aside.
		expect(installed.filter((name) => !name.startsWith('.')).sort()).toEqual([
			'n8n-nodes-zoho-oauth',
			'n8n-workflow',
		]);
	});

	interface ByName {
		exported: string[];
		dataCentres: string[];
		usAccounts: string;
		names: Record<string, string>;
		sameAsN8nFiles: boolean;
		token: Record<string, unknown>;
		again: string;
		failure: { isZohoError: boolean; code: string; field: string };
	}

	it("require('n8n-nodes-zoho-oauth') by name: the classes, the data centres, a token, Zoho's errors", async () => {
		const client = selfClient(sim);
		const script = `
			const data = JSON.parse(process.argv[1]);
			const nodeFile = process.argv[2];
			(async () => {
				const zoho = require('n8n-nodes-zoho-oauth');
				const token = await zoho.getAccessToken(data);
				const again = await zoho.getAccessToken(data);
				const failure = await zoho.getAccessToken({ ...data, clientSecret: data.clientSecret + 'x' }, { forceRefresh: true }).catch((error) => error);
				process.stdout.write(JSON.stringify({
					exported: Object.keys(zoho).sort(),
					dataCentres: Object.keys(zoho.DATA_CENTRES),
					usAccounts: zoho.DATA_CENTRES.us.accountsUrl,
					names: {
						credential: new zoho.ZohoSelfClientApi().name,
						request: new zoho.ZohoOAuthRequest().description.name,
						trigger: new zoho.ZohoOAuthTrigger().description.name,
						instantTrigger: new zoho.ZohoOAuthInstantTrigger().description.name,
					},
					sameAsN8nFiles: require(nodeFile).ZohoOAuthRequest === zoho.ZohoOAuthRequest,
					token,
					again: again.access_token,
					failure: { isZohoError: zoho.isZohoError(failure), code: failure.code, field: failure.field },
				}));
			})().catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
		`;
		const stdout = await plainNode(script, [
			JSON.stringify(client.data),
			'n8n-nodes-zoho-oauth/dist/nodes/ZohoOAuthRequest/ZohoOAuthRequest.node.js',
		]);
		const result = JSON.parse(stdout) as ByName;
		expect(result.exported).toEqual(PACKAGE_EXPORTS);
		expect(result.dataCentres).toEqual(['us', 'eu', 'in', 'au', 'jp', 'cn', 'ca', 'sa', 'uk']);
		expect(result.usAccounts).toBe('https://accounts.zoho.com');
		expect(result.names).toEqual({
			credential: 'zohoSelfClientApi',
			request: 'zohoOAuthRequest',
			trigger: 'zohoOAuthTrigger',
			instantTrigger: 'zohoOAuthInstantTrigger',
		});
		// index.js and the files n8n loads are one module: one token cache.
		expect(result.sameAsN8nFiles).toBe(true);
		expect(result.token).toEqual({
			access_token: expect.stringMatching(/^1000\./),
			token_type: 'Bearer',
			api_domain: sim.url('us'),
			expires_at: expect.any(String),
			expires_in_s: expect.any(Number),
			scope: expect.any(String),
			authorization_header: `Zoho-oauthtoken ${String(result.token.access_token)}`,
		});
		// The second call is served from the cache: one mint for both.
		expect(result.again).toBe(result.token.access_token);
		expect(sim.mintsFor(client.refreshToken)).toBe(1);
		expect(result.failure).toEqual({
			isZohoError: true,
			code: 'INVALID_CLIENT_SECRET',
			field: 'Client Secret',
		});
	});
});
