import { z } from 'zod';

/** Successful answer of POST /oauth/v2/token (refresh or grant-code exchange). */
export const tokenSuccessSchema = z
	.object({
		access_token: z.string().min(1),
		refresh_token: z.string().min(1).optional(),
		api_domain: z.string().url().optional(),
		token_type: z.string().optional(),
		expires_in: z.number().nonnegative().optional(),
		/** Older answers: lifetime in seconds, with `expires_in` then in milliseconds. */
		expires_in_sec: z.number().nonnegative().optional(),
		scope: z.string().optional(),
		id_token: z.string().optional(),
	})
	.passthrough();
export type TokenSuccessBody = z.infer<typeof tokenSuccessSchema>;

/** Zoho's token errors, which arrive with HTTP 200. */
export const tokenErrorSchema = z
	.object({
		error: z.string().min(1),
		error_description: z.string().optional(),
	})
	.passthrough();

export const revokeAnswerSchema = z
	.object({
		status: z.string().optional(),
		error: z.string().optional(),
	})
	.passthrough();

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

/** One entry of a CRM/Bigin write answer: a record's result, in the order the records were sent. */
const writeEntrySchema = z
	.object({
		code: z.string(),
		status: z.string(),
		message: z.string().optional(),
		details: z.record(z.unknown()).optional(),
		action: z.string().optional(),
		duplicate_field: z.string().nullable().optional(),
	})
	.passthrough();
export type WriteEntry = z.infer<typeof writeEntrySchema>;

/** Answer of insert, update, upsert and delete: `{data: [one entry per record]}` (HTTP 200/201, 207, or 400 when none succeeded). */
export const writeAnswerSchema = z.object({ data: z.array(writeEntrySchema) }).passthrough();

/** `GET /crm/{v}/settings/modules` (Bigin: /bigin/v2/settings/modules). */
export const modulesAnswerSchema = z
	.object({
		modules: z.array(
			z
				.object({
					api_name: z.string(),
					module_name: z.string().optional(),
					singular_label: z.string().optional(),
					plural_label: z.string().optional(),
					api_supported: z.boolean().optional(),
					creatable: z.boolean().optional(),
					editable: z.boolean().optional(),
					deletable: z.boolean().optional(),
					viewable: z.boolean().optional(),
					/** default, custom, static_subform, field_tracker, webtab_link … (modules.json getModules). */
					generated_type: z.string().optional(),
					/** visible, user_hidden, system_hidden … */
					status: z.string().optional(),
				})
				.passthrough(),
		),
	})
	.passthrough();
export type ModuleEntry = z.infer<typeof modulesAnswerSchema>['modules'][number];

/** `GET /crm/{v}/settings/fields?module=…`. */
export const fieldsAnswerSchema = z
	.object({
		fields: z.array(
			z
				.object({
					api_name: z.string(),
					field_label: z.string().optional(),
					data_type: z.string().optional(),
					/** The value's JSON type: string, integer, double, boolean, jsonobject, jsonarray. */
					json_type: z.string().optional(),
					/** Whether the API may set the field on create and on update (fields.json getFields). */
					operation_type: z
						.object({ api_create: z.boolean().optional(), api_update: z.boolean().optional() })
						.passthrough()
						.optional(),
					system_mandatory: z.boolean().optional(),
					read_only: z.boolean().optional(),
					visible: z.boolean().optional(),
					length: z.number().optional(),
					unique: z.union([z.boolean(), z.object({}).passthrough()]).optional(),
					pick_list_values: z
						.array(z.object({ display_value: z.string(), actual_value: z.string() }).passthrough())
						.optional(),
				})
				.passthrough(),
		),
	})
	.passthrough();
export type FieldEntry = z.infer<typeof fieldsAnswerSchema>['fields'][number];
