/**
 * Bulk Read requests and answers: the body of `POST /crm/bulk/v8/read`, its criteria, and
 * zod schemas of the job answers (the callback is not used: job.ts says why).
 * Sources: spec `v8.0/bulk_read.json` (Request_Wrapper, Query, Criteria, Job_Detail, Result, Success_Response);
 * https://www.zoho.com/crm/developer/docs/api/bulk-read/limitations.html (200,000 records a
 * page, not for Notes, Attachments or Emails, 10 downloads a minute).
 */
import { z } from 'zod';
import { ZohoInputError } from '../../errors';
import { ZOHO_ID, zohoTime } from '../../formats';
import { checkFieldNames, checkModuleName } from '../module';

/** Result downloads Zoho allows in a minute; past it, 429 for a minute. */
export const BULK_READ_DOWNLOADS_PER_MINUTE = 10;
/**
 * Conditions in one criteria, and values in one condition (Zoho: CRITERIA_LIMIT_EXCEEDED and
 * VALUE_LIMIT_EXCEEDED_IN_CRITERIA; the numbers as issue #25 reads Zoho's create-job page).
 */
export const MAX_BULK_READ_CRITERIA = 25;
export const MAX_BULK_READ_CRITERIA_VALUES = 200;
/** Modules Bulk Read does not export. */
export const BULK_READ_UNSUPPORTED_MODULES: readonly string[] = ['Notes', 'Attachments', 'Emails'];

export const BULK_READ_COMPARATORS = [
	'equal',
	'not_equal',
	'in',
	'not_in',
	'contains',
	'not_contains',
	'starts_with',
	'ends_with',
	'greater_than',
	'greater_equal',
	'less_than',
	'less_equal',
	'between',
	'not_between',
] as const;
export type BulkReadComparator = (typeof BULK_READ_COMPARATORS)[number];

export type CriteriaValue = string | number | boolean;

/** Zoho's criteria, as its docs write them and the request carries them: a condition or a group. */
export type BulkReadCriteria =
	| BulkReadCondition
	| { group_operator: 'and' | 'or'; group: BulkReadCriteria[] };

export interface BulkReadCondition {
	field: { api_name: string };
	comparator: BulkReadComparator;
	/** A list for in / not_in, two values for between / not_between. */
	value: CriteriaValue | CriteriaValue[];
}

export interface BulkReadRequestOptions {
	module: string;
	/** Field API names (`Lookup.Field` reads a looked-up record's field); all fields when absent. */
	fields?: readonly string[];
	criteria?: BulkReadCriteria;
	/** A custom view's id: its records only. */
	cvid?: string;
	/** `next_page_token` of the previous page's job: the next page of the same export. */
	pageToken?: string;
}

/**
 * Records changed from `from` and/or up to `to` (inclusive), for incremental exports;
 * undefined when neither is given.
 */
export function modifiedRange(range: { from?: Date; to?: Date }): BulkReadCondition | undefined {
	const { from, to } = range;
	for (const [date, name] of [
		[from, 'Modified From'],
		[to, 'Modified To'],
	] as const)
		if (date !== undefined && Number.isNaN(date.getTime()))
			throw new ZohoInputError(
				name,
				`${name} is not a date and time.`,
				'Pick a date, or give an ISO 8601 time such as 2026-01-31T09:00:00Z.',
			);
	if (from && to && from.getTime() > to.getTime())
		throw new ZohoInputError(
			'Modified Between',
			'The start of the Modified_Time range is after its end (or not a date).',
			'Give a start that is not later than the end.',
		);
	const field = { api_name: 'Modified_Time' };
	if (from && to) return { field, comparator: 'between', value: [zohoTime(from), zohoTime(to)] };
	if (from) return { field, comparator: 'greater_equal', value: zohoTime(from) };
	if (to) return { field, comparator: 'less_equal', value: zohoTime(to) };
	return undefined;
}

