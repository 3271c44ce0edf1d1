/**
 * One-time process set-up that n8n's CLI normally does at start-up and that an
 * in-process `WorkflowExecute` needs. Idempotent; `runWorkflow` calls it.
 *
 * Expression engine
 *   n8n 2.x's CLI reads `N8N_EXPRESSION_ENGINE` (@n8n/config, default `vm`) and calls
 *   `Expression.initExpressionEngine()`, which loads isolated-vm. That env var means
 *   nothing to n8n-workflow on its own: the static default of `Expression` is `legacy`
 *   (tournament + `new Function`), and nothing in n8n-core switches it. isolated-vm is
 *   not built here (its install script is skipped), so the harness pins the engine to
 *   `legacy` with `Expression.setExpressionEngine('legacy')`, the API n8n-workflow
 *   documents for tests. Selecting `vm` without initialising it makes every
 *   expression throw "The vm expression engine has not been initialized".
 *
 * Instance settings
 *   Every node execution context asks the DI container for `InstanceSettings`. The real
 *   one writes `~/.n8n/config` (or `$N8N_USER_FOLDER/.n8n/config`) with a fresh
 *   encryption key the first time it is built. The harness registers a stub instead,
 *   so a test run writes nothing to the home folder.
 *
 * Error reporter
 *   `WorkflowExecute` hands every node error to `ErrorReporter`, which (without Sentry)
 *   logs it with its stack. The harness registers a silent one: the errors are in the
 *   result of `runWorkflow`, where a test asserts on them.
 *
 * Binary data
 *   `BinaryDataService` is deliberately left un-initialised: with no storage manager
 *   registered it keeps binary data in memory, base64 in `IBinaryData.data` (what n8n
 *   1.x called binary mode `default`). n8n 2.x has no `default` mode any more
 *   (`filesystem`, `s3`, `database`); calling `init()` would switch to the filesystem.
 */
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Container as DiContainer } from '@n8n/di';
import { ErrorReporter, InstanceSettings } from 'n8n-core';
import { Expression } from 'n8n-workflow';

let prepared = false;

/** The DI container n8n-core itself uses (resolved from n8n-core's location, so never a second copy). */
function n8nCoreContainer(): typeof DiContainer {
	const requireFromCore = createRequire(require.resolve('n8n-core'));
	const di = requireFromCore('@n8n/di') as { Container: typeof DiContainer };
	return di.Container;
}

function instanceSettingsStub(): InstanceSettings {
	const n8nFolder = path.join(tmpdir(), 'n8n-nodes-zoho-oauth-harness');
	const stub = Object.create(InstanceSettings.prototype) as InstanceSettings;
	return Object.assign(stub, {
		n8nFolder,
		staticCacheDir: path.join(n8nFolder, 'cache'),
		customExtensionDir: path.join(n8nFolder, 'custom'),
		nodesDownloadDir: path.join(n8nFolder, 'nodes'),
		instanceId: 'harness-instance',
		hostId: 'main-harness',
		instanceType: 'main',
		instanceRole: 'leader',
		hmacSignatureSecret: 'harness-hmac-secret',
		// Read by the `encryptionKey` getter (BinaryDataConfig derives its signing secret from it).
		settings: { encryptionKey: 'harness-encryption-key' },
	});
}

function silentErrorReporter(): ErrorReporter {
	const reporter = Object.create(ErrorReporter.prototype) as ErrorReporter;
	return Object.assign(reporter, { report: () => undefined, seenErrors: new Set<string>() });
}

export function prepareHarnessEnvironment(): void {
	if (prepared) return;
	Expression.setExpressionEngine('legacy');
	const container = n8nCoreContainer();
	container.set(InstanceSettings, instanceSettingsStub());
	container.set(ErrorReporter, silentErrorReporter());
	prepared = true;
}
