// Zoho's official TypeScript SDK for CRM v8 as a client of the simulator: every answer
// must parse into the SDK's own models and read back the values the simulator sent.
import * as SDK from '@zohocrm/typescript-sdk-8.0';
import { strFromU8, unzipSync } from 'fflate';
import { ZohoSimulator } from '../../../simulator';
import { initSdk, roundTrip } from './judge';

const SCOPES = [
	'ZohoCRM.modules.ALL',
	'ZohoCRM.settings.ALL',
	'ZohoCRM.users.READ',
	'ZohoCRM.org.READ',
	'ZohoCRM.bulk.read',
	'ZohoCRM.coql.READ',
	'ZohoCRM.notifications.ALL',
];
/**
 * Keys the simulator sends that SDK 3.0.0's models do not have, each in Zoho's own v8
 * example answers (crm-oas: modules getModules "allmoduleswithvariations", fields
 * getFields "fullexample"). Any other unmodelled key is a simulator invention.
 */
const UNMODELLED_ALLOWED = new Set([
	'modules/modules.actual_singular_label',
	'modules/modules.actual_plural_label',
	'fields/fields.parent_field',
	// The SDK's Bulk Read Result, like the spec, has no error_message: the failed job's shape
	// is issue #25's reading of Zoho's page (an open question in docs/zoho-conformance.md).
	'bulk_read/result.error_message',
]);

// Tokens outlive the simulator clock's jump past a page token's 24 hours: the SDK judges
// token expiry by the real clock, the simulator by its own.
const sim = new ZohoSimulator({ dataCentres: ['us'], tokenLifetimeSec: 3 * 24 * 3600 });
let close = (): void => undefined;
let refreshToken = '';

beforeAll(async () => {
	await sim.start();
	const client = sim.registerClient('us');
	refreshToken = sim.createRefreshToken('us', { clientId: client.clientId, scopes: SCOPES });
	sim.seedCrm('us', { module: 'Leads', count: 2300 });
	sim.defineCrmModule('us', {
		api_name: 'Shipments_X',
		singular_label: 'Shipment',
		plural_label: 'Shipments',
		fields: [
			{ api_name: 'Name', system_mandatory: true },
			{ api_name: 'Tracking', unique: true },
			{ api_name: 'Reference', unique: true },
			{ api_name: 'Weight', data_type: 'integer' },
		],
	});
	({ close } = await initSdk({ sim, dc: 'us', ...client, refreshToken }));
});

afterAll(async () => {
	close();
	await sim.stop();
});

function expectFaithful(response: SDK.APIResponse | undefined): void {
	expect(response).toBeDefined();
	const { mismatches, unmodelled } = roundTrip(response as SDK.APIResponse);
	expect(mismatches).toEqual([]);
	expect(unmodelled.filter((key) => !UNMODELLED_ALLOWED.has(key))).toEqual([]);
}

async function params(entries: Array<[SDK.Param<unknown>, unknown]>): Promise<SDK.ParameterMap> {
	const map = new SDK.ParameterMap();
	for (const [param, value] of entries) await map.add(param, value);
	return map;
}

const Get = SDK.Record.GetRecordsParam;

