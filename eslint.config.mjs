// Three layers, all run by `npm run lint` (part of `npm test`):
//
// 1. n8n's own community-node lint for packages that are not offered on n8n Cloud
//    (`configWithoutCloudSupport` from @n8n/node-cli: js + typescript-eslint recommended,
//    n8n's community rules, eslint-plugin-n8n-nodes-base, import-x), taken whole, every
//    block as n8n ships it, with no rule switched off here: a new n8n release brings its
//    new blocks and rules with it. It applies to the package n8n loads: credentials/,
//    nodes/ and package.json. (The Zoho core zoho/ has no n8n imports; n8n's node rules say
//    nothing about it.) n8n's Cloud form (`config`) additionally forbids process/timers and
//    any import but a short allow-list; see docs/cloud-scan.md.
// 2. Everything else in the repository gets the general part of it (eslint and
//    typescript-eslint recommended), and every TypeScript file typescript-eslint with type
//    information, for the bugs types can see: promises nobody awaits, promises where a void
//    callback is expected, awaiting a non-promise.
// 3. Plain JS rules for the few CommonJS/ESM files.
//
// None of these presets contains formatting rules (eslint 9 and typescript-eslint 8 moved
// them out), so lint never fights Prettier; `npm run format:check` owns formatting.
import js from '@eslint/js';
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** What n8n loads, where n8n's preset applies. */
const PACKAGE = ['credentials/**', 'nodes/**', 'package.json'];
/** Everything but the package, for a block of n8n's preset. */
const OUTSIDE_PACKAGE = ['**/*', ...PACKAGE.map((pattern) => `!${pattern}`)];

/** A block with nothing but `ignores` ignores files everywhere; every other block of the preset is kept to the package. */
const isGlobalIgnore = (block) =>
	block.ignores !== undefined &&
	Object.keys(block).every((key) => key === 'ignores' || key === 'name');
const toPackage = (block) =>
	isGlobalIgnore(block)
		? block
		: { ...block, ignores: [...(block.ignores ?? []), ...OUTSIDE_PACKAGE] };

export default [
	{
		ignores: [
			'dist/**',
			'dist-tools/**',
			'node_modules/**',
			'n8n-host/**',
			'coverage/**',
			'.tmp/**',
			'.n8n-user/**',
		],
	},
	...configWithoutCloudSupport.map(toPackage),
	...tseslint.config({
		files: ['**/*.ts'],
		ignores: PACKAGE,
		extends: [js.configs.recommended, ...tseslint.configs.recommended],
	}),
	{
		files: ['**/*.ts'],
		languageOptions: {
			// One parser for every file: n8n's preset brings an older typescript-eslint whose
			// parser builds its program with its own TypeScript, while the rules below come from
			// this repository's typescript-eslint and TypeScript; types read across the two copies
			// disagree (await-thenable then calls every async iterable "not async iterable").
			parser: tseslint.parser,
			parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
		},
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error',
			'@typescript-eslint/await-thenable': 'error',
		},
	},
	{
		files: ['**/*.js', '**/*.mjs'],
		...js.configs.recommended,
	},
	{
		files: ['**/*.js'],
		languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
	},
	{
		files: ['**/*.mjs'],
		languageOptions: { sourceType: 'module', globals: { ...globals.node } },
	},
];
