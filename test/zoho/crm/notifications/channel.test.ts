// zoho/crm/notifications/channel/channel.ts: the watch body, Zoho's answers and callbacks, the channel id
// and token of a trigger, and the expiry arithmetic on Zoho's clock; then the same
// functions against the simulator's Notification API, end to end.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ZohoSimulator } from '../../../../simulator';
import { mintAccessToken, simulatorClient } from '../../../support/simulatorTokens';
import {
	channelHealth,
	channelIdFor,
	channelIdentity,
	channelListSchema,
	channelTokenFor,
	DAY_MS,
	enabledChannels,
	EXPIRY_SAFETY_MS,
	HOUR_MS,
	maxChannelLifetimeMs,
	parseCallback,
	renewalDue,
	requestedExpiry,
	tokenMatches,
	watchBody,
	type ChannelRow,
	type ChannelSpec,
} from '../../../../zoho/crm/notifications/channel';
import { ZohoApiError, ZohoTransportError } from '../../../../zoho/errors';
import { zohoTimeFrom } from '../../../../zoho/formats';

const NOW = Date.parse('2026-12-01T10:00:00Z');
const URL_A = 'https://n8n.example.com/webhook/5b1c/zoho';

const spec: ChannelSpec = {
	channelId: channelIdFor(URL_A),
	module: 'Leads',
	events: ['create', 'edit'],
	notifyUrl: URL_A,
	token: channelTokenFor({ secret: 'client-secret', channelId: channelIdFor(URL_A) }),
	expiresAt: NOW + 6 * DAY_MS,
	returnAffectedFieldValues: true,
	notifyOnRelatedAction: false,
};

describe('watchBody', () => {
	it('builds one watch element with the events, expiry in Zoho time and the flags', () => {
		expect(watchBody(spec)).toEqual({
			watch: [
				{
					channel_id: spec.channelId,
					events: ['Leads.create', 'Leads.edit'],
					notify_url: URL_A,
					token: spec.token,
					channel_expiry: '2026-12-07T10:00:00+00:00',
					return_affected_field_values: true,
					notify_on_related_action: false,
				},
			],
		});
	});

	it('leaves channel_expiry out without an expiry (Zoho then gives one hour: a test run)', () => {
		const element = watchBody({ ...spec, expiresAt: undefined }).watch[0];
		expect(element).not.toHaveProperty('channel_expiry');
		expect(element).toMatchObject({ channel_id: spec.channelId, token: spec.token });
	});

	it('adds a field selection naming the module and fields with their ids', () => {
		const body = watchBody({
			...spec,
			condition: {
				operator: 'or',
				moduleId: '700',
				fields: [
					{ apiName: 'Email', id: '5001' },
					{ apiName: 'Phone', id: '5002' },
				],
			},
		});
		expect(body.watch[0]?.notification_condition).toEqual([
			{
				type: 'field_selection',
				module: { api_name: 'Leads', id: '700' },
				field_selection: {
					group_operator: 'or',
					group: [
						{ field: { api_name: 'Email', id: '5001' } },
						{ field: { api_name: 'Phone', id: '5002' } },
					],
				},
			},
		]);
	});
});

describe('expiry on Zoho time', () => {
	it('allows a day up to v3 and a week from v4', () => {
		expect(['v2', 'v2.1', 'v3'].map(maxChannelLifetimeMs)).toEqual([DAY_MS, DAY_MS, DAY_MS]);
		expect(['v4', 'v8'].map(maxChannelLifetimeMs)).toEqual([7 * DAY_MS, 7 * DAY_MS]);
	});

	it('asks for the longest expiry less the safety margin', () => {
		expect(requestedExpiry({ zohoNow: NOW, crmVersion: 'v8' })).toBe(
			NOW + 7 * DAY_MS - EXPIRY_SAFETY_MS,
		);
		expect(requestedExpiry({ zohoNow: NOW, crmVersion: 'v3' })).toBe(
			NOW + DAY_MS - EXPIRY_SAFETY_MS,
		);
	});

	it('renews once less than half the lifetime is left', () => {
		const due = (left: number) =>
			renewalDue({ expiresAt: NOW + left, zohoNow: NOW, crmVersion: 'v8' });
		expect(due(3.6 * DAY_MS)).toBe(false);
		expect(due(3.4 * DAY_MS)).toBe(true);
		expect(due(-HOUR_MS)).toBe(true);
		expect(renewalDue({ expiresAt: NOW + 11 * HOUR_MS, zohoNow: NOW, crmVersion: 'v3' })).toBe(
			true,
		);
	});

	it("reads Zoho's time from a Date header", () => {
		expect(zohoTimeFrom('Tue, 01 Dec 2026 10:00:00 GMT')).toBe(NOW);
		expect(zohoTimeFrom(undefined)).toBeUndefined();
		expect(zohoTimeFrom('soon')).toBeUndefined();
	});
});

