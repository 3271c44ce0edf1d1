/**
 * Zoho's own TypeScript SDK as the judge of the simulator: the SDK is pointed at a
 * simulator DC, parses its answers with its own models, and `roundTrip` compares every
 * value the SDK read with the JSON the simulator sent. A key whose type the SDK cannot
 * read, a value it reads differently, or a key it does not model is reported.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as SDK from '@zohocrm/typescript-sdk-8.0';
import type { Token } from '@zohocrm/typescript-sdk-8.0/dist/models/authenticator/token';
import type { TokenStore } from '@zohocrm/typescript-sdk-8.0/dist/models/authenticator/store/token_store';
import type { ZohoSimulator } from '../../../simulator';

const DIST = path.dirname(require.resolve('@zohocrm/typescript-sdk-8.0/dist/index.js'));
/** The SDK's description of every model: member → {name (JSON key), type, structure_name …}. */
const JSON_DETAILS = JSON.parse(
	readFileSync(path.join(DIST, 'config/json_details.json'), 'utf8'),
) as Record<string, Record<string, MemberDetail>>;
const RECORD_CLASS = 'core/com/zoho/crm/api/record/record';
/** The SDK packages whose answers the judge reads. */
const PACKAGES = [
	'record',
	'fields',
	'modules',
	'users',
	'org',
	'profiles',
	'custom_views',
	'bulk_read',
	'coql',
	'notifications',
];

interface MemberDetail {
	name?: string;
	type?: string;
	structure_name?: string;
	keys?: MemberDetail[];
}

/** SDK model class → its json_details key, for the packages the judge reads (see loadModels). */
const CLASS_PATHS = new Map<unknown, string>();

async function loadModels(): Promise<void> {
	if (CLASS_PATHS.size > 0) return;
	for (const key of Object.keys(JSON_DETAILS)) {
		const match = /^core\/com\/zoho\/crm\/api\/([a-z_]+)\//.exec(key);
		if (!match || !PACKAGES.includes(match[1] ?? '')) continue;
		const detail = JSON_DETAILS[key] as Record<string, unknown>;
		const file = path.join(DIST, `${key}.js`);
		// Interfaces and parameter holders have no model class of their own.
		if (detail.interface === true || !existsSync(file)) continue;
		const loaded = (await import(file)) as { MasterModel?: unknown };
		if (loaded.MasterModel) CLASS_PATHS.set(loaded.MasterModel, key);
	}
}

/** An in-memory token store (the SDK's FileStore would write a file). */
class MemoryStore {
	private tokens: Token[] = [];
	async findToken(token: Token): Promise<Token | null> {
		return this.tokens.includes(token) ? token : null;
	}
	async findTokenById(id: string): Promise<Token | null> {
		return this.tokens.find((token) => (token as SDK.OAuthToken).getId() === id) ?? null;
	}
	async saveToken(token: Token): Promise<void> {
		if (!this.tokens.includes(token)) this.tokens.push(token);
		(token as SDK.OAuthToken).setId(String(this.tokens.indexOf(token) + 1));
	}
	async deleteToken(id: string): Promise<void> {
		this.tokens = this.tokens.filter((token) => (token as SDK.OAuthToken).getId() !== id);
	}
	async getTokens(): Promise<Token[]> {
		return [...this.tokens];
	}
	async deleteTokens(): Promise<void> {
		this.tokens = [];
	}
}

/**
 * Initializes the SDK against a simulator DC with a refresh token; its field cache goes to
 * a temporary folder, removed by the returned `close`.
 */
export async function initSdk(options: {
	sim: ZohoSimulator;
	dc: string;
	clientId: string;
	clientSecret: string;
	refreshToken: string;
}): Promise<{ close: () => void }> {
	const origin = options.sim.url(options.dc);
	const resources = mkdtempSync(path.join(tmpdir(), 'zoho-sdk-'));
	const environment = SDK.DataCenter.setEnvironment(origin, `${origin}/oauth/v2/token`, origin);
	const token = new SDK.OAuthBuilder()
		.clientId(options.clientId)
		.clientSecret(options.clientSecret)
		.refreshToken(options.refreshToken)
		.build();
	await loadModels();
	const builder = new SDK.InitializeBuilder();
	// Its constructor reads the current initializer asynchronously: let that settle first.
	await new Promise((resolve) => setImmediate(resolve));
	await builder
		.environment(environment)
		.token(token)
		.store(new MemoryStore() as unknown as TokenStore)
		.SDKConfig(
			new SDK.SDKConfigBuilder().pickListValidation(false).autoRefreshFields(false).build(),
		)
		.resourcePath(resources)
		.logger(new SDK.LogBuilder().level(SDK.Levels.OFF).filePath(null).build())
		.initialize();
	return { close: () => rmSync(resources, { recursive: true, force: true }) };
}

export interface RoundTrip {
	/** Values the SDK read differently from what was sent, or could not read. */
	mismatches: string[];
	/** `<class>.<key>` for keys the SDK's model of that answer does not have. */
	unmodelled: string[];
}

