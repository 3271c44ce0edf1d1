// The trigger's watermark as pure functions: what is new, and where the next poll starts.
import { ZohoTransportError } from '../../../../zoho/errors';
import {
	advanceWatermark,
	createdAmong,
	initialWatermark,
	modifiedSinceHeader,
	readWatermark,
	watermarkMoved,
	type Watermark,
} from '../../../../zoho/crm/records/watermark';

const T = Date.parse('2026-11-30T09:00:00Z') / 1000;
const iso = (second: number) => `${new Date(second * 1000).toISOString().slice(0, 19)}+00:00`;
const rec = (id: string, modified: number, created = modified - 3600) => ({
	id,
	Modified_Time: iso(modified),
	Created_Time: iso(created),
});
const ids = (records: Array<{ id: string }>) => records.map((record) => record.id);

describe('watermark', () => {
	it('starts at the second of the given time with nothing handled, and asks from one second earlier', () => {
		const start = initialWatermark(T * 1000 + 750);
		expect(start).toEqual({ second: T, ids: [] });
		expect(modifiedSinceHeader(start)).toBe('2026-11-30T08:59:59+00:00');
	});

	it('emits what changed at or after the watermark second, oldest first, and keeps the ids of the last second', () => {
		const { fresh, next } = advanceWatermark(initialWatermark(T * 1000), {
			records: [rec('1', T - 1), rec('2', T), rec('3', T + 2), rec('4', T + 2)],
		});
		expect(ids(fresh)).toEqual(['2', '3', '4']);
		expect(next).toEqual({ second: T + 2, ids: ['3', '4'] });
	});

	it('skips records already handled at the watermark second, emits newcomers of that second, and merges their ids', () => {
		const after: Watermark = { second: T, ids: ['a', 'b'] };
		const { fresh, next } = advanceWatermark(after, {
			records: [rec('a', T), rec('b', T), rec('c', T)],
		});
		expect(ids(fresh)).toEqual(['c']);
		expect(next).toEqual({ second: T, ids: ['a', 'b', 'c'] });
		expect(watermarkMoved(after, next)).toBe(true);
		const again = advanceWatermark(next, { records: [rec('a', T), rec('b', T), rec('c', T)] });
		expect(again.fresh).toEqual([]);
		expect(again.next).toEqual(next);
		expect(watermarkMoved(next, again.next)).toBe(false);
	});

	it('emits a record again when it changed in a later second, and drops the ids of a passed second', () => {
		const { fresh, next } = advanceWatermark(
			{ second: T, ids: ['a', 'b'] },
			{ records: [rec('b', T), rec('a', T + 5)] },
		);
		expect(ids(fresh)).toEqual(['a']);
		expect(next).toEqual({ second: T + 5, ids: ['a'] });
	});

	it('emits one version once when a walk lists it twice (pages shifted), but both versions of a record changed twice', () => {
		const { fresh } = advanceWatermark(initialWatermark(T * 1000), {
			records: [rec('a', T + 1), rec('a', T + 1), rec('b', T + 1), rec('a', T + 3)],
		});
		expect(
			fresh.map((record) => `${record.id}@${String(record.Modified_Time).slice(17, 19)}`),
		).toEqual(['a@01', 'b@01', 'a@03']);
	});

	it('picks the records created since the poll began: not old records that changed, not those handled at its second, each once', () => {
		const since: Watermark = { second: T, ids: ['n1'] };
		const read = advanceWatermark(since, {
			// Read oldest first by Modified_Time: an old record changed, one already handled at T and
			// changed since, a new one at T, a new one changed twice during the poll, a later one.
			records: [
				rec('old', T + 1, T - 500),
				rec('n1', T + 3, T),
				rec('n2', T + 4, T),
				rec('n3', T + 5, T + 5),
				rec('n3', T + 8, T + 5),
				rec('n4', T + 9, T + 9),
			],
		});
		expect(ids(read.fresh)).toEqual(['old', 'n1', 'n2', 'n3', 'n3', 'n4']);
		expect(ids(createdAmong(read.fresh, { since }))).toEqual(['n2', 'n3', 'n4']);
		expect(read.next).toEqual({ second: T + 9, ids: ['n4'] });
	});

	it('reads times with any offset and numeric ids', () => {
		const { fresh, next } = advanceWatermark(initialWatermark(T * 1000), {
			records: [{ id: 42, Modified_Time: '2026-11-30T14:30:07+05:30' }],
		});
		expect(fresh).toEqual([{ id: '42', Modified_Time: '2026-11-30T14:30:07+05:30' }]);
		expect(next).toEqual({ second: T + 7, ids: ['42'] });
	});

	it('refuses a record it cannot place, naming the field the trigger needs', () => {
		const place = (record: unknown) => () =>
			advanceWatermark(initialWatermark(T * 1000), { records: [record] });
		expect(place({ id: '1', Created_Time: iso(T) })).toThrow(ZohoTransportError);
		expect(place({ id: '1', Created_Time: iso(T) })).toThrow(
			'Zoho listed record 1 without a readable Modified_Time, so the trigger cannot tell what is new.',
		);
		expect(place({ Modified_Time: iso(T) })).toThrow('Zoho listed a record without an id');
		expect(place('x')).toThrow(expect.objectContaining({ code: 'INVALID_RESPONSE' }) as Error);
		expect(() =>
			createdAmong([{ id: '2', Modified_Time: iso(T) }], { since: initialWatermark(T * 1000) }),
		).toThrow('Zoho listed record 2 without a readable Created_Time');
	});

	it('reads a stored watermark back only when it has the right shape', () => {
		expect(readWatermark({ second: T, ids: ['1'] })).toEqual({ second: T, ids: ['1'] });
		expect(readWatermark(undefined)).toBeUndefined();
		expect(readWatermark({ second: 'x', ids: [] })).toBeUndefined();
		expect(readWatermark({ second: 1.5, ids: [] })).toBeUndefined();
		expect(readWatermark({ second: T, ids: [1] })).toBeUndefined();
	});
});
