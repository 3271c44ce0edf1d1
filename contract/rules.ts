/**
 * The shape of the request contract: what one Zoho operation accepts. Written from
 * Zoho's published facts (the CRM v8 OpenAPI files and doc pages named in each
 * operation's `source`), in our own form.
 */
import type { JournalEntry } from '../simulator/journal';

export interface ParamRule {
	required?: boolean;
	/** Integer within min..max. */
	int?: { min?: number; max?: number };
	/** Comma-separated list of at most `maxItems` non-empty items matching `item`. */
	list?: { maxItems?: number; item?: RegExp };
	enum?: readonly string[];
	maxLength?: number;
	pattern?: RegExp;
	/** ISO 8601 date-time with an offset, as Zoho documents If-Modified-Since and the like. */
	dateTime?: boolean;
}

/** One request of the package, as the checker sees it: an entry of the simulator's journal. */
export type ContractRequest = Pick<JournalEntry, 'method' | 'path' | 'query' | 'headers' | 'body'>;

export interface JsonBodyRule {
	kind: 'json';
	/** Top-level keys Zoho knows; any other is reported. */
	keys: readonly string[];
	required?: readonly string[];
	/** `data`: an array of 1..max objects whose keys are field API names. */
	data?: { max: number };
	/** Allowed items of `trigger`. */
	trigger?: readonly string[];
	/** `duplicate_check_fields`: an array of field API names. */
	duplicateCheckFields?: boolean;
}

export type BodyRule =
	| JsonBodyRule
	| { kind: 'none' }
	/** Parameters in the query string or a urlencoded/multipart body (the token endpoint). */
	| { kind: 'params' }
	| { kind: 'multipart'; parts: readonly string[]; required: readonly string[] }
	/** Whatever the product's API takes: not modelled here. */
	| { kind: 'any' };

export interface Operation {
	/** e.g. `crm.getRecords`. */
	id: string;
	/** Spec file and operationId, or the doc page, the facts come from. */
	source: string;
	method: string;
	/**
	 * Path template: literal segments, `{name}` for one segment matching `segments[name]`,
	 * and a final `{rest*}` for any further segments.
	 */
	path: string;
	segments?: Record<string, RegExp>;
	query: Record<string, ParamRule>;
	/** Accept query parameters the contract does not list (products not modelled in detail). */
	openQuery?: boolean;
	headers?: { ifModifiedSince?: boolean; orgId?: 'required' };
	/** Parameters that must not come together. */
	exclusive?: ReadonlyArray<readonly string[]>;
	/** At least one of these must be present. */
	oneOf?: readonly string[];
	body: BodyRule;
	/** Rules that need more than one parameter, as messages for what is wrong. */
	also?: (request: ContractRequest, params: Map<string, string>) => string[];
}
