/**
 * The fields of a "Zoho Self Client API" credential, read from a plain object
 * (n8n's decrypted credential data), trimmed and checked. No n8n imports.
 */
import { createHash } from 'node:crypto';

import { resolveDataCentre, type CUSTOM_DATA_CENTRE, type DataCentreId } from './dataCentres';
import { ZohoInputError } from './errors';
import type { AccessToken } from './token/accessToken';

export interface ZohoCredentials {
	dataCentre: DataCentreId | typeof CUSTOM_DATA_CENTRE;
	accountsUrl: string;
	clientId: string;
	clientSecret: string;
	refreshToken: string;
	/** Cache key: a hash of accounts URL, client id and refresh token. */
	key: string;
	/** Calls at once Zoho allows this organisation and app; undefined: no limit kept. */
	concurrencyLimit?: number;
	/** Whose concurrency budget: a hash of accounts URL and client id (every refresh token of the client shares it). */
	limitKey: string;
}

/** A credential's key in caches and stores: a hash, so neither the refresh token nor anything reversible sits in memory as a key. */
export function cacheKey(
	parts: Pick<ZohoCredentials, 'accountsUrl' | 'clientId' | 'refreshToken'>,
): string {
	return createHash('sha256')
		.update(`${parts.accountsUrl}\n${parts.clientId}\n${parts.refreshToken}`)
		.digest('hex')
		.slice(0, 32);
}

/** Zoho's concurrency limit per organisation and app, by edition. */
const CONCURRENCY_PRESETS = {
	free: 5,
	standard: 10,
	professional: 15,
	enterprise: 20,
	ultimate: 25,
} as const;

function text(value: unknown): string {
	return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

function required(
	raw: Record<string, unknown>,
	options: { name: string; label: string; hint: string },
): string {
	const value = text(raw[options.name]);
	if (!value) throw new ZohoInputError(options.label, `${options.label} is empty.`, options.hint);
	if (/\s/.test(value)) {
		throw new ZohoInputError(
			options.label,
			`${options.label} contains spaces or line breaks.`,
			`Paste the ${options.label} again as one piece, exactly as the Zoho API Console shows it.`,
		);
	}
	return value;
}

export function parseCredentials(
	raw: Record<string, unknown>,
	options: { requireRefreshToken?: boolean } = {},
): ZohoCredentials {
	const { dataCentre, accountsUrl } = resolveDataCentre({
		dataCentre: text(raw.dataCentre) || 'us',
		customAccountsUrl: text(raw.customAccountsUrl),
	});
	const clientId = required(raw, {
		name: 'clientId',
		label: 'Client ID',
		hint: 'Copy the Client ID from the Zoho API Console (api-console.zoho.com → Self Client → Client Secret tab).',
	});
	const clientSecret = required(raw, {
		name: 'clientSecret',
		label: 'Client Secret',
		hint: 'Copy the Client Secret from the Zoho API Console (Self Client → Client Secret tab).',
	});
	const refreshToken =
		options.requireRefreshToken === false && !text(raw.refreshToken)
			? ''
			: required(raw, {
					name: 'refreshToken',
					label: 'Refresh Token',
					hint: 'Generate a grant code in the Zoho API Console (Self Client → Generate Code), exchange it with the operation "Exchange Grant Code" of the Zoho OAuth Request node, and paste the refresh token it returns here.',
				});
	return {
		dataCentre,
		accountsUrl,
		clientId,
		clientSecret,
		refreshToken,
		key: cacheKey({ accountsUrl, clientId, refreshToken }),
		concurrencyLimit: concurrencyLimit(raw),
		limitKey: cacheKey({ accountsUrl, clientId, refreshToken: '' }),
	};
}

/** The Concurrency Limit field: none (the default), an edition's preset, or a custom number. */
function concurrencyLimit(raw: Record<string, unknown>): number | undefined {
	const choice = text(raw.concurrencyLimit).toLowerCase() || 'none';
	if (choice === 'none') return undefined;
	if (Object.hasOwn(CONCURRENCY_PRESETS, choice))
		return CONCURRENCY_PRESETS[choice as keyof typeof CONCURRENCY_PRESETS];
	if (choice === 'custom') {
		const value = Number(text(raw.customConcurrencyLimit));
		if (Number.isInteger(value) && value >= 1) return value;
		throw new ZohoInputError(
			'Custom Concurrency Limit',
			`Custom Concurrency Limit is "${text(raw.customConcurrencyLimit)}", not a whole number of at least 1.`,
			"Enter how many API calls Zoho allows your organisation at once (see Zoho's API limits for your edition), or pick the edition under Concurrency Limit.",
		);
	}
	throw new ZohoInputError(
		'Concurrency Limit',
		`Unknown Concurrency Limit "${text(raw.concurrencyLimit)}".`,
		'Pick No Limit, your Zoho edition (Free, Standard, Professional, Enterprise, Ultimate) or Custom.',
	);
}

/** Hidden fields a credential carries so a token saved by one process can be reused by another. */
type SavedTokenFields = Partial<Record<keyof ReturnType<typeof tokenFields>, unknown>>;

/** The token a credential has saved, if its hidden fields hold a complete one. */
export function savedToken(fields: SavedTokenFields): AccessToken | undefined {
	const accessToken = text(fields.accessToken);
	const expiresAt = Date.parse(text(fields.accessTokenExpiresAt));
	const issuedAt = Date.parse(text(fields.accessTokenIssuedAt));
	const apiDomain = text(fields.apiDomain);
	if (!accessToken || Number.isNaN(expiresAt) || Number.isNaN(issuedAt) || !URL.canParse(apiDomain))
		return undefined;
	return { accessToken, expiresAt, issuedAt, apiDomain, tokenType: 'Bearer' };
}

/** The hidden fields to save for a token (what preAuthentication returns to n8n). */
export function tokenFields(token: AccessToken) {
	return {
		accessToken: token.accessToken,
		accessTokenExpiresAt: new Date(token.expiresAt).toISOString(),
		accessTokenIssuedAt: new Date(token.issuedAt).toISOString(),
		apiDomain: token.apiDomain,
	};
}
