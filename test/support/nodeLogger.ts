// n8n hands every node context the DI container's Logger: setting it is what "this
// execution's logger" is in tests that load n8n-core.
import { createRequire } from 'node:module';

/** What node contexts log as warnings from now on, until `restore` puts n8n's logger back. */
export function captureNodeWarnings(): { logged: string[]; restore: () => void } {
	const requireFromCore = createRequire(require.resolve('n8n-core'));
	const { Container } = requireFromCore('@n8n/di') as {
		Container: { get(type: unknown): unknown; set(type: unknown, value: unknown): void };
	};
	const { Logger } = requireFromCore('@n8n/backend-common') as { Logger: unknown };
	const previous = Container.get(Logger);
	const logged: string[] = [];
	const logger = {
		warn: (message: string) => logged.push(message),
		error: () => undefined,
		info: () => undefined,
		debug: () => undefined,
		scoped: () => logger,
	};
	Container.set(Logger, logger);
	return { logged, restore: () => Container.set(Logger, previous) };
}
