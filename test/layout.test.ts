/**
 * The plan of the house, checked: which room may import which, and no import
 * circles between files (type-only imports included). A room is a top-level
 * folder; the arrows point only downwards, from the rooms that use tools to the
 * shared tool rooms, and from everything to the product. Inside the product, the
 * Zoho core's folders are layers, in-process and Redis implementations are built only by the composition
 * root, and the n8n side shares code only through nodes/shared/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

const PRODUCT = ['zoho', 'credentials', 'nodes'];
const SHARED_TOOLS = ['simulator', 'harness', 'n8n-driver', 'servers'];
/**
 * Zoho's request contract and its checker: a development tool the simulator and the
 * product never see; it reads the simulator's journal format.
 */
const CONTRACT = 'contract';

/** What each room may import besides itself. */
const ALLOWED: Record<string, string[]> = {
	zoho: [],
	// Only nodes/shared/ (see the product rules below): the n8n side's runtime accessor and errors.
	credentials: ['zoho', 'nodes'],
	nodes: ['zoho'],
	simulator: [],
	harness: [],
	servers: [],
	'n8n-driver': ['simulator'],
	contract: ['simulator'],
	test: [...PRODUCT, ...SHARED_TOOLS, CONTRACT],
	e2e: [...PRODUCT, ...SHARED_TOOLS, CONTRACT],
	ui: [...PRODUCT, ...SHARED_TOOLS],
	bench: [...PRODUCT, ...SHARED_TOOLS, CONTRACT],
	soak: [...PRODUCT, ...SHARED_TOOLS],
	scripts: [...PRODUCT, ...SHARED_TOOLS],
};

const SKIP = new Set([
	'node_modules',
	'dist',
	'dist-tools',
	'n8n-host',
	'.git',
	'coverage',
	'.tmp',
	'.n8n-user',
]);

function sourceFiles(dir: string): string[] {
	const files: string[] = [];
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		if (SKIP.has(entry.name)) continue;
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) files.push(...sourceFiles(full));
		else if (/\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(full);
	}
	return files;
}

/** Relative specifiers of every import, export-from, require() and import() in a file. */
function relativeImports(text: string): string[] {
	const specs: string[] = [];
	const pattern =
		/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]*)['"]/gm;
	for (let match = pattern.exec(text); match; match = pattern.exec(text)) specs.push(match[1]);
	return specs;
}

function resolveImport(fromFile: string, spec: string): string | undefined {
	const base = path.resolve(path.dirname(fromFile), spec);
	for (const candidate of [
		base,
		`${base}.ts`,
		`${base}.js`,
		path.join(base, 'index.ts'),
		path.join(base, 'index.js'),
	]) {
		if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
	}
	return undefined;
}

function roomOf(file: string): string {
	return path.relative(ROOT, file).split(path.sep)[0];
}

/** The file's path from the repository root, with forward slashes. */
function rel(file: string): string {
	return path.relative(ROOT, file).split(path.sep).join('/');
}

/** Folders of zoho/ and the ones each may import (besides zoho/'s top-level files). */
const ZOHO_LAYERS: Record<string, string[]> = {
	http: [],
	redis: ['http'],
	token: ['http', 'redis'],
	limiter: ['http', 'redis'],
	relay: ['http', 'redis'],
	api: ['http', 'token', 'limiter'],
	crm: ['http', 'token', 'api'],
};

/** What runtime.ts alone picks among: an in-process or Redis implementation of an interface beside it, or zoho/redis/. */
function isStoreImplementation(file: string): boolean {
	return /^(local|redis)[A-Z]/.test(path.basename(file)) || rel(file).startsWith('zoho/redis/');
}

/** zoho/<folder>/… → folder; a top-level file of zoho/ → undefined. */
function zohoFolderOf(file: string): string | undefined {
	const parts = rel(file).split('/');
	return parts[0] === 'zoho' && parts.length > 2 ? parts[1] : undefined;
}

/** nodes/<folder>/… → folder (a node's own, or shared). */
function nodesFolderOf(file: string): string | undefined {
	const parts = rel(file).split('/');
	return parts[0] === 'nodes' ? parts[1] : undefined;
}

