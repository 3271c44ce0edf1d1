// The pure parts of batched CRM/Bigin writes: record checks, batches, calls, and per-record answers.
import { checkModuleName } from '../../../../zoho/crm/module';
import {
	checkPayload,
	mapWriteAnswer,
	refusalSummary,
	writeCall,
} from '../../../../zoho/crm/records/writes';
import { ZohoApiError, ZohoInputError } from '../../../../zoho/errors';

describe('checkPayload and checkModuleName', () => {
	it('accepts objects of API names, $-keys included, and ids for delete', () => {
		expect(checkPayload({ Last_Name: 'x', $se_module: 'Leads' }, 'create')).toEqual({
			Last_Name: 'x',
			$se_module: 'Leads',
		});
		expect(checkPayload(123456, 'delete')).toBe('123456');
		expect(() => checkPayload(Number('4150868000000123456'), 'delete')).toThrow(
			'The record id 4150868000000123400 is a number too large to be exact.',
		);
		expect(checkPayload(' 42 ', 'delete')).toBe('42');
	});

	it.each([
		[
			'create',
			'text',
			'The record must be a JSON object of field API names to values (got "text").',
			'Record',
		],
		[
			'create',
			[1],
			'The record must be a JSON object of field API names to values (got an array).',
			'Record',
		],
		['upsert', {}, 'The record has no fields.', 'Record'],
		['create', { 'First Name': 'x' }, '"First Name" is not a Zoho field API name.', 'Record'],
		[
			'update',
			{ Last_Name: 'x' },
			"The record id must be Zoho's numeric record id (got nothing).",
			'Record ID',
		],
		['delete', 'abc', 'The record id must be Zoho\'s numeric record id (got "abc").', 'Record ID'],
	] as const)(
		'%s of %j fails with a ZohoInputError naming the field',
		(operation, value, message, field) => {
			const attempt = () => checkPayload(value, operation);
			expect(attempt).toThrow(ZohoInputError);
			expect(attempt).toThrow(message);
			try {
				attempt();
			} catch (error) {
				expect((error as ZohoInputError).field).toBe(field);
			}
		},
	);

	it('takes a module API name, and says what is wrong with anything else', () => {
		expect(checkModuleName(' Projects_X ')).toBe('Projects_X');
		expect(() => checkModuleName('')).toThrow('Module is empty.');
		expect(() => checkModuleName('Sales Orders')).toThrow(
			'Module "Sales Orders" is not a Zoho module API name.',
		);
	});
});

describe('writeCall', () => {
	const target = { product: 'crm' as const, crmVersion: 'v8', module: 'Contacts' };

	it('upserts with trigger and duplicate_check_fields', () => {
		const call = writeCall({
			target,
			settings: { operation: 'upsert', trigger: [], duplicateCheckFields: ['Email'] },
			payloads: [{ Email: 'a@b.c' }],
		});
		expect(call).toEqual({
			method: 'POST',
			base: target,
			path: '/Contacts/upsert',
			json: { data: [{ Email: 'a@b.c' }], trigger: [], duplicate_check_fields: ['Email'] },
		});
	});

	it("creates with POST, updates with PUT, omits trigger for Zoho's default, deletes by ids", () => {
		expect(
			writeCall({
				target,
				settings: { operation: 'create' },
				payloads: [{ a: 1 }],
			}),
		).toEqual(
			expect.objectContaining({
				method: 'POST',
				path: '/Contacts',
				json: { data: [{ a: 1 }] },
			}),
		);
		expect(
			writeCall({
				target,
				settings: { operation: 'update' },
				payloads: [{ id: '1' }],
			}).method,
		).toBe('PUT');
		expect(
			writeCall({
				target: { ...target, product: 'bigin' },
				settings: { operation: 'delete' },
				payloads: ['1', '2'],
			}),
		).toEqual({
			method: 'DELETE',
			base: { ...target, product: 'bigin' },
			path: '/Contacts',
			query: [['ids', '1,2']],
		});
	});
});

