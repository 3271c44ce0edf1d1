/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		// Type checking runs once in `npm run typecheck`; here only transpile, for speed.
		'^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
	},
	testTimeout: 30_000,
	// Every request the tests send to the simulator is journaled and, after the run, held
	// against Zoho's request contract (contract/): one Zoho does not know fails the run.
	globalSetup: '<rootDir>/test/contract/globalSetup.ts',
	globalTeardown: '<rootDir>/test/contract/globalTeardown.ts',
	// Every test closes its servers and sockets; a leftover handle is a bug to find, not hide.
	detectOpenHandles: false,
};