describe("Zoho's TypeScript SDK against the simulator", () => {
	it('refreshes its token through the OAuth flow and reads modules with their hidden, subform and web tab rows', async () => {
		const response = await new SDK.Modules.ModulesOperations().getModules(new SDK.ParameterMap());
		expect(response.getStatusCode()).toBe(200);
		expectFaithful(response);
		expect(sim.mintsFor(refreshToken)).toBe(1);
		const modules = (response.getObject() as SDK.Modules.ResponseWrapper).getModules();
		const byName = new Map(modules.map((module) => [module.getAPIName(), module]));
		expect(byName.get('Subform_1')?.getGeneratedType().getValue()).toBe('static_subform');
		expect(byName.get('webtab')?.getAPISupported()).toBe(false);
		expect(byName.get('DealHistory')?.getViewable()).toBe(false);
		expect(byName.get('Feeds')?.getStatus()).toBe('user_hidden');
		expect(byName.get('Shipments_X')?.getGeneratedType().getValue()).toBe('custom');
	});

	it('reads fields with json_type, operation_type and the unique object', async () => {
		const response = await new SDK.Fields.FieldsOperations().getFields(
			await params([[SDK.Fields.GetFieldsParam.MODULE, 'Shipments_X']]),
		);
		expectFaithful(response);
		const fields = (response.getObject() as SDK.Fields.ResponseWrapper).getFields();
		const tracking = fields.find((field) => field.getAPIName() === 'Tracking');
		expect(tracking?.getJsonType()).toBe('string');
		expect(tracking?.getOperationType()?.getAPICreate()).toBe(true);
		expect(tracking?.getUnique()).toBeInstanceOf(SDK.Fields.Unique);
		const created = fields.find((field) => field.getAPIName() === 'Created_Time');
		expect(created?.getOperationType()?.getAPIUpdate()).toBe(false);
	});

	it('lists records with fields, ten pages, then page tokens past 2,000, newest id first', async () => {
		const operations = new SDK.Record.RecordOperations('Leads');
		const seen: string[] = [];
		let token: string | undefined;
		for (let page = 1; page <= 12; page += 1) {
			const entries: Array<[SDK.Param<unknown>, unknown]> = [
				[Get.FIELDS, 'Last_Name,Email'],
				[Get.PER_PAGE, 200],
			];
			entries.push(token ? [Get.PAGE_TOKEN, token] : [Get.PAGE, page]);
			const response = await operations.getRecords(await params(entries));
			expectFaithful(response);
			const wrapper = response.getObject() as SDK.Record.ResponseWrapper;
			seen.push(...wrapper.getData().map((record) => String(record.getId())));
			const info = wrapper.getInfo();
			if (!info.getMoreRecords()) break;
			if (page >= 10) token = info.getNextPageToken();
		}
		const newest = sim
			.records('us', 'Leads')
			.map((record) => record.id)
			.reverse();
		expect(seen).toEqual(newest);
	});

	it("gets Zoho's documented errors as APIException: fields missing or over 50, page with page_token", async () => {
		const operations = new SDK.Record.RecordOperations('Leads');
		const error = async (entries: Array<[SDK.Param<unknown>, unknown]>) => {
			const response = await sim.deliberately(
				'the SDK judge asks for a documented error',
				async () => operations.getRecords(await params(entries)),
			);
			expectFaithful(response);
			const exception = response.getObject() as SDK.Record.APIException;
			expect(exception).toBeInstanceOf(SDK.Record.APIException);
			return {
				status: response.getStatusCode(),
				code: exception.getCode().getValue(),
				details: Object.fromEntries(exception.getDetails()),
			};
		};
		expect(await error([])).toEqual({
			status: 400,
			code: 'REQUIRED_PARAM_MISSING',
			details: { param_name: 'fields' },
		});
		const many = Array.from({ length: 51 }, (_, i) => `Field_${i}`).join(',');
		expect(await error([[Get.FIELDS, many]])).toEqual({
			status: 400,
			code: 'LIMIT_EXCEEDED',
			details: { limit: 50, param_name: 'fields' },
		});
		const first = await operations.getRecords(
			await params([
				[Get.FIELDS, 'Email'],
				[Get.PAGE, 10],
			]),
		);
		const next = (first.getObject() as SDK.Record.ResponseWrapper).getInfo().getNextPageToken();
		const ambiguous = await error([
			[Get.FIELDS, 'Email'],
			[Get.PAGE, 2],
			[Get.PAGE_TOKEN, next],
		]);
		expect(ambiguous.code).toBe('AMBIGUITY_DURING_PROCESSING');
		const changed = await error([
			[Get.FIELDS, 'Last_Name'],
			[Get.PAGE_TOKEN, next],
		]);
		expect(changed).toEqual({
			status: 400,
			code: 'TOKEN_BOUND_DATA_MISMATCH',
			details: { param_name: 'page_token' },
		});
		// The SDK reads a module's fields before its records: Zoho's INVALID_MODULE stops it there.
		const unknownModule = await sim.deliberately(
			'the SDK judge asks for INVALID_MODULE',
			async () =>
				new SDK.Record.RecordOperations('Leadz')
					.getRecords(await params([[Get.FIELDS, 'Email']]))
					.then(
						() => undefined,
						(error: unknown) => error,
					),
		);
		expect(unknownModule).toBeInstanceOf(SDK.SDKException);
		// SDKException keeps Zoho's answer in its (untyped) details.
		expect((unknownModule as unknown as { details: unknown }).details).toMatchObject({
			code: 'INVALID_MODULE',
			message: 'the module name given seems to be invalid',
		});
	});

	it('searches', async () => {
		const response = await new SDK.Record.RecordOperations('Leads').searchRecords(
			await params([
				[SDK.Record.SearchRecordsParam.CRITERIA, '(Email:equals:lead7@example.com)'],
				[SDK.Record.SearchRecordsParam.FIELDS, 'Email,Last_Name'],
			]),
		);
		expectFaithful(response);
		const data = (response.getObject() as SDK.Record.ResponseWrapper).getData();
		expect(data.map((record) => record.getKeyValue('Email'))).toEqual(['lead7@example.com']);
	});

	it('creates, updates, upserts and deletes with mixed results (207) that parse record by record', async () => {
		const operations = new SDK.Record.RecordOperations('Shipments_X');
		const record = (values: Record<string, unknown>): SDK.Record.Record => {
			const built = new SDK.Record.Record();
			for (const [key, value] of Object.entries(values)) built.addKeyValue(key, value);
			return built;
		};
		const body = new SDK.Record.BodyWrapper();
		body.setData([
			record({ Name: 'One', Tracking: 'T1', Reference: 'R1' }),
			// No Name (mandatory) and the first record's Tracking (unique): two problems at once.
			record({ Tracking: 'T1', Weight: 2 }),
		]);
		body.setTrigger(['workflow', 'pathfinder', 'orchestration']);
		const created = await operations.createRecords(body);
		expect(created.getStatusCode()).toBe(207);
		expectFaithful(created);
		const results = (created.getObject() as SDK.Record.ActionWrapper).getData();
		expect(results[0]).toBeInstanceOf(SDK.Record.SuccessResponse);
		const refused = results[1] as SDK.Record.APIException;
		expect(refused).toBeInstanceOf(SDK.Record.APIException);
		expect(refused.getCode().getValue()).toBe('MULTIPLE_OR_MULTI_ERRORS');
		const firstId = BigInt(
			String((results[0] as SDK.Record.SuccessResponse).getDetails().get('id')),
		);
		expect(sim.counters().writes.at(-1)?.trigger).toEqual([
			'workflow',
			'pathfinder',
			'orchestration',
		]);

		const duplicate = new SDK.Record.BodyWrapper();
		duplicate.setData([record({ Name: 'Two', Tracking: 'T1', Reference: 'R1' })]);
		const refusedAll = await operations.createRecords(duplicate);
		expect(refusedAll.getStatusCode()).toBe(400);
		expectFaithful(refusedAll);
		const multi = (
			refusedAll.getObject() as SDK.Record.ActionWrapper
		).getData()[0] as SDK.Record.APIException;
		const errors = multi.getDetails().get('errors') as Array<Map<string, unknown>>;
		expect(errors.map((entry) => entry.get('code'))).toEqual(['DUPLICATE_DATA', 'DUPLICATE_DATA']);
		const first = errors[0]?.get('details') as Map<string, unknown>;
		expect((first.get('duplicate_record') as Map<string, unknown>).get('id')).toBe(String(firstId));
		expect(first.get('more_records')).toBe(false);

		const update = new SDK.Record.BodyWrapper();
		const changed = record({ Weight: 12 });
		changed.setId(firstId);
		const missing = record({ Weight: 1 });
		missing.setId(BigInt('4150868099999999999'));
		update.setData([changed, missing]);
		const updated = await operations.updateRecords(update);
		expect(updated.getStatusCode()).toBe(207);
		expectFaithful(updated);

		const upsert = new SDK.Record.BodyWrapper();
		upsert.setData([
			record({ Name: 'One again', Tracking: 'T1' }),
			record({ Name: 'Three', Tracking: 'T3' }),
		]);
		upsert.setDuplicateCheckFields(['Tracking']);
		upsert.setTrigger([]);
		const upserted = await operations.upsertRecords(upsert);
		expectFaithful(upserted);
		const actions = (upserted.getObject() as SDK.Record.ActionWrapper)
			.getData()
			.map((entry) => (entry as SDK.Record.SuccessResponse).getAction().getValue());
		expect(actions).toEqual(['update', 'insert']);

		const deleted = await operations.deleteRecords(
			await params([
				[SDK.Record.DeleteRecordsParam.IDS, `${String(firstId)},4150868099999999999`],
				[SDK.Record.DeleteRecordsParam.WF_TRIGGER, false],
			]),
		);
		expect(deleted.getStatusCode()).toBe(207);
		expectFaithful(deleted);
		expect(sim.counters().writes.at(-1)?.wfTrigger).toBe('false');
	});

	it('reads the page-token ceiling and an expired token as Zoho documents them', async () => {
		const operations = new SDK.Record.RecordOperations('Leads');
		const tokenAfterTenPages = async (): Promise<string> => {
			const response = await operations.getRecords(
				await params([
					[Get.FIELDS, 'Email'],
					[Get.PAGE, 10],
				]),
			);
			return (response.getObject() as SDK.Record.ResponseWrapper).getInfo().getNextPageToken();
		};
		sim.configure({ pageTokenRecordLimit: 2000 });
		try {
			const token = await tokenAfterTenPages();
			const ceiling = await sim.deliberately('past the page-token window on purpose', async () =>
				operations.getRecords(
					await params([
						[Get.FIELDS, 'Email'],
						[Get.PAGE_TOKEN, token],
					]),
				),
			);
			expectFaithful(ceiling);
			expect((ceiling.getObject() as SDK.Record.APIException).getCode().getValue()).toBe(
				'PAGINATION_LIMIT_EXCEEDED',
			);
		} finally {
			sim.configure({ pageTokenRecordLimit: 100_000 });
		}
		const token = await tokenAfterTenPages();
		sim.advanceClock(24 * 3600 * 1000 + 1000);
		const expired = await sim.deliberately(
			'a page token used after 24 hours on purpose',
			async () =>
				operations.getRecords(
					await params([
						[Get.FIELDS, 'Email'],
						[Get.PAGE_TOKEN, token],
					]),
				),
		);
		expectFaithful(expired);
		const exception = expired.getObject() as SDK.Record.APIException;
		expect(exception.getCode().getValue()).toBe('EXPIRED_VALUE');
		expect(Object.fromEntries(exception.getDetails())).toEqual({
			api_name: 'page_token',
			json_path: '$.query.page_token',
		});
	});

	it('fails an answer shaped unlike Zoho: the judge itself can fail', async () => {
		// An old shape of this simulator: unique as a boolean, types and times of the wrong form.
		sim.injectFault({
			path: '/crm/v8/settings/fields',
			kind: 'status',
			status: 200,
			body: {
				fields: [
					{
						api_name: 'Tracking',
						unique: false,
						json_type: 7,
						read_only: 'no',
						operation_type: { api_create: 'yes' },
						created_time: '2026-11-30 09:00:00',
						invented_key: 1,
					},
				],
			},
		});
		const response = await sim.deliberately('a malformed answer for the judge', async () =>
			new SDK.Fields.FieldsOperations().getFields(
				await params([[SDK.Fields.GetFieldsParam.MODULE, 'Leads']]),
			),
		);
		const { mismatches, unmodelled } = roundTrip(response);
		expect(mismatches).toEqual([
			'$.fields[0].unique: core/com/zoho/crm/api/fields/unique expected, boolean false sent',
			'$.fields[0].json_type: a string expected, number 7 sent',
			'$.fields[0].read_only: a boolean expected, string "no" sent',
			'$.fields[0].operation_type.api_create: a boolean expected, string "yes" sent',
			'$.fields[0].created_time: "2026-11-30 09:00:00" is not Zoho\'s date-time form (yyyy-MM-ddTHH:mm:ss±HH:mm)',
		]);
		expect(unmodelled).toEqual(['fields/fields.invented_key']);
	});
});

