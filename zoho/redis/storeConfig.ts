/**
 * Which token store a process uses, read from an environment object (a pure
 * function, so every rule is testable; only runtime.ts passes process.env).
 *
 * - `ZOHO_TOKEN_STORE=memory`: every process mints for itself (the default outside queue mode).
 * - `ZOHO_TOKEN_STORE=redis://…` or `rediss://…`: that Redis.
 * - `ZOHO_TOKEN_STORE=queue`, or nothing set and `EXECUTIONS_MODE=queue`: the Redis
 *   of n8n's queue (`QUEUE_BULL_REDIS_*`), so a queue-mode fleet needs no setting.
 * - otherwise: memory.
 * `ZOHO_TOKEN_STORE_PREFIX` changes the key prefix (default `zoho-oauth:`).
 */
import { ZohoInputError } from '../errors';
import { commaList } from '../formats';

export const DEFAULT_KEY_PREFIX = 'zoho-oauth:';
const VARIABLE = 'ZOHO_TOKEN_STORE';

export interface RedisConnection {
	nodes: Array<{ host: string; port: number }>;
	/** Several nodes: a Redis Cluster. */
	cluster: boolean;
	username?: string;
	password?: string;
	db: number;
	tls: boolean;
}

export type TokenStoreConfig =
	| { kind: 'memory' }
	| { kind: 'redis'; connection: RedisConnection; prefix: string };

type Env = Readonly<Record<string, string | undefined>>;

export function tokenStoreConfig(env: Env): TokenStoreConfig {
	const choice = (env[VARIABLE] ?? '').trim();
	const prefix = (env.ZOHO_TOKEN_STORE_PREFIX ?? '').trim() || DEFAULT_KEY_PREFIX;
	if (choice.toLowerCase() === 'memory') return { kind: 'memory' };
	if (/^rediss?:\/\//i.test(choice)) return { kind: 'redis', connection: fromUrl(choice), prefix };
	if (
		choice.toLowerCase() === 'queue' ||
		(choice === '' && (env.EXECUTIONS_MODE ?? '').trim() === 'queue')
	) {
		return { kind: 'redis', connection: fromQueueSettings(env), prefix };
	}
	if (choice === '') return { kind: 'memory' };
	throw new ZohoInputError(
		VARIABLE,
		`${VARIABLE} is "${choice.replace(/\/\/[^@/]*@/, '//…@')}", which is not a token store.`,
		`Set ${VARIABLE} to memory (each n8n process keeps its own tokens), queue (the Redis of n8n's queue mode) or a Redis URL such as redis://host:6379/0, or unset it.`,
	);
}

function fromUrl(text: string): RedisConnection {
	if (!URL.canParse(text)) {
		throw new ZohoInputError(
			VARIABLE,
			`${VARIABLE} is not a valid Redis URL.`,
			'Write it as redis://[user:password@]host[:port][/db] (rediss:// for TLS).',
		);
	}
	const url = new URL(text);
	const dbText = url.pathname.replace(/^\//, '');
	const db = dbText === '' ? 0 : Number(dbText);
	if (!Number.isInteger(db) || db < 0) {
		throw new ZohoInputError(
			VARIABLE,
			`The database in ${VARIABLE} ("/${dbText}") is not a number.`,
			'Use a database number such as redis://host:6379/0.',
		);
	}
	return {
		nodes: [
			{ host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : 6379 },
		],
		cluster: false,
		username: url.username ? decodeURIComponent(url.username) : undefined,
		password: url.password ? decodeURIComponent(url.password) : undefined,
		db,
		tls: url.protocol === 'rediss:',
	};
}

/** n8n's own queue settings, with n8n's defaults. */
function fromQueueSettings(env: Env): RedisConnection {
	const clusterNodes = (env.QUEUE_BULL_REDIS_CLUSTER_NODES ?? '').trim();
	const nodes = clusterNodes
		? commaList(clusterNodes).map((entry) => hostPort(entry, 'QUEUE_BULL_REDIS_CLUSTER_NODES'))
		: [
				{
					host: (env.QUEUE_BULL_REDIS_HOST ?? '').trim() || 'localhost',
					port: port(env.QUEUE_BULL_REDIS_PORT, 'QUEUE_BULL_REDIS_PORT'),
				},
			];
	const dbText = (env.QUEUE_BULL_REDIS_DB ?? '').trim();
	const db = dbText === '' ? 0 : Number(dbText);
	if (!Number.isInteger(db) || db < 0) {
		throw new ZohoInputError(
			'QUEUE_BULL_REDIS_DB',
			`QUEUE_BULL_REDIS_DB is "${dbText}", not a database number.`,
			'Set it to 0 or another database number, as for n8n itself.',
		);
	}
	return {
		nodes,
		cluster: clusterNodes !== '',
		username: (env.QUEUE_BULL_REDIS_USERNAME ?? '') || undefined,
		password: (env.QUEUE_BULL_REDIS_PASSWORD ?? '') || undefined,
		db,
		tls: (env.QUEUE_BULL_REDIS_TLS ?? '').trim().toLowerCase() === 'true',
	};
}

function hostPort(entry: string, variable: string): RedisConnection['nodes'][number] {
	const match = /^(.+):(\d+)$/.exec(entry);
	if (!match)
		throw new ZohoInputError(
			variable,
			`${variable} has "${entry}", not host:port.`,
			'List the cluster nodes as host:port separated by commas, as for n8n itself.',
		);
	return { host: match[1] as string, port: port(match[2], variable) };
}

function port(text: string | undefined, variable: string): number {
	const trimmed = (text ?? '').trim();
	if (trimmed === '') return 6379;
	const value = Number(trimmed);
	if (!Number.isInteger(value) || value < 1 || value > 65_535) {
		throw new ZohoInputError(
			variable,
			`${variable} is "${trimmed}", not a port.`,
			'Use a port number between 1 and 65535, e.g. 6379.',
		);
	}
	return value;
}