const criteriaValueSchema = z.union([z.string(), z.number(), z.boolean()]);

/** Zoho's criteria as its docs write it: a condition, or a group of them (and/or, any case). */
const wireCriteriaSchema: z.ZodType<BulkReadCriteria, z.ZodTypeDef, unknown> = z.lazy(() =>
	z.union([
		z.object({
			group_operator: z
				.string()
				.transform((text) => text.toLowerCase())
				.pipe(z.enum(['and', 'or'])),
			group: z.array(wireCriteriaSchema),
		}),
		z
			.object({
				field: z.object({ api_name: z.string().min(1) }).optional(),
				api_name: z.string().min(1).optional(),
				comparator: z.enum(BULK_READ_COMPARATORS),
				value: z.union([criteriaValueSchema, z.array(criteriaValueSchema)]),
			})
			.refine((condition) => (condition.field?.api_name ?? condition.api_name) !== undefined, {
				message: 'a condition names its field: "field": { "api_name": … }',
			})
			.transform(({ field, api_name, comparator, value }) => ({
				field: { api_name: field?.api_name ?? api_name ?? '' },
				comparator,
				value,
			})),
	]),
);

/**
 * Criteria a user wrote in Zoho's form (`{"field": {"api_name": …}, "comparator": …,
 * "value": …}` or `{"group_operator": "and", "group": […]}`), checked.
 */
export function criteriaFromZohoJson(value: unknown, field = 'Criteria (JSON)'): BulkReadCriteria {
	const parsed = wireCriteriaSchema.safeParse(value);
	if (parsed.success) return parsed.data;
	const issue = parsed.error.issues[0];
	throw new ZohoInputError(
		field,
		`The criteria is not Zoho's Bulk Read criteria${issue ? ` (${issue.path.join('.') || 'top'}: ${issue.message})` : ''}.`,
		`Write a condition such as { "field": { "api_name": "Lead_Source" }, "comparator": "equal", "value": "Web" }, or a group { "group_operator": "and", "group": [ … ] }; comparators: ${BULK_READ_COMPARATORS.join(', ')}.`,
	);
}

/** The body of a Create Bulk Read Job call, checked. */
export function buildBulkReadRequest(options: BulkReadRequestOptions) {
	checkModuleName(options.module);
	const unsupported = BULK_READ_UNSUPPORTED_MODULES.find(
		(name) => name.toLowerCase() === options.module.toLowerCase(),
	);
	if (unsupported)
		throw new ZohoInputError(
			'Module',
			`Zoho's Bulk Read does not export ${unsupported}.`,
			'Read this module with the API Request operation or a COQL query instead.',
		);
	const { fields = [], criteria, cvid, pageToken } = options;
	checkFieldNames(fields, 'Fields');
	if (criteria) {
		const conditions = checkCriteria(criteria);
		if (conditions > MAX_BULK_READ_CRITERIA)
			throw new ZohoInputError(
				'Criteria',
				`The criteria has ${conditions} conditions; Zoho allows ${MAX_BULK_READ_CRITERIA}.`,
				'Use fewer conditions, or a custom view (cvid) that holds some of them.',
			);
	}
	if (cvid !== undefined && !ZOHO_ID.test(cvid))
		throw new ZohoInputError(
			'Custom View',
			'A custom view id is made of digits.',
			'Pick the custom view from the list.',
		);
	const query = {
		module: { api_name: options.module },
		...(fields.length > 0 ? { fields: [...new Set(fields)] } : {}),
		...(criteria ? { criteria } : {}),
		...(cvid === undefined ? {} : { cvid }),
		...(pageToken === undefined ? {} : { page_token: pageToken }),
	};
	return { query, file_type: 'csv' };
}