describe("Bulk Read, COQL and deleted records through Zoho's TypeScript SDK", () => {
	it('creates a Bulk Read job, follows it to COMPLETED with its result, and downloads the zip', async () => {
		const operations = new SDK.BulkRead.BulkReadOperations();
		const query = new SDK.BulkRead.Query();
		const module = new SDK.Modules.MinifiedModule();
		module.setAPIName('Leads');
		query.setModule(module);
		query.setFields(['Last_Name', 'Email']);
		const criteria = new SDK.BulkRead.Criteria();
		const field = new SDK.Fields.MinifiedField();
		field.setAPIName('Last_Name');
		criteria.setField(field);
		criteria.setComparator(new SDK.Choice('starts_with'));
		criteria.setValue('Last1');
		query.setCriteria(criteria);
		const body = new SDK.BulkRead.BodyWrapper();
		body.setQuery(query);
		body.setFileType('csv');
		sim.planBulkRead('us', { durationMs: 1000 });
		const created = await operations.createBulkReadJob(body);
		expect(created.getStatusCode()).toBe(201);
		expectFaithful(created);
		const added = (created.getObject() as SDK.BulkRead.ActionWrapper).getData()[0];
		expect(added).toBeInstanceOf(SDK.BulkRead.SuccessResponse);
		const jobId = BigInt(String((added as SDK.BulkRead.SuccessResponse).getDetails().get('id')));

		const pending = await operations.getBulkReadJobDetails(jobId);
		expectFaithful(pending);
		const waiting = (pending.getObject() as SDK.BulkRead.ResponseWrapper).getData()[0];
		expect(waiting?.getState().getValue()).toBe('ADDED');
		sim.advanceClock(1000);
		const done = await operations.getBulkReadJobDetails(jobId);
		expectFaithful(done);
		const job = (done.getObject() as SDK.BulkRead.ResponseWrapper).getData()[0];
		expect(job?.getState().getValue()).toBe('COMPLETED');
		// Last1, Last10 … Last19, Last100 … Last199, Last1000 … Last1999 of the 2,300 Leads.
		expect(job?.getResult().getCount()).toBe(1 + 10 + 100 + 1000);
		expect(job?.getResult().getMoreRecords()).toBe(false);
		expect(job?.getQuery().getModule().getAPIName()).toBe('Leads');

		const download = await operations.downloadResult(jobId);
		expect(download.getStatusCode()).toBe(200);
		const file = (download.getObject() as SDK.BulkRead.FileBodyWrapper).getFile();
		expect(file.getName()).toBe(`${jobId}.zip`);
		// SDK 3.0.0 types it as a ReadStream but keeps the whole body (its downloader's rawBody).
		const zip = file.getStream() as unknown;
		expect(Buffer.isBuffer(zip)).toBe(true);
		const bytes = new Uint8Array(zip as Buffer);
		const csv = strFromU8(unzipSync(bytes)[`${jobId}.csv`] ?? new Uint8Array());
		expect(csv.split('\r\n')[0]).toBe('Id,Last_Name,Email');
		expect(csv.split('\r\n').filter((line) => line !== '')).toHaveLength(1 + 1111);
	});

	it("gets Bulk Read's refusals as its APIException", async () => {
		const body = new SDK.BulkRead.BodyWrapper();
		const query = new SDK.BulkRead.Query();
		const module = new SDK.Modules.MinifiedModule();
		module.setAPIName('Notes');
		query.setModule(module);
		body.setQuery(query);
		const refused = await sim.deliberately('the SDK judge asks for MODULE_NOT_SUPPORTED', () =>
			new SDK.BulkRead.BulkReadOperations().createBulkReadJob(body),
		);
		expect(refused.getStatusCode()).toBe(400);
		expectFaithful(refused);
		const exception = refused.getObject() as SDK.BulkRead.APIException;
		expect(exception).toBeInstanceOf(SDK.BulkRead.APIException);
		expect(exception.getCode().getValue()).toBe('MODULE_NOT_SUPPORTED');
	});

	it('reads COQL rows into records with their info, and a syntax error with its clause', async () => {
		const operations = new SDK.Coql.CoqlOperations();
		const body = new SDK.Coql.BodyWrapper();
		body.setSelectQuery("select Last_Name, Email from Leads where Last_Name like 'Last2%' limit 5");
		const response = await operations.getRecords(body);
		expect(response.getStatusCode()).toBe(200);
		expectFaithful(response);
		const wrapper = response.getObject() as SDK.Coql.ResponseWrapper;
		expect(wrapper.getData().map((record) => record.getKeyValue('Last_Name'))).toEqual([
			'Last2',
			'Last20',
			'Last21',
			'Last22',
			'Last23',
		]);
		expect(wrapper.getInfo().getMoreRecords()).toBe(true);

		const wrong = new SDK.Coql.BodyWrapper();
		wrong.setSelectQuery('select Last_Name from Leads limit 5');
		const refused = await sim.deliberately('the SDK judge asks for SYNTAX_ERROR', () =>
			operations.getRecords(wrong),
		);
		expect(refused.getStatusCode()).toBe(400);
		expectFaithful(refused);
		const exception = refused.getObject() as SDK.Coql.APIException;
		expect(exception).toBeInstanceOf(SDK.Coql.APIException);
		expect(exception.getCode().getValue()).toBe('SYNTAX_ERROR');
		expect(Object.fromEntries(exception.getDetails())).toEqual({ clause: 'where' });
	});

	it('reads a failed Bulk Read job, COQL aggregate rows and COQL refusals as the SDK models them', async () => {
		const bulk = new SDK.BulkRead.BulkReadOperations();
		const body = new SDK.BulkRead.BodyWrapper();
		const query = new SDK.BulkRead.Query();
		const module = new SDK.Modules.MinifiedModule();
		module.setAPIName('Leads');
		query.setModule(module);
		body.setQuery(query);
		sim.planBulkRead('us', { durationMs: 0, fail: true });
		const created = await bulk.createBulkReadJob(body);
		const added = (created.getObject() as SDK.BulkRead.ActionWrapper).getData()[0];
		const jobId = BigInt(String((added as SDK.BulkRead.SuccessResponse).getDetails().get('id')));
		const failed = await bulk.getBulkReadJobDetails(jobId);
		expectFaithful(failed);
		const job = (failed.getObject() as SDK.BulkRead.ResponseWrapper).getData()[0];
		expect(job?.getState().getValue()).toBe('FAILURE');

		const coql = new SDK.Coql.CoqlOperations();
		const grouped = new SDK.Coql.BodyWrapper();
		grouped.setSelectQuery(
			"select Last_Name, COUNT(id) as n from Leads where Last_Name like 'Last2%' group by Last_Name limit 2",
		);
		const rows = await coql.getRecords(grouped);
		expect(rows.getStatusCode()).toBe(200);
		expectFaithful(rows);
		const data = (rows.getObject() as SDK.Coql.ResponseWrapper).getData();
		expect(
			data.map((record) => [record.getKeyValue('Last_Name'), record.getKeyValue('n')]),
		).toEqual([
			['Last2', 1],
			['Last20', 1],
		]);

		const duplicate = new SDK.Coql.BodyWrapper();
		duplicate.setSelectQuery("select Last_Name, Last_Name from Leads where Last_Name = 'x'");
		const refused = await sim.deliberately('the SDK judge asks for DUPLICATE_DATA', () =>
			coql.getRecords(duplicate),
		);
		expectFaithful(refused);
		const exception = refused.getObject() as SDK.Coql.APIException;
		expect(exception.getCode().getValue()).toBe('DUPLICATE_DATA');
		expect(Object.fromEntries(exception.getDetails())).toEqual({ column_name: 'Last_Name' });
	});

	it('reads the deleted-records list, and 204 (no 304) after If-Modified-Since with nothing newer', async () => {
		const [first, second] = sim.records('us', 'Leads').map((record) => record.id);
		sim.deleteCrm('us', { module: 'Leads', ids: [first ?? '', second ?? ''] });
		const operations = new SDK.Record.RecordOperations('Leads');
		const response = await operations.getDeletedRecords(
			await params([[SDK.Record.GetDeletedRecordsParam.TYPE, 'all']]),
		);
		expect(response.getStatusCode()).toBe(200);
		expectFaithful(response);
		const deleted = (response.getObject() as SDK.Record.DeletedRecordsWrapper).getData();
		expect(deleted.map((entry) => String(entry.getId())).sort()).toEqual([first, second].sort());
		expect(deleted[0]?.getType()).toBe('recycle');
		expect(deleted[0]?.getDeletedBy().getName()).toBe('Sim User');

		sim.advanceClock(2000);
		const headers = new SDK.HeaderMap();
		await headers.add(SDK.Record.GetDeletedRecordsHeader.IF_MODIFIED_SINCE, new Date(sim.now()));
		const nothingNewer = await operations.getDeletedRecords(new SDK.ParameterMap(), headers);
		expect(nothingNewer.getStatusCode()).toBe(204);
	});
});

