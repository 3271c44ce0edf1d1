// The instant trigger's ledger: each version of a record once, whether a callback, the
// catch-up read or both bring it, in any order; deletions once; the newest saved state wins.
import { InstantLedger } from '../../../../zoho/crm/notifications/instantLedger';
import type { TriggerRecord } from '../../../../zoho/crm/records/watermark';

const BASE = Date.parse('2026-11-30T09:00:00Z');
const second = (s: number) => Math.floor((BASE + s * 1000) / 1000);
const time = (s: number) => `${new Date(BASE + s * 1000).toISOString().slice(0, 19)}+00:00`;

function record(id: string, modified: number, created = modified): TriggerRecord {
	return { id, Modified_Time: time(modified), Created_Time: time(created) };
}

const ids = (records: ReadonlyArray<{ id: string }>) => records.map((r) => r.id);

function fresh(): InstantLedger {
	return InstantLedger.start({ source: 'crm:Leads', startMs: BASE });
}

describe('InstantLedger', () => {
	it('emits a version a callback brought once, and the catch-up that reads it again emits nothing', () => {
		const ledger = fresh();
		expect(ids(ledger.takeNewVersions([record('1', 5)]))).toEqual(['1']);
		expect(ledger.takeNewVersions([record('1', 5)])).toEqual([]);
		const caught = ledger.caughtUp({
			records: [record('1', 5), record('2', 6)],
			next: { second: second(6), ids: ['2'] },
		});
		expect(caught.map(({ record: r, event }) => [r.id, event])).toEqual([['2', 'created']]);
		// The callback for record 2 comes after the catch-up: nothing new.
		expect(ledger.takeNewVersions([record('2', 6)])).toEqual([]);
	});

	it('emits a record changed again before its callback was fetched once per version Zoho still has', () => {
		const ledger = fresh();
		// Callback 1 (the change at 5) fetches the record as it is now: changed again at 9.
		expect(ids(ledger.takeNewVersions([record('1', 9, 5)]))).toEqual(['1']);
		// Callback 2 (the change at 9) finds that version emitted.
		expect(ledger.takeNewVersions([record('1', 9, 5)])).toEqual([]);
		// A later change is new again.
		expect(ids(ledger.takeNewVersions([record('1', 12, 5)]))).toEqual(['1']);
	});

	it('tells two versions of one second apart by their values: a record created and at once edited', () => {
		const ledger = fresh();
		const created = { ...record('1', 5), Email: 'a@example.com' };
		expect(ids(ledger.takeNewVersions([created]))).toEqual(['1']);
		// Same values in another key order: the same version.
		const { Email, ...rest } = created;
		expect(ledger.takeNewVersions([{ Email, ...rest }])).toEqual([]);
		expect(ids(ledger.takeNewVersions([{ ...created, Email: 'b@example.com' }]))).toEqual(['1']);
		// An older version arriving late is not news.
		expect(ledger.takeNewVersions([{ ...record('1', 4), Email: 'old@example.com' }])).toEqual([]);
	});

	it('tells created from edited records in a catch-up by the watermark it started from', () => {
		const ledger = fresh();
		ledger.caughtUp({
			records: [record('1', 3), record('3', 3)],
			next: { second: second(3), ids: ['1', '3'] },
		});
		const caught = ledger.caughtUp({
			records: [record('1', 7, 3), record('2', 8), record('3', 3)],
			next: { second: second(8), ids: ['2'] },
		});
		// Record 3 at the watermark second was handled then; 1 was created before the watermark.
		expect(caught.map(({ record: r, event }) => [r.id, event])).toEqual([
			['1', 'edited'],
			['2', 'created'],
		]);
		expect(ledger.watermark).toEqual({ second: second(8), ids: ['2'] });
	});

	it('skips versions the watermark covers, and forgets ledger entries once the watermark passes them', () => {
		const ledger = fresh();
		ledger.takeNewVersions([record('1', 4), record('2', 10)]);
		ledger.caughtUp({ records: [], next: { second: second(6), ids: ['9'] } });
		expect(Object.keys(ledger.state.emitted)).toEqual(['2']);
		expect(ledger.state.emitted['2']).toMatch(new RegExp(`^${second(10)}:`));
		// Before the watermark, or at its second and handled: old news.
		expect(ledger.takeNewVersions([record('3', 5), record('9', 6)])).toEqual([]);
		expect(ids(ledger.takeNewVersions([record('4', 6)]))).toEqual(['4']);
	});

	it('emits a deletion once, and drops the deleted record from the versions', () => {
		const ledger = fresh();
		ledger.takeNewVersions([record('1', 4)]);
		expect(ledger.takeNewDeletions({ ids: ['1', '2', '1'], second: second(6) })).toEqual([
			'1',
			'2',
		]);
		expect(ledger.takeNewDeletions({ ids: ['2', '3'], second: second(7) })).toEqual(['3']);
		expect(ledger.state.emitted).toEqual({});
	});

	it("follows Zoho's deleted-records list from a watermark of its own: each deletion once, whichever path brings it", () => {
		const ledger = fresh();
		// The Deleted event just turned on: the list is read from the records' watermark.
		expect(ledger.deletionsWatermark).toEqual(ledger.watermark);
		expect(ledger.takeNewDeletions({ ids: ['7'], second: second(3) })).toEqual(['7']);
		const next = { second: second(4), ids: ['8'] };
		expect(ledger.caughtUpDeletions({ ids: ['7', '8'], next })).toEqual(['8']);
		expect(ledger.deletionsWatermark).toEqual(next);
		// A late callback for what the list brought: nothing new.
		expect(ledger.takeNewDeletions({ ids: ['8'], second: second(5) })).toEqual([]);
		// Saved and restored, the deletions' watermark comes back.
		const restored = InstantLedger.restore({ source: 'crm:Leads', stored: [ledger.nextSave()] });
		expect(restored?.deletionsWatermark).toEqual(next);
		// The Deleted event off: the list's watermark is dropped, and starts again from the records'.
		ledger.forgetDeletions();
		expect(ledger.deletionsWatermark).toEqual(ledger.watermark);
		expect('deletedWatermark' in ledger.nextSave()).toBe(false);
	});

	it('ignores records without a readable Modified_Time rather than emitting them forever', () => {
		const ledger = fresh();
		expect(ledger.takeNewVersions([{ id: '1' }, { id: '2', Modified_Time: 'soon' }])).toEqual([]);
	});

	it('keeps at most a week of versions behind the newest, and at most 20,000', () => {
		const ledger = fresh();
		ledger.takeNewVersions([record('old', 10)]);
		ledger.takeNewVersions([record('new', 10 + 8 * 24 * 3600)]);
		expect(Object.keys(ledger.state.emitted)).toEqual(['new']);
		const busy = fresh();
		busy.takeNewVersions(Array.from({ length: 20_050 }, (_, i) => record(`r${i}`, 20 + i)));
		expect(Object.keys(busy.state.emitted)).toHaveLength(20_000);
		expect(busy.state.emitted.r49).toBeUndefined();
		expect(busy.state.emitted.r50).toMatch(new RegExp(`^${second(70)}:`));
	});

	it('restores the newest saved copy of its own source, and nothing from junk or another module', () => {
		const ledger = fresh();
		ledger.takeNewVersions([record('1', 5)]);
		const older = ledger.nextSave();
		ledger.takeNewVersions([record('2', 6)]);
		const newer = ledger.nextSave();
		expect(newer.seq).toBe(older.seq + 1);
		const restored = InstantLedger.restore({
			source: 'crm:Leads',
			stored: [older, undefined, 'junk', { ...newer, watermark: 'x' }, newer],
		});
		expect(restored?.state).toEqual(newer);
		expect(InstantLedger.restore({ source: 'crm:Contacts', stored: [newer] })).toBeUndefined();
		// A saved copy is a copy: the ledger goes on without changing it.
		ledger.takeNewVersions([record('3', 7)]);
		expect(newer.emitted).not.toHaveProperty('3');
	});
});