describe('mapWriteAnswer and refusalSummary', () => {
	const url = 'https://www.zohoapis.eu/crm/v8/Contacts';
	const refusal = (field: string) =>
		new ZohoApiError('RECORD_REFUSED', 'x', {
			zohoCode: 'INVALID_DATA',
			zohoMessage: 'invalid data',
			field,
		});

	it('maps each entry to its record: successes as Zoho sent them, refusals as errors with code, field and message', () => {
		const json = {
			data: [
				{
					code: 'SUCCESS',
					status: 'success',
					message: 'record added',
					details: { id: '1' },
					action: 'insert',
					duplicate_field: null,
				},
				{
					code: 'MANDATORY_NOT_FOUND',
					status: 'error',
					message: 'required field not found',
					details: { api_name: 'Last_Name' },
				},
			],
		};
		const [ok, refused] = mapWriteAnswer({ json, count: 2, httpStatus: 207, url });
		expect(ok).toEqual({ ok: true, entry: json.data[0] });
		if (!refused || refused.ok) throw new Error('expected a refusal');
		expect(refused.error).toBeInstanceOf(ZohoApiError);
		expect(refused.error).toEqual(
			expect.objectContaining({
				code: 'RECORD_REFUSED',
				zohoCode: 'MANDATORY_NOT_FOUND',
				field: 'Last_Name',
				httpStatus: 207,
			}),
		);
		expect(refused.error.message).toBe(
			'Zoho refused the record: MANDATORY_NOT_FOUND (required field not found) in field Last_Name.',
		);
	});

	it('fails every record of a batch whose answer does not hold one entry per record', () => {
		const outcomes = mapWriteAnswer({ json: { data: [] }, count: 3, httpStatus: 200, url });
		expect(outcomes).toHaveLength(3);
		expect(
			outcomes.every((outcome) => !outcome.ok && outcome.error.code === 'INVALID_RESPONSE'),
		).toBe(true);
	});

	it('summarises refusals: how many of how many, the first three, how many more, and that nothing was written', () => {
		const failures = [3, 8, 9, 40].map((itemIndex) => ({
			itemIndex,
			error: refusal(`F${itemIndex}`),
		}));
		const summary = refusalSummary({ operation: 'create', failures, written: [], total: 4 });
		expect(summary.code).toBe('RECORDS_REFUSED');
		expect(summary.message).toBe('Zoho refused 4 of 4 records; none was written.');
		expect(summary.hint).toBe(
			"Failed: item 3: INVALID_DATA (F3) invalid data; item 8: INVALID_DATA (F8) invalid data; item 9: INVALID_DATA (F9) invalid data; and 1 more. With Continue On Fail (Settings → On Error) the node goes on past failures: one output item per input item, the written ones with Zoho's answer (their ids), the failed ones as error items.",
		);
		expect(summary.writtenRecords).toEqual([]);
	});

	it.each([
		['create', 'creates them a second time'],
		['update', 'writes the same values to them again'],
		['upsert', 'finds them by the duplicate check fields'],
		['delete', 'fails for them (Zoho: the ids are already deleted)'],
	] as const)(
		'a partial %s says which records are in Zoho now (ids by item, bounded) and what running again does',
		(operation, rerun) => {
			const written = Array.from({ length: 1_200 }, (_, i) => ({
				itemIndex: i + 1,
				id: String(4150868000000000000n + BigInt(i)),
			}));
			const summary = refusalSummary({
				operation,
				failures: [{ itemIndex: 0, error: refusal('Email') }],
				written,
				total: 1_201,
			});
			expect(summary.message).toBe(
				'Zoho refused 1 of 1201 records and wrote the other 1200: they are in Zoho now.',
			);
			expect(summary.hint).toContain(
				'Written records (item → id): 1 → 4150868000000000000, 2 → 4150868000000000001, 3 → 4150868000000000002',
			);
			expect(summary.hint).toContain(
				"20 → 4150868000000000019, and 1180 more (the error's writtenRecords lists up to 1000).",
			);
			expect(summary.hint).toContain(rerun);
			expect(summary.writtenRecords).toHaveLength(1_000);
			expect(summary.writtenRecords?.[0]).toEqual({ item: 1, id: '4150868000000000000' });
		},
	);

	it('says "failed" when a whole batch failed (e.g. a timeout) besides refusals', () => {
		const timeout = new ZohoApiError('TIMEOUT', 'Zoho did not answer within 100 ms.');
		const summary = refusalSummary({
			operation: 'upsert',
			failures: [
				{ itemIndex: 0, error: refusal('Email') },
				{ itemIndex: 1, error: timeout },
			],
			written: [{ itemIndex: 2, id: '7' }],
			total: 3,
		});
		expect(summary.message).toBe(
			'2 of 3 records failed and Zoho wrote the other 1: they are in Zoho now.',
		);
		expect(summary.hint).toContain('item 1: TIMEOUT Zoho did not answer within 100 ms.');
	});

	it('explains MULTIPLE_OR_MULTI_ERRORS field by field and DUPLICATE_DATA with the existing record', () => {
		const json = {
			data: [
				{
					code: 'MULTIPLE_OR_MULTI_ERRORS',
					status: 'error',
					message: 'Multiple errors in the request',
					details: {
						errors: [
							{
								code: 'MANDATORY_NOT_FOUND',
								details: { api_name: 'Last_Name', json_path: '$.data[0].Last_Name' },
								message: 'required field not found',
								status: 'error',
							},
							{
								code: 'INVALID_DATA',
								details: { api_name: 'Email', expected_data_type: 'email' },
								message: 'invalid data',
								status: 'error',
							},
						],
					},
				},
				{
					code: 'DUPLICATE_DATA',
					status: 'error',
					message: 'duplicate data',
					details: {
						api_name: 'Email',
						duplicate_record: { id: '4150868000000225013', module: { api_name: 'Contacts' } },
						more_records: false,
					},
				},
			],
		};
		const [multiple, duplicate] = mapWriteAnswer({ json, count: 2, httpStatus: 400, url });
		if (!multiple || multiple.ok || !duplicate || duplicate.ok)
			throw new Error('expected refusals');
		expect(multiple.error.message).toBe(
			'Zoho refused the record: MULTIPLE_OR_MULTI_ERRORS (Multiple errors in the request): MANDATORY_NOT_FOUND (required field not found) in field Last_Name; INVALID_DATA (invalid data) in field Email.',
		);
		expect(multiple.error.field).toBe('Last_Name, Email');
		expect(multiple.error.hint).toContain('layout can make fields mandatory');
		expect(duplicate.error.message).toBe(
			'Zoho refused the record: DUPLICATE_DATA (duplicate data) in field Email: record 4150868000000225013 already has this value.',
		);
		expect(duplicate.error.field).toBe('Email');
	});
});
