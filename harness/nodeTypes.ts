import type { IDataObject, INodeType, INodeTypes, IVersionedNodeType } from 'n8n-workflow';

export type NodeTypeRegistry = Record<string, INodeType | IVersionedNodeType>;

type ErrorSink = (error: unknown) => void;

function isVersioned(nodeType: INodeType | IVersionedNodeType): nodeType is IVersionedNodeType {
	return 'nodeVersions' in nodeType && typeof nodeType.getNodeType === 'function';
}

/**
 * `INodeTypes` over a plain registry keyed by full type name
 * (`n8n-nodes-zoho-oauth.zohoOAuthRequest`).
 *
 * `WorkflowExecute` keeps only a spread copy (`{ ...error, message, stack }`) of an
 * error a node throws, so the class is lost. Each node type handed to the engine is
 * therefore a proxy whose `execute` reports what it throws to `onNodeError` before
 * rethrowing it unchanged; `runWorkflow` later matches copies to originals.
 */
export class HarnessNodeTypes implements INodeTypes {
	private readonly proxies = new WeakMap<INodeType, INodeType>();

	constructor(
		private readonly registry: NodeTypeRegistry,
		private readonly onNodeError: ErrorSink,
	) {}

	getByName(type: string): INodeType | IVersionedNodeType {
		const nodeType = this.registry[type];
		if (nodeType === undefined) {
			const known = Object.keys(this.registry).sort().join(', ');
			throw new Error(`Unknown node type "${type}". Registered: ${known}`);
		}
		return nodeType;
	}

	getByNameAndVersion(type: string, version?: number): INodeType {
		const nodeType = this.getByName(type);
		const concrete = isVersioned(nodeType) ? nodeType.getNodeType(version) : nodeType;
		return this.withErrorCapture(concrete);
	}

	getKnownTypes(): IDataObject {
		return {};
	}

	private withErrorCapture(nodeType: INodeType): INodeType {
		const execute = nodeType.execute;
		if (execute === undefined) return nodeType;
		const cached = this.proxies.get(nodeType);
		if (cached) return cached;

		const onNodeError = this.onNodeError;
		// Called with the execute context as `this` (classic nodes) or with the context as
		// first argument (class-instance nodes); `apply` forwards both forms unchanged.
		const capturing = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
			try {
				return await (execute as (...a: unknown[]) => Promise<unknown>).apply(this, args);
			} catch (error) {
				onNodeError(error);
				throw error;
			}
		};
		const proxy = new Proxy(nodeType, {
			get: (target, property, receiver) =>
				property === 'execute' ? capturing : Reflect.get(target, property, receiver),
		});
		this.proxies.set(nodeType, proxy);
		return proxy;
	}
}
