/**
 * An `ICredentialsHelper` over an in-memory credential store, behaving like n8n 2.x's
 * real `CredentialsHelper` (packages/cli/src/credentials-helper.ts) for everything a
 * node execution touches: defaults applied on read, generic and function
 * `authenticate`, `preAuthentication` with the same trigger conditions and the same
 * write-back, and `updateCredentials` writing to the store. Not modelled: encryption,
 * credential overwrites, external secrets, dynamic (per-user) credentials.
 */
import { getAdditionalKeys } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsEncrypted,
	ICredentialsExpressionResolveValues,
	ICredentialType,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	deepCopy,
	getCredentialOwnRequestAllowedDomains,
	ICredentials,
	ICredentialsHelper,
	isExpression,
	NodeHelpers,
	UserError,
} from 'n8n-workflow';

/** One stored credential; `data` is what n8n would keep (decrypted) in its database. */
export interface StoredCredential {
	type: string;
	name?: string;
	data: ICredentialDataDecryptedObject;
}

/** Credential id (as in the workflow's `node.credentials[type].id`) → stored credential. Mutated in place. */
export type CredentialStore = Record<string, StoredCredential>;

export type CredentialTypeRegistry = Record<string, ICredentialType>;

export interface CredentialUpdate {
	id: string;
	type: string;
	data: ICredentialDataDecryptedObject;
}

export interface PreAuthenticationRun {
	type: string;
	/** True when n8n asked for it after a rejected request (401 by default), not because the field was empty. */
	credentialsExpired: boolean;
}

class StoredCredentials extends ICredentials {
	constructor(
		details: INodeCredentialsDetails,
		type: string,
		private readonly store: CredentialStore,
	) {
		super(details, type);
	}

	private entry(): StoredCredential {
		const entry = this.id === undefined ? undefined : this.store[this.id];
		if (entry === undefined)
			throw new UserError(`Credential "${this.id ?? ''}" is not in the store`);
		return entry;
	}

	async getData(): Promise<ICredentialDataDecryptedObject> {
		return deepCopy(this.entry().data);
	}

	getDataToSave(): ICredentialsEncrypted {
		return {
			id: this.id,
			name: this.name,
			type: this.type,
			data: JSON.stringify(this.entry().data),
		};
	}

	async setData(data: ICredentialDataDecryptedObject): Promise<void> {
		this.entry().data = deepCopy(data);
	}

	async updateData(
		toUpdate: Partial<ICredentialDataDecryptedObject>,
		toDelete: string[] = [],
	): Promise<void> {
		const entry = this.entry();
		const data: ICredentialDataDecryptedObject = { ...entry.data };
		for (const [key, value] of Object.entries(toUpdate)) {
			if (value !== undefined) data[key] = value;
		}
		for (const key of toDelete) delete data[key];
		entry.data = data;
	}
}

export class HarnessCredentialsHelper extends ICredentialsHelper {
	readonly updates: CredentialUpdate[] = [];

	readonly preAuthenticationRuns: PreAuthenticationRun[] = [];

	constructor(
		private readonly credentialTypes: CredentialTypeRegistry,
		private readonly store: CredentialStore,
	) {
		super();
	}

	getCredentialType(typeName: string): ICredentialType {
		const credentialType = this.credentialTypes[typeName];
		if (credentialType === undefined) {
			const known = Object.keys(this.credentialTypes).sort().join(', ');
			throw new UserError(`Unknown credential type "${typeName}". Registered: ${known}`);
		}
		return credentialType;
	}

	getParentTypes(typeName: string): string[] {
		const parents: string[] = [];
		for (const parent of this.credentialTypes[typeName]?.extends ?? []) {
			parents.push(parent, ...this.getParentTypes(parent));
		}
		return parents;
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		const typeDef = this.credentialTypes[credentialType];
		if (typeDef?.restrictToSupportedNodes !== true) return true;
		return (typeDef.supportedNodes ?? []).some(
			(name) => nodeType === name || nodeType.endsWith(`.${name}`),
		);
	}

	getCredentialsProperties(typeName: string): INodeProperties[] {
		const credentialType = this.getCredentialType(typeName);
		if (credentialType.extends === undefined) return credentialType.properties;
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}

	private storedEntry(nodeCredentials: INodeCredentialsDetails, type: string): StoredCredential {
		const { id } = nodeCredentials;
		if (!id) throw new UserError(`Credential "${nodeCredentials.name}" (${type}) has no id`);
		const entry = this.store[id];
		if (entry === undefined)
			throw new UserError(`Credential with ID "${id}" does not exist for type "${type}".`);
		if (entry.type !== type) {
			throw new UserError(`Credential "${id}" is of type "${entry.type}", not "${type}"`);
		}
		return entry;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentials> {
		this.storedEntry(nodeCredentials, type);
		return new StoredCredentials(nodeCredentials, type, this.store);
	}

	/**
	 * Like n8n: a fresh copy of the stored data on every call, with the credential
	 * type's defaults applied. As in n8n, fields the type does not declare are dropped
	 * here, so anything `preAuthentication` returns must be a declared (hidden) property
	 * to be seen by later requests. `={{ }}` values are resolved when the caller passes
	 * `expressionResolveValues` (node executions do).
	 */
	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = deepCopy(this.storedEntry(nodeCredentials, type).data);
		if (raw === true) return stored;

		const withDefaults = (NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			stored as INodeParameters,
			true,
			false,
			null,
			null,
		) ?? {}) as ICredentialDataDecryptedObject;
		if (stored.oauthTokenData !== undefined) withDefaults.oauthTokenData = stored.oauthTokenData;