/** How many conditions the criteria holds, or why Zoho would refuse it. */
function checkCriteria(criteria: BulkReadCriteria): number {
	if ('group' in criteria) {
		if (criteria.group.length === 0)
			throw new ZohoInputError(
				'Criteria',
				'A group of criteria is empty.',
				'Add a condition to it or remove it.',
			);
		return criteria.group.reduce((count, member) => count + checkCriteria(member), 0);
	}
	const { comparator, value } = criteria;
	const field = criteria.field.api_name;
	checkFieldNames([field], 'Criteria');
	const list = comparator === 'in' || comparator === 'not_in';
	const range = comparator === 'between' || comparator === 'not_between';
	if ((list || range) !== Array.isArray(value) || (range && (value as unknown[]).length !== 2))
		throw new ZohoInputError(
			'Criteria',
			`The value for ${field} ${comparator} must be ${range ? 'two values' : list ? 'a list' : 'one value'}.`,
			'Fix the condition value.',
		);
	if (list && (value as unknown[]).length > MAX_BULK_READ_CRITERIA_VALUES)
		throw new ZohoInputError(
			'Criteria',
			`The condition on ${field} lists ${(value as unknown[]).length} values; Zoho allows ${MAX_BULK_READ_CRITERIA_VALUES}.`,
			'Split the values over several conditions joined by or, or export more and filter afterwards.',
		);
	return 1;
}

// ---- Answers ----

// Only what the export reads is checked; the rest of an answer passes through as Zoho gave it.

/** 201 of Create Bulk Read Job. */
export const bulkReadCreatedSchema = z
	.object({
		data: z
			.array(
				z
					.object({
						status: z.literal('success'),
						code: z.string(),
						message: z.string().optional(),
						details: z.object({ id: z.string().min(1) }).passthrough(),
					})
					.passthrough(),
			)
			.min(1),
	})
	.passthrough();

export const bulkReadResultSchema = z
	.object({
		page: z.number().int().positive(),
		count: z.number().int().nonnegative(),
		download_url: z.string().min(1),
		more_records: z.boolean(),
		next_page_token: z.string().nullable().optional(),
	})
	.passthrough();
export type BulkReadResult = z.infer<typeof bulkReadResultSchema>;

/**
 * One job of Get Bulk Read Job Details; `result` once COMPLETED, or why it FAILED:
 * `result.error_message` (issue #25, read from Zoho's create-job page; the spec has no such
 * field, docs/zoho-conformance.md lists it as open).
 */
export const bulkReadJobSchema = z.discriminatedUnion('state', [
	z
		.object({
			id: z.string().min(1),
			state: z.enum(['ADDED', 'QUEUED', 'IN PROGRESS', 'COMPLETED']),
			result: bulkReadResultSchema.optional(),
		})
		.passthrough(),
	z
		.object({
			id: z.string().min(1),
			state: z.literal('FAILURE'),
			result: z
				.object({
					error_message: z
						.object({ code: z.string().min(1), message: z.string().optional() })
						.passthrough()
						.optional(),
				})
				.passthrough()
				.optional(),
		})
		.passthrough(),
]);
export type BulkReadJob = z.infer<typeof bulkReadJobSchema>;

export const bulkReadJobAnswerSchema = z
	.object({ data: z.array(bulkReadJobSchema).min(1) })
	.passthrough();

/** When to ask for a job's state: after `firstMs`, then doubling, at most `maxMs` apart. */
export interface PollSchedule {
	firstMs: number;
	maxMs: number;
}

/** A job takes seconds to minutes; asking more often than this only spends credits. */
export const DEFAULT_POLL_SCHEDULE: PollSchedule = { firstMs: 2000, maxMs: 30_000 };

/** How long to wait before asking for a job's state the `attempt`-th time (from 0). */
export function jobPollDelayMs(
	attempt: number,
	schedule: PollSchedule = DEFAULT_POLL_SCHEDULE,
): number {
	const step = Math.max(0, Math.floor(attempt));
	// 2^20 is past any sensible ratio of the two: no overflow for long waits.
	return Math.min(schedule.maxMs, schedule.firstMs * 2 ** Math.min(step, 20));
}