describe("the Notification API through Zoho's TypeScript SDK", () => {
	const N = SDK.Notifications;
	const channelId = '1000000068002';
	const channel = (
		events: string[],
		more: (n: SDK.Notifications.Notification) => void = () => {},
	) => {
		const notification = new N.Notification();
		notification.setChannelId(channelId);
		notification.setEvents(events);
		more(notification);
		const body = new N.BodyWrapper();
		body.setWatch([notification]);
		return body;
	};
	// No record changes while the channel lives: its URL is never called.
	const notifyUrl = 'https://n8n.example.com/webhook/sdk-judge';

	it('enables, lists, updates, disables some events of and deletes a channel, each answer as the SDK models it', async () => {
		const operations = new N.NotificationsOperations();
		const expiry = new Date(Math.floor(sim.now() / 1000) * 1000 + 2 * 24 * 3600_000);
		const enabled = await operations.enableNotifications(
			channel(['Leads.all', 'Contacts.create'], (n) => {
				n.setNotifyUrl(notifyUrl);
				n.setToken('judge-token');
				n.setChannelExpiry(expiry);
			}),
		);
		expect(enabled.getStatusCode()).toBe(201);
		expectFaithful(enabled);
		const [success] = (enabled.getObject() as SDK.Notifications.ActionWrapper).getWatch();
		expect(success).toBeInstanceOf(N.SuccessResponse);
		const details = (success as SDK.Notifications.SuccessResponse).getDetails();
		const events = details.get('events') as SDK.Notifications.Event[];
		expect(events.map((event) => event.getResourceName()).sort()).toEqual(['Contacts', 'Leads']);
		expect(events[0]?.getChannelExpiry().getTime()).toBe(expiry.getTime());

		const listed = await operations.getNotifications(
			await params([[N.GetNotificationsParam.MODULE, 'Leads']]),
		);
		expect(listed.getStatusCode()).toBe(200);
		expectFaithful(listed);
		const [leads] = (listed.getObject() as SDK.Notifications.ResponseWrapper).getWatch();
		expect(leads?.getNotifyUrl()).toBe(notifyUrl);
		expect(leads?.getResourceName()).toBe('Leads');

		const updated = await operations.updateNotification(
			channel(['Leads.edit'], (n) => n.setNotifyUrl(notifyUrl)),
		);
		expect(updated.getStatusCode()).toBe(200);
		expectFaithful(updated);

		const disabled = await operations.disableNotification(
			channel(['Contacts.create'], (n) => n.setDeleteEvents(true)),
		);
		expect(disabled.getStatusCode()).toBe(200);
		expectFaithful(disabled);

		const deleted = await operations.deleteNotification(
			await params([[N.DeleteNotificationParam.CHANNEL_IDS, channelId]]),
		);
		expect(deleted.getStatusCode()).toBe(200);
		expectFaithful(deleted);
		const byId = await params([[N.DeleteNotificationParam.CHANNEL_IDS, channelId]]);
		const again = await sim.deliberately('the SDK judge asks for NOT_SUBSCRIBED', () =>
			operations.deleteNotification(byId),
		);
		expectFaithful(again);
		const [refused] = (again.getObject() as SDK.Notifications.ActionWrapper).getWatch();
		expect(refused).toBeInstanceOf(N.APIException);
		expect((refused as SDK.Notifications.APIException).getCode().getValue()).toBe('NOT_SUBSCRIBED');
	});
});
