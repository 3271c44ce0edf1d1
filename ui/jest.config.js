// What a user sees in n8n's editor, in a real browser (Debian's Chromium + playwright-core).
// Run: npm run test:ui   (needs the n8n 2.x host: bash n8n-host/install.sh 2)
/** @type {import('jest').Config} */
module.exports = {
	rootDir: '..',
	roots: ['<rootDir>/ui'],
	testMatch: ['**/*.test.ts'],
	// Types are checked by `npm run typecheck` (part of npm test); here only transpile.
	transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
	testEnvironment: 'node',
	// One editor session, step after step; bounded waits inside each step.
	testTimeout: 180_000,
	maxWorkers: 1,
};
