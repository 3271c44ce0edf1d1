import { z } from 'zod';

/** CRM-style API error body: {code, details, message, status:"error"}; Books uses a numeric code. */
export const apiErrorSchema = z
	.object({
		code: z.union([z.string(), z.number()]),
		message: z.string().optional(),
		status: z.string().optional(),
		details: z.unknown().optional(),
	})
	.passthrough();

/** CRM/Bigin list page: `{data, info}`; `next_page_token` from v3 on. */
export const crmListSchema = z
	.object({
		data: z.array(z.unknown()),
		info: z
			.object({
				more_records: z.boolean().optional(),
				next_page_token: z.string().nullable().optional(),
				page: z.number().optional(),
				per_page: z.number().optional(),
				count: z.number().optional(),
			})
			.passthrough()
			.optional(),
	})
	.passthrough();

/** Books/Inventory/Invoice answer: `code` 0 means success; lists carry `page_context`. */
export const booksAnswerSchema = z
	.object({
		code: z.number(),
		message: z.string().optional(),
		page_context: z
			.object({
				page: z.number().optional(),
				per_page: z.number().optional(),
				has_more_page: z.boolean(),
			})
			.passthrough()
			.optional(),
	})
	.passthrough();

/** One entry of a CRM answer that reports per item (a written record, a watch channel). */
export const answerEntrySchema = z
	.object({
		code: z.string(),
		status: z.string(),
		message: z.string().optional(),
		details: z.record(z.unknown()).optional(),
	})
	.passthrough();