/** Compares what the SDK parsed with the JSON the simulator sent. */
export function roundTrip(response: SDK.APIResponse): RoundTrip {
	const result: RoundTrip = { mismatches: [], unmodelled: [] };
	const raw = response.getResponseJSON();
	const parsed = response.getObject() as unknown;
	if (raw === null) {
		if (parsed !== null && parsed !== undefined)
			result.mismatches.push('$: no body, yet an object');
		return result;
	}
	compareValue({ raw, value: parsed, where: '$', result });
	return result;
}

function compareValue(options: {
	raw: unknown;
	value: unknown;
	where: string;
	result: RoundTrip;
	detail?: MemberDetail;
}): void {
	const { raw, value, where, result, detail } = options;
	const mismatch = (what: string): void => {
		result.mismatches.push(`${where}: ${what}`);
	};
	if (raw === null) {
		if (value !== null && value !== undefined) mismatch(`null sent, ${describe(value)} read`);
		return;
	}
	if (value instanceof SDK.Choice) {
		if (value.getValue() !== raw)
			mismatch(`${JSON.stringify(raw)} read as ${String(value.getValue())}`);
		return;
	}
	if (value instanceof Date) {
		if (typeof raw !== 'string') return mismatch(`a date expected, ${describe(raw)} sent`);
		const dateOnly = detail?.type === 'LocalDate' || /^\d{4}-\d{2}-\d{2}$/.test(raw);
		if (!dateOnly && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/.test(raw))
			return mismatch(`"${raw}" is not Zoho's date-time form (yyyy-MM-ddTHH:mm:ss±HH:mm)`);
		if (Number.isNaN(value.getTime()) || value.getTime() !== Date.parse(raw))
			mismatch(`"${raw}" read as ${String(value)}`);
		return;
	}
	if (typeof value === 'bigint') {
		if ((typeof raw !== 'string' && typeof raw !== 'number') || String(raw) !== value.toString())
			mismatch(`${JSON.stringify(raw)} read as ${value.toString()}`);
		return;
	}
	if (value instanceof Map) {
		if (!isPlainObject(raw)) return mismatch(`an object expected, ${describe(raw)} sent`);
		for (const [key, item] of Object.entries(raw)) {
			const keyDetail = detail?.keys?.find((candidate) => candidate.name === key);
			compareValue({
				raw: item,
				value: value.get(key),
				where: `${where}.${key}`,
				result,
				...(keyDetail ? { detail: keyDetail } : {}),
			});
		}
		return;
	}
	if (Array.isArray(value)) {
		if (!Array.isArray(raw)) return mismatch(`a list expected, ${describe(raw)} sent`);
		if (raw.length !== value.length)
			return mismatch(`${raw.length} items sent, ${value.length} read`);
		raw.forEach((item, index) =>
			compareValue({ raw: item, value: value[index], where: `${where}[${index}]`, result }),
		);
		return;
	}
	const classPath =
		typeof value === 'object' && value !== null ? CLASS_PATHS.get(value.constructor) : undefined;
	if (classPath) {
		compareModel({ raw, value: value as Record<string, unknown>, classPath, where, result });
		return;
	}
	if (detail?.structure_name) {
		// The SDK expected a model here and could not build one from what was sent.
		mismatch(`${detail.structure_name} expected, ${describe(raw)} sent`);
		return;
	}
	const expected = detail?.type;
	if (expected === 'Boolean' && typeof raw !== 'boolean')
		return mismatch(`a boolean expected, ${describe(raw)} sent`);
	if (expected === 'Integer' && !Number.isInteger(raw))
		return mismatch(`an integer expected, ${describe(raw)} sent`);
	if (expected === 'String' && typeof raw !== 'string')
		return mismatch(`a string expected, ${describe(raw)} sent`);
	if (isPlainObject(raw) || Array.isArray(raw))
		return mismatch(`${describe(raw)} sent, ${describe(value)} read`);
	if (value !== raw) mismatch(`${JSON.stringify(raw)} read as ${JSON.stringify(value)}`);
}

function compareModel(options: {
	raw: unknown;
	value: Record<string, unknown>;
	classPath: string;
	where: string;
	result: RoundTrip;
}): void {
	const { raw, value, classPath, where, result } = options;
	if (!isPlainObject(raw)) {
		result.mismatches.push(`${where}: ${classPath} expected, ${describe(raw)} sent`);
		return;
	}
	if (classPath === RECORD_CLASS) {
		const values = (value as unknown as SDK.Record.Record).getKeyValues();
		for (const [key, item] of Object.entries(raw))
			compareValue({ raw: item, value: values.get(key), where: `${where}.${key}`, result });
		return;
	}
	const members = JSON_DETAILS[classPath] ?? {};
	for (const [key, item] of Object.entries(raw)) {
		const member = Object.entries(members).find(([, detail]) => detail.name === key);
		if (!member) {
			result.unmodelled.push(`${classPath.replace('core/com/zoho/crm/api/', '')}.${key}`);
			continue;
		}
		const [memberName, detail] = member;
		compareValue({ raw: item, value: value[memberName], where: `${where}.${key}`, result, detail });
	}
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (value instanceof Map) return 'a map';
	return typeof value === 'object'
		? `a ${value.constructor?.name ?? 'object'}`
		: `${typeof value} ${JSON.stringify(value)}`;
}