describe('channel id and token', () => {
	it('derives a stable 16-digit channel id from the trigger identity, another for its test runs', () => {
		const identity = { instanceId: 'i1', workflowId: 'w1', nodeId: 'n1', test: false };
		const id = channelIdFor(channelIdentity(identity));
		expect(id).toMatch(/^1\d{15}$/);
		expect(Number.isSafeInteger(Number(id))).toBe(true);
		expect(channelIdFor(channelIdentity({ ...identity }))).toBe(id);
		const others = [
			{ ...identity, test: true },
			{ ...identity, instanceId: 'i2' },
			{ ...identity, workflowId: 'w2' },
			{ ...identity, nodeId: 'n2' },
		].map((other) => channelIdFor(channelIdentity(other)));
		expect(new Set([id, ...others]).size).toBe(5);
	});

	it('derives a 43-character token from the secret and channel, different for each', () => {
		const token = channelTokenFor({ secret: 's1', channelId: '1' });
		expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(channelTokenFor({ secret: 's1', channelId: '1' })).toBe(token);
		expect(channelTokenFor({ secret: 's2', channelId: '1' })).not.toBe(token);
		expect(channelTokenFor({ secret: 's1', channelId: '2' })).not.toBe(token);
	});

	it('compares tokens whatever their length or type', () => {
		expect(tokenMatches('abc', 'abc')).toBe(true);
		for (const given of ['abd', 'ab', 'abcd', '', null, undefined, 42])
			expect(tokenMatches('abc', given)).toBe(false);
	});
});

describe("Zoho's answers and callbacks", () => {
	it("reads a callback as Zoho's pages show it, ids as strings", () => {
		const callback = parseCallback({
			server_time: 1718115953625,
			affected_values: [{ record_id: '5725767000003000010', values: { Mobile: '123456789' } }],
			query_params: {},
			module: 'Leads',
			resource_uri: 'https://www.zohoapis.com/crm/v2/Leads',
			ids: [5725767000003000, '5725767000003000010'],
			affected_fields: [{ '5725767000003000010': ['Mobile'] }],
			operation: 'update',
			channel_id: 1000000068001,
			token: 'TOKEN',
		});
		expect(callback).toMatchObject({
			ids: ['5725767000003000', '5725767000003000010'],
			channel_id: '1000000068001',
			operation: 'update',
		});
		expect(
			parseCallback({
				server_time: 1,
				module: 'Leads',
				ids: [],
				operation: 'insert',
				channel_id: '1',
			})?.affected_fields,
		).toEqual([]);
		for (const bad of [
			null,
			'text',
			{ server_time: 1, module: 'Leads', ids: [], operation: 'upsert', channel_id: '1' },
			{ server_time: 1, module: 'Leads', operation: 'insert', channel_id: '1' },
			{ server_time: 1, module: 'Leads', ids: ['x'], operation: 'insert', channel_id: '1' },
		])
			expect(parseCallback(bad)).toBeUndefined();
	});

	it('reads the channels an enable answer confirms, and turns a refusal into an error with what to do', () => {
		expect(
			enabledChannels({
				watch: [
					{
						code: 'SUCCESS',
						status: 'success',
						message: 'Successfully subscribed for actions-watch of the given module',
						details: {
							events: [
								{
									channel_expiry: '2026-12-07T21:00:00+11:00',
									resource_uri: 'https://www.zohoapis.com/crm/v8/Deals',
									resource_id: '554023000000000131',
									resource_name: 'Deals',
									channel_id: '10000',
								},
							],
						},
					},
				],
			}),
		).toEqual([
			{ channelId: '10000', module: 'Deals', expiresAt: Date.parse('2026-12-07T10:00:00Z') },
		]);
		const refused = () =>
			enabledChannels({
				watch: [
					{
						code: 'INVALID_DATA',
						status: 'error',
						message: 'invalid data',
						details: { api_name: 'token', json_path: '$.watch[0].token' },
					},
				],
			});
		expect(refused).toThrow(ZohoApiError);
		expect(refused).toThrow(
			expect.objectContaining({
				zohoCode: 'INVALID_DATA',
				hint: expect.stringContaining('token') as string,
			}) as Error,
		);
		expect(() => enabledChannels({ data: [] })).toThrow(ZohoTransportError);
	});

	it('tells a healthy channel from one to renew, a missing one and a different one', () => {
		const row: ChannelRow = {
			channel_id: spec.channelId,
			resource_name: 'Leads',
			notify_url: URL_A,
			token: spec.token,
			channel_expiry: '2026-12-07T10:00:00+00:00',
			events: ['Leads.edit', 'Leads.create'],
			return_affected_field_values: true,
			notify_on_related_action: false,
		};
		const health = (changes: Partial<ChannelRow> | undefined, zohoNow = NOW) =>
			channelHealth({
				row: changes === undefined ? undefined : { ...row, ...changes },
				wanted: spec,
				zohoNow,
				crmVersion: 'v8',
			});
		expect(health({})).toBe('ok');
		expect(health({}, NOW + 3 * DAY_MS)).toBe('renew');
		expect(health({}, NOW + 7 * DAY_MS)).toBe('missing');
		expect(health(undefined)).toBe('missing');
		expect(health({ channel_expiry: null })).toBe('missing');
		expect(health({ notify_url: 'https://elsewhere.example.com/hook' })).toBe('different');
		expect(health({ token: 'other' })).toBe('different');
		expect(health({ token: null })).toBe('different');
		expect(health({ events: ['Leads.create'] })).toBe('different');
		expect(health({ events: ['Leads.create', 'Leads.edit', 'Leads.delete'] })).toBe('different');
		// The options: a changed one needs the channel enabled again.
		expect(health({ return_affected_field_values: null })).toBe('different');
		expect(health({ notify_on_related_action: null })).toBe('different');
		expect(health({ notification_condition: [{ type: 'field_selection' }] })).toBe('different');
		const conditioned = { ...spec, condition: { fields: ['Email'], operator: 'or' } };
		expect(channelHealth({ row, wanted: conditioned, zohoNow: NOW, crmVersion: 'v8' })).toBe(
			'different',
		);
	});
});

