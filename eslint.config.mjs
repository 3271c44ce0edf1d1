// n8n's community-node lint rules, applied to the n8n glue (credentials/, nodes/)
// and package.json. We use n8n's own preset for packages that are not offered on
// n8n Cloud (`recommendedWithoutN8nCloudSupport`): this package has runtime
// dependencies (undici, zod) by design, which Cloud never allows; for the same
// reason that preset's no-runtime-dependencies rule is off. The Zoho core (zoho/)
// has no n8n imports and is not linted with node rules: it throws its own typed
// errors, which the glue converts to NodeApiError/NodeOperationError in one place.
import tsParser from '@typescript-eslint/parser';
import community from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

const preset = community.configs.recommendedWithoutN8nCloudSupport;

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'n8n-host/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
	{
		files: ['credentials/**/*.ts', 'nodes/**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
		plugins: { ...preset.plugins, 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...preset.rules,
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// The rule's own documentation: "Only applicable to nodes in the main repository".
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// These two predate NodeConnectionTypes and demand the string 'main', which the
			// newer community rule node-connection-type-literal forbids; n8n's starter turns them off too.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tsParser, parserOptions: { extraFileExtensions: ['.json'] } },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: { ...n8nNodesBase.configs.community.rules },
	},
];
