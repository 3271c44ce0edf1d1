// The node and the credential's preAuthentication in a fleet: workflows run by
// different "processes" (ZohoRuntimes on one Redis, each installed in turn as the
// process-wide runtime) share one token, one concurrency budget and one cool-down.
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { preAuthenticate } from '../../credentials/preAuthenticate';
import { setSharedZohoRuntime } from '../../zoho/runtime';
import { fleetMember, type FleetMember } from '../support/fleet';
import { startRedis, type RedisServer } from '../../servers';
import {
	CREDENTIAL_ID,
	items,
	jsonOf,
	startKit,
	writeWorkflow,
	zohoWorkflow,
	type NodeKit,
} from './kit';

const refusal = {
	code: 'INVALID_TOKEN',
	details: {},
	message: 'invalid oauth token',
	status: 'error',
};

let kit: NodeKit;
let redis: RedisServer;
const members: FleetMember[] = [];
let testNumber = 0;

beforeAll(async () => {
	redis = await startRedis();
	kit = await startKit();
});

afterAll(async () => {
	await kit.close();
	await redis.stop();
});

beforeEach(() => {
	testNumber++;
	kit.sim.resetCounters();
});

afterEach(async () => {
	kit.sim.clearFaults();
	kit.sim.configure({ concurrencyLimit: Infinity, subConcurrencyLimit: Infinity, apiLatencyMs: 0 });
	const data = credentialData();
	delete data.concurrencyLimit;
	Object.assign(data, {
		accessToken: '',
		accessTokenExpiresAt: '',
		accessTokenIssuedAt: '',
		apiDomain: '',
	});
	kit.resetRuntime();
	await Promise.all(members.splice(0).map((member) => member.runtime.close()));
});

function credentialData(): ICredentialDataDecryptedObject {
	const stored = kit.credentials[CREDENTIAL_ID];
	if (!stored) throw new Error('the kit has no credential');
	return stored.data;
}

/** A new "n8n process" on the shared Redis, installed as this process's runtime. */
function becomeProcess(): FleetMember {
	const member = fleetMember({ redisUrl: redis.url, prefix: `node-fleet-${testNumber}:` });
	members.push(member);
	setSharedZohoRuntime(member.runtime);
	return member;
}

const getOrg = (options: { maxConcurrency?: number; continueOnFail?: boolean } = {}) =>
	zohoWorkflow(
		{
			operation: 'apiRequest',
			method: 'GET',
			path: '/org',
			options: { maxConcurrency: options.maxConcurrency ?? 10 },
		},
		{ continueOnFail: options.continueOnFail },
	);

describe('the node in a fleet', () => {
	it('workflows on three processes and the credential preAuthentication of a fourth share one token: 1 mint', async () => {
		becomeProcess();
		const first = await kit.run({ workflow: getOrg(), inputItems: items(50) });
		expect(jsonOf(first)).toHaveLength(50);
		becomeProcess();
		const second = await kit.run({ workflow: getOrg(), inputItems: items(50) });
		expect(second.status).toBe('success');
		becomeProcess();
		const third = await kit.run({ workflow: getOrg(), inputItems: items(20) });
		expect(third.status).toBe('success');
		expect(kit.sim.mintsFor(kit.refreshToken)).toBe(1);

		// n8n's HTTP Request node with our credential goes through preAuthentication.
		const fields = await preAuthenticate(credentialData(), becomeProcess().runtime);
		const sent = new Set(kit.sim.counters().authorizationHeaders.map((seen) => seen.value));
		expect([...sent]).toEqual([`Zoho-oauthtoken ${String(fields.accessToken)}`]);
		expect(kit.sim.mintsFor(kit.refreshToken)).toBe(1);
	});

	it("keeps the credential's Concurrency Limit: 60 items at Max Concurrent Requests 20 → at most 5 in flight, no 429", async () => {
		credentialData().concurrencyLimit = 'free';
		kit.sim.configure({ concurrencyLimit: 5, apiLatencyMs: 30 });
		becomeProcess();
		const result = await kit.run({
			workflow: getOrg({ maxConcurrency: 20 }),
			inputItems: items(60),
		});
		expect(result.status).toBe('success');
		expect(jsonOf(result)).toHaveLength(60);
		const counters = kit.sim.counters();
		expect(counters.callsByPathStatus['GET /crm/v8/org 200']).toBe(60);
		expect(counters.callsByPathStatus['GET /crm/v8/org 429']).toBeUndefined();
		expect(counters.maxInFlight).toBeLessThanOrEqual(5);
	});

	it('holds the sub-concurrency of 10 beside the edition limit 25: 2,500 records upserted 100 a call, 25 calls at once asked → 0 × 429', async () => {
		credentialData().concurrencyLimit = 'ultimate';
		kit.sim.configure({ concurrencyLimit: 25, subConcurrencyLimit: 10, apiLatencyMs: 30 });
		becomeProcess();
		const result = await kit.run({
			workflow: writeWorkflow({ writeOptions: { maxConcurrency: 25 } }),
			inputItems: items(2_500, (i) => ({ Last_Name: `Sub${i}`, Email: `sub${i}@example.com` })),
		});
		expect(result.status).toBe('success');
		expect(jsonOf(result).filter((item) => item.code === 'SUCCESS')).toHaveLength(2_500);
		const counters = kit.sim.counters();
		expect(counters.callsByPathStatus['POST /crm/v8/Contacts/upsert 200']).toBe(25);
		expect(counters.callsByPathStatus['POST /crm/v8/Contacts/upsert 429']).toBeUndefined();
		// Zoho's table: 1 credit per 10 records written.
		expect(counters.credits.us).toBe(250);
	});

	it('an API refusing every fresh token: 12 executions on 3 processes → 2 mints, each item failing with the reason', async () => {
		kit.sim.injectFault({
			path: '/crm/v8/org',
			kind: 'status',
			status: 401,
			body: refusal,
			times: Infinity,
		});
		const outputs = [];
		for (let execution = 0; execution < 12; execution++) {
			if (execution % 4 === 0) becomeProcess();
			outputs.push(
				jsonOf(await kit.run({ workflow: getOrg({ continueOnFail: true }), inputItems: items(2) })),
			);
		}
		expect(kit.sim.mintsFor(kit.refreshToken)).toBe(2);
		const codes = outputs.map((output) => output.map((item) => item.code));
		expect(codes[0]).toEqual(['INVALID_TOKEN', 'INVALID_TOKEN']);
		expect(codes.slice(1)).toEqual(Array(11).fill(['TOKEN_COOLDOWN', 'TOKEN_COOLDOWN']));
		expect(String(outputs[11]?.[0]?.error)).toMatch(
			/^Zoho refused two access tokens right after issuing them/,
		);
	});
});