describe('against the simulator', () => {
	let sim: ZohoSimulator;
	let receiver: Server;
	const bodies: unknown[] = [];

	beforeAll(async () => {
		sim = new ZohoSimulator({ dataCentres: ['us'] });
		await sim.start();
		receiver = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
				res.writeHead(200).end();
			});
		});
		receiver.listen(0, '127.0.0.1');
		await once(receiver, 'listening');
	});
	afterAll(async () => {
		await sim.stop();
		receiver.closeAllConnections();
		await new Promise((resolve) => receiver.close(resolve));
	});

	it('enables, checks and hears a channel built by these functions', async () => {
		const client = simulatorClient(sim, {
			scopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.notifications.ALL'],
		});
		const accessToken = await mintAccessToken(sim, { client });
		const call = (path: string, init: RequestInit = {}) =>
			fetch(`${sim.url('us')}${path}`, {
				...init,
				headers: {
					Authorization: `Zoho-oauthtoken ${accessToken}`,
					'Content-Type': 'application/json',
				},
			});
		const notifyUrl = `http://127.0.0.1:${String((receiver.address() as AddressInfo).port)}/hook`;
		const channelId = channelIdFor(notifyUrl);
		const expiresAt = requestedExpiry({ zohoNow: sim.now(), crmVersion: 'v8' });
		const wanted: ChannelSpec = {
			...spec,
			channelId,
			notifyUrl,
			token: channelTokenFor({ secret: client.clientSecret, channelId }),
			expiresAt,
		};

		const enabled = await call('/crm/v8/actions/watch', {
			method: 'POST',
			body: JSON.stringify(watchBody(wanted)),
		});
		expect(enabled.status).toBe(201);
		const [channel] = enabledChannels(await enabled.json());
		// Not cut to one hour: the asked expiry was within Zoho's week.
		expect(channel).toEqual({
			channelId,
			module: 'Leads',
			expiresAt: Math.floor(expiresAt / 1000) * 1000,
		});

		const listed = await call(`/crm/v8/actions/watch?channel_id=${channelId}`);
		const zohoNow = zohoTimeFrom(listed.headers.get('date') ?? undefined);
		const rows = channelListSchema.parse(await listed.json()).watch;
		expect(channelHealth({ row: rows[0], wanted, zohoNow: zohoNow ?? 0, crmVersion: 'v8' })).toBe(
			'ok',
		);

		await call('/crm/v8/Leads', {
			method: 'POST',
			body: JSON.stringify({ data: [{ Last_Name: 'A' }] }),
		});
		await sim.notificationsSettled();
		const callback = parseCallback(bodies[0]);
		expect(callback).toMatchObject({ channel_id: channelId, operation: 'insert', module: 'Leads' });
		expect(tokenMatches(wanted.token, callback?.token)).toBe(true);

		// Eight days later by Zoho's clock, whatever this host's clock says: the channel is gone.
		sim.advanceClock(8 * DAY_MS);
		const later = await fetch(`${sim.url('us')}/crm/v8/actions/watch?channel_id=${channelId}`, {
			headers: { Authorization: `Zoho-oauthtoken ${await mintAccessToken(sim, { client })}` },
		});
		expect(later.status).toBe(204);
		expect(zohoTimeFrom(later.headers.get('date') ?? undefined)).toBeGreaterThan(expiresAt);
	});
});
