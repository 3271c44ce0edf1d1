// Three layers, all run by `npm run lint` (part of `npm test`):
//
// 1. n8n's own community-node lint for packages that are not offered on n8n Cloud
//    (`configWithoutCloudSupport` from @n8n/node-cli: js + typescript-eslint recommended,
//    n8n's community rules, eslint-plugin-n8n-nodes-base, import-x), exactly as n8n ships it,
//    with no rule switched off here. It is scoped to the package n8n loads: credentials/,
//    nodes/ and package.json. (The Zoho core zoho/ has no n8n imports; n8n's node rules say
//    nothing about it.) n8n's Cloud form (`config`) additionally forbids process/timers and
//    any import but a short allow-list; see docs/cloud-scan.md.
// 2. typescript-eslint with type information over every TypeScript file in the repository,
//    for the bugs types can see: promises nobody awaits, promises where a void callback is
//    expected, awaiting a non-promise.
// 3. Plain JS rules for the few CommonJS/ESM config files.
//
// None of these presets contains formatting rules (eslint 9 and typescript-eslint 8 moved
// them out), so lint never fights Prettier; `npm run format:check` owns formatting.
import js from '@eslint/js';
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';
import globals from 'globals';

const PACKAGE_TS = ['credentials/**/*.ts', 'nodes/**/*.ts'];

// n8n's preset applies all its TypeScript blocks to '**/*.ts'. Its general part (eslint and
// typescript-eslint recommended, with n8n's own typescript-eslint instance, which the
// type-aware block below reuses: one plugin instance per name) applies to every TypeScript
// file; its n8n part (community rules, import-x, no-console) only to the package.
const GENERAL = new Set([
	'typescript-eslint/base',
	'typescript-eslint/eslint-recommended',
	'typescript-eslint/recommended',
]);
const isJsRecommended = (block) => block.rules?.['no-unused-vars'] !== undefined && !block.name;
const n8nPackage = configWithoutCloudSupport.map((block) => {
	if (!block.files?.includes('**/*.ts')) return block;
	if (GENERAL.has(block.name) || isJsRecommended(block)) return block;
	return { ...block, files: PACKAGE_TS };
});

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
	...n8nPackage,
	{
		files: ['**/*.ts'],
		languageOptions: {
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