		if (expressionResolveValues === undefined) return withDefaults;
		const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } =
			expressionResolveValues;
		return workflow.expression.getParameterValue(
			withDefaults as INodeParameters,
			runExecutionData,
			runIndex,
			itemIndex,
			node.name,
			connectionInputData,
			mode,
			getAdditionalKeys(additionalData, mode, runExecutionData, { isCredential: true }),
			executeData,
			false,
			withDefaults,
		) as ICredentialDataDecryptedObject;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const { authenticate } = this.getCredentialType(typeName);
		if (authenticate === undefined) return requestOptions;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate.type !== 'generic') return requestOptions;
		if (!workflow || !node) {
			throw new UserError(
				'Workflow and node are required for declarative credential authentication',
			);
		}

		const resolve = (value: string): string => {
			if (!isExpression(value)) return value;
			const resolved = workflow.expression.getSimpleParameterValue(
				node,
				value,
				'internal',
				{ $credentials: credentials },
				undefined,
				'',
			);
			return resolved ? String(resolved) : '';
		};
		requestOptions.headers ??= {};
		const target = requestOptions as unknown as Record<string, Record<string, unknown> | undefined>;
		for (const [section, entries] of Object.entries(authenticate.properties)) {
			const sectionValues = (target[section] ??= {});
			for (const [key, value] of Object.entries(entries as Record<string, string>)) {
				sectionValues[resolve(key)] = resolve(value);
			}
		}
		return requestOptions;
	}

	/**
	 * n8n 2.x semantics: only for a type with a `hidden` property marked
	 * `typeOptions.expirable`; runs when that property is `''`, when the caller says the
	 * credentials expired (the retry after a rejected request), or when n8n's credential
	 * test runs it on its `noOp` temp node. The returned fields are written back (the
	 * expirable one always, others unless the stored value is an expression) and merged
	 * into `credentials`. The hook sees only `helpers.httpRequest`.
	 */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.getCredentialType(typeName);
		const expirable = credentialType.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (expirable === undefined || typeof credentialType.preAuthentication !== 'function')
			return undefined;

		const isTestingCredentials =
			node?.parameters?.temp === '' && node?.type === 'n8n-nodes-base.noOp';
		if (credentials[expirable.name] !== '' && !credentialsExpired && !isTestingCredentials)
			return undefined;

		this.preAuthenticationRuns.push({ type: typeName, credentialsExpired });
		const output = (await credentialType.preAuthentication.call(
			restrictToCredentialDomains(helpers, credentials),
			credentials,
		)) as ICredentialDataDecryptedObject;
		if (output[expirable.name] === undefined) return undefined;

		const nodeCredentials = node.credentials?.[credentialType.name];
		if (nodeCredentials === undefined) return undefined;

		const stored = this.storedEntry(nodeCredentials, credentialType.name).data;
		const toPersist: ICredentialDataDecryptedObject = { ...stored };
		for (const [key, value] of Object.entries(output)) {
			if (key === expirable.name || !isExpression(stored[key])) toPersist[key] = value;
		}
		await this.updateCredentials(nodeCredentials, credentialType.name, toPersist);
		return Object.assign(credentials, output);
	}

	/** Runs the hook without the expirable guard and without persisting (n8n uses it for OAuth2 token data). */
	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.getCredentialType(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		const output = await credentialType.preAuthentication.call(
			restrictToCredentialDomains(helpers, credentials),
			credentials,
		);
		return (output as ICredentialDataDecryptedObject | undefined) ?? undefined;
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const entry = this.storedEntry(nodeCredentials, type);
		entry.data = deepCopy(data);
		this.updates.push({ id: nodeCredentials.id as string, type, data: deepCopy(data) });
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const entry = this.storedEntry(nodeCredentials, type);
		await this.updateCredentials(nodeCredentials, type, {
			...entry.data,
			oauthTokenData: data.oauthTokenData,
		});
	}
}

/** As n8n 2.x: the hook gets `helpers.httpRequest` only, bound to the credential's own domain allowlist. */
function restrictToCredentialDomains(
	helpers: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): IHttpRequestHelper {
	return {
		helpers: {
			httpRequest: async (requestOptions: IHttpRequestOptions) => {
				const allowedDomains = getCredentialOwnRequestAllowedDomains(credentials);
				if (allowedDomains === undefined) return await helpers.helpers.httpRequest(requestOptions);
				if (requestOptions.allowedDomains !== undefined) {
					throw new UserError(
						'preAuthentication set allowedDomains on a credential that has its own domain list',
					);
				}
				return await helpers.helpers.httpRequest({ ...requestOptions, allowedDomains });
			},
		},
	};
}
