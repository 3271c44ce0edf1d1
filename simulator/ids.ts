// Generators for strings shaped like Zoho's: tokens, client ids, record ids.
import { randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function hex(bytes: number): string {
	return randomBytes(bytes).toString('hex');
}

/** Grant codes, refresh and access tokens: `1000.<32 hex>.<32 hex>`. */
export function zohoToken(): string {
	return `1000.${hex(16)}.${hex(16)}`;
}

/** Client ids look like `1000.` followed by 30 upper-case letters and digits. */
export function newClientId(): string {
	const bytes = randomBytes(30);
	let id = '1000.';
	for (const byte of bytes) id += ALNUM[byte % ALNUM.length];
	return id;
}

export function newClientSecret(): string {
	return hex(21);
}

/**
 * Numeric string ids: a fixed prefix per DC and a growing counter, so ids increase in
 * creation order (CRM's default sort is by id) and never collide across DCs.
 */
export class IdSequence {
	private counter = 0;

	constructor(private readonly prefix: string) {}

	next(): string {
		this.counter += 1;
		return `${this.prefix}${String(this.counter).padStart(6, '0')}`;
	}
}
