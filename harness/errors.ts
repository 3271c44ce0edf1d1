import * as n8nWorkflow from 'n8n-workflow';

/** What `WorkflowExecute` keeps of a thrown error: `{ ...error, message, stack }`. */
interface ErrorCopy {
	name?: unknown;
	message?: unknown;
	stack?: unknown;
}

type ErrorClass = new (...args: never[]) => Error;

function n8nErrorClass(name: unknown): ErrorClass | undefined {
	if (typeof name !== 'string') return undefined;
	const candidate: unknown = (n8nWorkflow as Record<string, unknown>)[name];
	if (typeof candidate !== 'function') return undefined;
	const prototype: unknown = (candidate as { prototype?: unknown }).prototype;
	return prototype instanceof Error ? (candidate as ErrorClass) : undefined;
}

/**
 * Turns the engine's copy of an error back into an `Error` of its class: the original
 * instance when a node threw it (matched by its stack, which is unique per throw),
 * otherwise a rebuilt instance of the n8n-workflow class its `name` says, or `Error`.
 */
export function restoreError(copy: unknown, thrownByNodes: readonly unknown[]): Error | undefined {
	if (copy === undefined || copy === null) return undefined;
	if (copy instanceof Error) return copy;
	if (typeof copy !== 'object') return new Error(String(copy));

	const { stack } = copy as ErrorCopy;
	const original = thrownByNodes.find(
		(error): error is Error =>
			error instanceof Error && typeof stack === 'string' && error.stack === stack,
	);
	if (original) return original;

	const errorClass = n8nErrorClass((copy as ErrorCopy).name);
	const rebuilt = Object.create((errorClass ?? Error).prototype) as Error;
	return Object.assign(rebuilt, copy);
}
