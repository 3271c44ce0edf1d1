// End-to-end tests against a real n8n (install it first: bash n8n-host/install.sh all).
// Run: npx jest -c e2e/jest.config.js
/** @type {import('jest').Config} */
module.exports = {
	rootDir: '..',
	roots: ['<rootDir>/e2e'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
	testEnvironment: 'node',
	// Each n8n command starts a whole n8n (3–5 s); `n8n start` needs up to ~20 s to be ready.
	testTimeout: 180_000,
	// Two cores: n8n instances in parallel only slow each other down.
	maxWorkers: 1,
	// Print every test's name: the run is long and its log is the report.
	verbose: true,
	// What n8n (a child process) sends to the simulator is journaled and held against Zoho's
	// request contract after the run, as in npm test.
	globalSetup: '<rootDir>/test/contract/globalSetup.ts',
	globalTeardown: '<rootDir>/test/contract/globalTeardown.ts',
};