/** Rules inside the product, each a name and what makes an import break it. */
const PRODUCT_RULES: Array<{ rule: string; breaks: (from: string, to: string) => boolean }> = [
	{
		rule: 'an in-process or Redis implementation is built only by zoho/runtime.ts (the rest sees its interface)',
		breaks: (from, to) =>
			isStoreImplementation(to) &&
			rel(from) !== 'zoho/runtime.ts' &&
			path.dirname(from) !== path.dirname(to) &&
			!(rel(to).startsWith('zoho/redis/') && path.basename(from).startsWith('redis')),
	},
	{
		rule: "a folder of zoho/ imports only the layers below it (and zoho/'s top-level files)",
		breaks: (from, to) => {
			const [a, b] = [zohoFolderOf(from), zohoFolderOf(to)];
			return a !== undefined && b !== undefined && a !== b && !ZOHO_LAYERS[a]?.includes(b);
		},
	},
	{
		rule: 'no zoho/ folder imports zoho/runtime.ts (it builds them)',
		breaks: (from, to) => zohoFolderOf(from) !== undefined && rel(to) === 'zoho/runtime.ts',
	},
	{
		rule: "a node's folder imports no other node's folder: shared code is in nodes/shared/",
		breaks: (from, to) => {
			const [a, b] = [nodesFolderOf(from), nodesFolderOf(to)];
			return a !== undefined && b !== undefined && a !== b && b !== 'shared';
		},
	},
	{
		rule: 'credentials/ uses only nodes/shared/ of the n8n side',
		breaks: (from, to) =>
			roomOf(from) === 'credentials' && roomOf(to) === 'nodes' && nodesFolderOf(to) !== 'shared',
	},
];

const files = sourceFiles(ROOT).filter((file) => roomOf(file) in ALLOWED);
const edges = new Map<string, string[]>(
	files.map((file) => [
		file,
		relativeImports(fs.readFileSync(file, 'utf8'))
			.map((spec) => resolveImport(file, spec))
			.filter((target): target is string => target !== undefined && /\.(ts|js)$/.test(target)),
	]),
);

describe('layout', () => {
	it('finds the rooms and their imports (the scan itself works)', () => {
		const rooms = new Set(files.map(roomOf));
		for (const room of [
			'zoho',
			'nodes',
			'simulator',
			'harness',
			'n8n-driver',
			'test',
			'e2e',
			'bench',
			'contract',
		])
			expect(rooms).toContain(room);
		const nodeImports = [...edges.entries()]
			.filter(([file]) => roomOf(file) === 'nodes')
			.flatMap(([, targets]) => targets.map(roomOf));
		expect(nodeImports).toContain('zoho');
	});

	it('every import crosses rooms only downwards', () => {
		const crossings: string[] = [];
		for (const [file, targets] of edges) {
			const from = roomOf(file);
			for (const target of targets) {
				const to = roomOf(target);
				if (to !== from && !ALLOWED[from].includes(to))
					crossings.push(`${path.relative(ROOT, file)} -> ${path.relative(ROOT, target)}`);
			}
		}
		expect(crossings).toEqual([]);
	});

	it('finds the layers of the product (the rules below see real imports)', () => {
		const imported = (from: string) =>
			[...edges.entries()].filter(([file]) => rel(file) === from).flatMap(([, t]) => t.map(rel));
		expect(imported('zoho/runtime.ts')).toEqual(
			expect.arrayContaining(['zoho/token/store/redisTokenStore.ts', 'zoho/token/auth.ts']),
		);
		expect(imported('nodes/ZohoOAuthTrigger/ZohoOAuthTrigger.node.ts')).toEqual(
			expect.arrayContaining(['nodes/shared/methods/listSearch.ts']),
		);
		expect(imported('credentials/preAuthenticate.ts')).toContain('nodes/shared/zohoRuntime.ts');
		for (const folder of Object.keys(ZOHO_LAYERS))
			expect(files.some((file) => zohoFolderOf(file) === folder)).toBe(true);
	});

	it.each(PRODUCT_RULES)('$rule', ({ breaks }) => {
		const broken: string[] = [];
		for (const [file, targets] of edges) {
			if (!PRODUCT.includes(roomOf(file))) continue;
			for (const target of targets)
				if (breaks(file, target)) broken.push(`${rel(file)} -> ${rel(target)}`);
		}
		expect(broken).toEqual([]);
	});

	it('has no import circles, type-only imports included', () => {
		const circles: string[] = [];
		const state = new Map<string, 'open' | 'done'>();
		const stack: string[] = [];
		const visit = (file: string): void => {
			state.set(file, 'open');
			stack.push(file);
			for (const target of edges.get(file) ?? []) {
				if (state.get(target) === 'open') {
					circles.push(
						stack
							.slice(stack.indexOf(target))
							.concat(target)
							.map((f) => path.relative(ROOT, f))
							.join(' -> '),
					);
				} else if (!state.has(target)) {
					visit(target);
				}
			}
			stack.pop();
			state.set(file, 'done');
		};
		for (const file of edges.keys()) if (!state.has(file)) visit(file);
		expect(circles).toEqual([]);
	});
});
