// Whose logger hears what the Zoho core says: the execution's (n8n's `this.logger` of that
// run), never a logger kept by the process's runtime. The message here is the one warning
// a process gives when the fleet's Redis is away; a record write and a trigger poll each
// run on a runtime whose Redis does not answer.
import { createServer } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import { ZohoSelfClientApi } from '../../credentials/ZohoSelfClientApi.credentials';
import { ZohoOAuthTrigger } from '../../nodes/ZohoOAuthTrigger/ZohoOAuthTrigger.node';
import { createPollRunner } from '../../harness';
import { TRIGGER_TYPE, zohoTriggerWorkflow } from '../../harness/zohoWorkflow';
import { LocalLimiter } from '../../zoho/limiter/localLimiter';
import { RedisLink } from '../../zoho/redis/redisLink';
import { RedisTokenStore } from '../../zoho/token/store/redisTokenStore';
import { connectRedis, createZohoRuntime, setSharedZohoRuntime } from '../../zoho/runtime';
import { captureNodeWarnings } from '../support/nodeLogger';
import { jsonOf, startKit, zohoWorkflow, type NodeKit } from './kit';

const REDIS_AWAY =
	/^Zoho token store: Redis is not available \(.+\)\. This process now uses its own token cache/;

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	await new Promise<void>((resolve) => server.close(() => resolve()));
	if (address === null || typeof address === 'string') throw new Error('no port');
	return address.port;
}

let kit: NodeKit;
let redisPort: number;

beforeAll(async () => {
	kit = await startKit();
	redisPort = await closedPort();
});

afterAll(async () => {
	await kit.close();
});

/**
 * Installs, as the process's runtime, one whose token store is a Redis that does not
 * answer; what the runtime itself would log (for calls without a logger) goes to the list
 * it returns.
 */
function runtimeWithRedisAway(): { ownLog: string[]; close: () => Promise<void> } {
	const ownLog: string[] = [];
	const client = connectRedis({
		nodes: [{ host: '127.0.0.1', port: redisPort }],
		cluster: false,
		db: 0,
		tls: false,
	});
	const link = new RedisLink({
		client,
		logger: { warn: (message) => ownLog.push(message) },
		readyWaitMs: 200,
	});
	const runtime = createZohoRuntime({
		env: {},
		fleet: {
			tokenSource: new RedisTokenStore({ link, clock: { now: () => Date.now() }, prefix: 'log:' }),
			limiter: new LocalLimiter(),
		},
	});
	setSharedZohoRuntime(runtime);
	return { ownLog, close: () => runtime.close() };
}

describe("the execution's logger", () => {
	it('a record write: the warning reaches the logger of the execution that wrote', async () => {
		const { ownLog, close } = runtimeWithRedisAway();
		const warnings = captureNodeWarnings().logged;
		try {
			const result = await kit.run({
				workflow: zohoWorkflow({
					operation: 'recordWrite',
					product: 'crm',
					writeOperation: 'create',
					module: { __rl: true, mode: 'name', value: 'Contacts' },
					recordSource: 'json',
					recordJson: '={{ $json }}',
				}),
				inputItems: [{ json: { Last_Name: 'Logged', Email: 'logged@example.com' } }],
			});
			expect(result.error).toBeUndefined();
			expect(jsonOf(result)).toEqual([expect.objectContaining({ code: 'SUCCESS' })]);
			expect(warnings).toEqual([expect.stringMatching(REDIS_AWAY)]);
			expect(ownLog).toEqual([]);
		} finally {
			await close();
		}
	});

	it('a trigger poll: the warning reaches the logger of the poll', async () => {
		const { ownLog, close } = runtimeWithRedisAway();
		const warnings = captureNodeWarnings().logged;
		const parameters: IDataObject = {
			product: 'crm',
			crmVersion: 'v8',
			module: { __rl: true, mode: 'name', value: 'Leads' },
			event: 'createdOrUpdated',
			fields: 'Last_Name,Email',
			options: { startFrom: new Date(Date.now() - 60_000).toISOString() },
		};
		const trigger = createPollRunner({
			workflow: zohoTriggerWorkflow(parameters),
			node: 'Trigger',
			nodeTypes: { [TRIGGER_TYPE]: new ZohoOAuthTrigger() },
			credentialTypes: { zohoSelfClientApi: new ZohoSelfClientApi() },
			credentials: kit.credentials,
		});
		try {
			kit.sim.resetCounters();
			await trigger.poll();
			// The poll read Zoho (nothing changed: 304), so it needed a token, and said why it minted on its own.
			expect(kit.sim.counters().callsByPathStatus['GET /crm/v8/Leads 304']).toBe(1);
			expect(warnings).toEqual([expect.stringMatching(REDIS_AWAY)]);
			expect(ownLog).toEqual([]);
		} finally {
			await close();
		}
	});
});
