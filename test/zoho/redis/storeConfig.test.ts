// Which token store a process uses: a pure function of the environment.
import { ZohoInputError } from '../../../zoho/errors';
import {
	DEFAULT_KEY_PREFIX,
	tokenStoreConfig,
	type TokenStoreConfig,
} from '../../../zoho/redis/storeConfig';

function redis(config: TokenStoreConfig) {
	if (config.kind !== 'redis') throw new Error(`expected a Redis store, got ${config.kind}`);
	return config;
}

function inputError(env: Record<string, string>): ZohoInputError {
	try {
		tokenStoreConfig(env);
	} catch (error) {
		expect(error).toBeInstanceOf(ZohoInputError);
		return error as ZohoInputError;
	}
	throw new Error('expected a ZohoInputError');
}

describe('tokenStoreConfig', () => {
	it('is in-process when nothing says otherwise (a single n8n, regular mode)', () => {
		expect(tokenStoreConfig({})).toEqual({ kind: 'memory' });
		expect(
			tokenStoreConfig({ EXECUTIONS_MODE: 'regular', QUEUE_BULL_REDIS_HOST: 'redis' }),
		).toEqual({ kind: 'memory' });
	});

	it("uses n8n's queue Redis, with n8n's defaults, in queue mode", () => {
		const config = redis(tokenStoreConfig({ EXECUTIONS_MODE: 'queue' }));
		expect(config.prefix).toBe(DEFAULT_KEY_PREFIX);
		expect(config.connection).toEqual({
			nodes: [{ host: 'localhost', port: 6379 }],
			cluster: false,
			username: undefined,
			password: undefined,
			db: 0,
			tls: false,
		});
	});

	it('reads every QUEUE_BULL_REDIS_ setting', () => {
		const config = redis(
			tokenStoreConfig({
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: 'redis.internal',
				QUEUE_BULL_REDIS_PORT: '6380',
				QUEUE_BULL_REDIS_USERNAME: 'n8n',
				QUEUE_BULL_REDIS_PASSWORD: 'pa:ss',
				QUEUE_BULL_REDIS_DB: '2',
				QUEUE_BULL_REDIS_TLS: 'true',
				ZOHO_TOKEN_STORE_PREFIX: 'acme-zoho:',
			}),
		);
		expect(config).toEqual({
			kind: 'redis',
			prefix: 'acme-zoho:',
			connection: {
				nodes: [{ host: 'redis.internal', port: 6380 }],
				cluster: false,
				username: 'n8n',
				password: 'pa:ss',
				db: 2,
				tls: true,
			},
		});
	});

	it('takes cluster nodes instead of host and port', () => {
		const config = redis(
			tokenStoreConfig({
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: 'ignored',
				QUEUE_BULL_REDIS_CLUSTER_NODES: 'r1:7000, r2:7001',
			}),
		);
		expect(config.connection.cluster).toBe(true);
		expect(config.connection.nodes).toEqual([
			{ host: 'r1', port: 7000 },
			{ host: 'r2', port: 7001 },
		]);
	});

	it('lets ZOHO_TOKEN_STORE override: memory in queue mode, a Redis URL anywhere, queue without queue mode', () => {
		expect(tokenStoreConfig({ EXECUTIONS_MODE: 'queue', ZOHO_TOKEN_STORE: 'memory' })).toEqual({
			kind: 'memory',
		});
		const url = redis(
			tokenStoreConfig({
				EXECUTIONS_MODE: 'queue',
				ZOHO_TOKEN_STORE: 'rediss://user:p%40ss@cache.example:6390/3',
			}),
		);
		expect(url.connection).toEqual({
			nodes: [{ host: 'cache.example', port: 6390 }],
			cluster: false,
			username: 'user',
			password: 'p@ss',
			db: 3,
			tls: true,
		});
		expect(
			redis(tokenStoreConfig({ ZOHO_TOKEN_STORE: 'redis://127.0.0.1' })).connection.nodes,
		).toEqual([{ host: '127.0.0.1', port: 6379 }]);
		expect(
			redis(tokenStoreConfig({ ZOHO_TOKEN_STORE: 'queue', QUEUE_BULL_REDIS_HOST: 'q' })).connection
				.nodes,
		).toEqual([{ host: 'q', port: 6379 }]);
	});

	it('names the variable and the fix for an unusable setting, without echoing a password', () => {
		const unknown = inputError({ ZOHO_TOKEN_STORE: 'postgres://user:secret@db' });
		expect(unknown.field).toBe('ZOHO_TOKEN_STORE');
		expect(unknown.message).toBe(
			'ZOHO_TOKEN_STORE is "postgres://…@db", which is not a token store.',
		);
		expect(unknown.hint).toContain('memory');
		expect(inputError({ ZOHO_TOKEN_STORE: 'redis://h/x' }).message).toBe(
			'The database in ZOHO_TOKEN_STORE ("/x") is not a number.',
		);
		expect(inputError({ EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_PORT: 'abc' }).field).toBe(
			'QUEUE_BULL_REDIS_PORT',
		);
		expect(inputError({ EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_DB: '-1' }).field).toBe(
			'QUEUE_BULL_REDIS_DB',
		);
		expect(
			inputError({ EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_CLUSTER_NODES: 'r1' }).message,
		).toBe('QUEUE_BULL_REDIS_CLUSTER_NODES has "r1", not host:port.');
	});
});
