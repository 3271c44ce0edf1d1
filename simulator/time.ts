// Time formats Zoho uses in its answers.

/** CRM style: `2024-05-01T10:20:30+00:00`. */
export function zohoDateTime(ms: number): string {
	return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}

/** Books style dates: `2024-05-01`. */
export function zohoDate(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

/** Books style timestamps: `2024-05-01T10:20:30+0000`. */
export function booksDateTime(ms: number): string {
	return `${new Date(ms).toISOString().slice(0, 19)}+0000`;
}
