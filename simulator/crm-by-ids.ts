// `GET /crm/{v}/{Module}?ids=a,b,…`: named records in one call, as the instant trigger fetches
// the records of a notification. Source: GitHub zoho/crm-oas v8.0/record.json getRecords
// (query `ids`, at most 100; `fields` as for any list: required from v3 on, at most 50);
// docs api/v8/get-records.html. Zoho does not say how an unknown id answers: here it is
// left out (a record deleted since the notification is simply not listed).
import { checkFieldsParam, listNeedsFields } from './crm-list';
import { knownModule, projectFields, type CrmTarget } from './crm-records';
import { zohoError } from './errors';
import type { Exchange } from './exchange';

const MAX_IDS = 100;
const RECORD_ID = /^\d{1,19}$/;

export function handleListByIds(ex: Exchange, target: CrmTarget): void {
	const module = knownModule(ex, target);
	if (!module) return;
	const ids = splitList(ex.query.get('ids'));
	if (ids.length === 0 || !ids.every((id) => RECORD_ID.test(id))) {
		ex.json(400, zohoError('INVALID_DATA', 'invalid data', { param_name: 'ids' }));
		return;
	}
	if (ids.length > MAX_IDS) {
		ex.json(
			400,
			zohoError('LIMIT_EXCEEDED', 'limit exceeded', { limit: MAX_IDS, param_name: 'ids' }),
		);
		return;
	}
	if (!checkFieldsParam(ex, { required: listNeedsFields(target) })) return;
	const found = [...new Set(ids)].flatMap((id) => {
		const record = module.byId.get(id);
		return record ? [record] : [];
	});
	if (found.length === 0) {
		ex.empty(204);
		return;
	}
	const project = projectFields(ex, { target, fields: ex.query.get('fields') });
	ex.json(200, {
		data: found.map(project),
		info: { per_page: MAX_IDS, count: found.length, page: 1, more_records: false },
	});
}

function splitList(value: string | null): string[] {
	return (value ?? '')
		.split(',')
		.map((item) => item.trim())
		.filter((item) => item !== '');
}
