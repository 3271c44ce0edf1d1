/**
 * How an access token is written to a shared store: encrypted (AES-256-GCM) with a
 * key derived (HKDF-SHA256) from the credential's own client secret and refresh
 * token, which never leave the process. A dump of the store, a replica or MONITOR
 * shows only ciphertext and a keyed fingerprint; without the credential neither
 * gives the token back.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

import { z } from 'zod';

import type { ZohoCredentials } from '../../credentials';
import { parseJsonBody } from '../../json';
import type { AccessToken } from '../accessToken';

const VERSION = 'v1';
const SALT = 'n8n-nodes-zoho-oauth/token-store';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The sealed plain text: short names, as sealToken writes them. */
const plainSchema = z.object({
	a: z.string(),
	d: z.string(),
	t: z.string().catch('Bearer'),
	s: z.array(z.string()).optional(),
	i: z.number(),
	e: z.number(),
});

/**
 * Both keys from the credential's secrets (`info` binds them to the credential's key): the
 * AES-256-GCM key, and the HMAC key for fingerprints, so the store can compare tokens
 * without holding one.
 */
export function sealKeys(
	credentials: Pick<ZohoCredentials, 'clientSecret' | 'refreshToken' | 'key'>,
) {
	const material = Buffer.from(`${credentials.clientSecret}\n${credentials.refreshToken}`, 'utf8');
	const bytes = Buffer.from(hkdfSync('sha256', material, SALT, `token:${credentials.key}`, 64));
	return { encryption: bytes.subarray(0, 32), fingerprint: bytes.subarray(32) };
}
type SealKeys = ReturnType<typeof sealKeys>;

/** A keyed hash of an access token: equal tokens give equal fingerprints, and nothing else can be read from it. */
export function tokenFingerprint(keys: SealKeys, accessToken: string): string {
	return createHmac('sha256', keys.fingerprint)
		.update(accessToken)
		.digest('base64url')
		.slice(0, 22);
}

/**
 * `v1:<fingerprint>:<iv>:<tag>:<ciphertext>`. The fingerprint comes first so a
 * compare-and-delete script can match on the prefix; `aad` (the store key) ties the
 * value to its key, so a value copied under another key does not decrypt.
 */
export function sealToken(options: { keys: SealKeys; token: AccessToken; aad: string }): string {
	const { keys, token } = options;
	const iv = randomBytes(IV_BYTES);
	const cipher = createCipheriv('aes-256-gcm', keys.encryption, iv);
	cipher.setAAD(Buffer.from(options.aad, 'utf8'));
	const plain = JSON.stringify({
		a: token.accessToken,
		d: token.apiDomain,
		t: token.tokenType,
		s: token.scopes,
		i: token.issuedAt,
		e: token.expiresAt,
	});
	const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
	return [
		sealPrefix(keys, token.accessToken),
		iv.toString('base64url'),
		cipher.getAuthTag().toString('base64url'),
		data.toString('base64url'),
	].join(':');
}

/** What a sealed value starts with for this token: what compare-and-delete matches. */
export function sealPrefix(keys: SealKeys, accessToken: string): string {
	return `${VERSION}:${tokenFingerprint(keys, accessToken)}`;
}

/** The token, or undefined when the value is not one of ours for these keys (other secrets, tampered, other version). */
export function openToken(options: {
	keys: SealKeys;
	sealed: string;
	aad: string;
}): AccessToken | undefined {
	const parts = options.sealed.split(':');
	if (parts.length !== 5 || parts[0] !== VERSION) return undefined;
	const [, , ivText, tagText, dataText] = parts as [string, string, string, string, string];
	const iv = Buffer.from(ivText, 'base64url');
	const tag = Buffer.from(tagText, 'base64url');
	if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return undefined;
	const decipher = createDecipheriv('aes-256-gcm', options.keys.encryption, iv);
	decipher.setAAD(Buffer.from(options.aad, 'utf8'));
	decipher.setAuthTag(tag);
	let plain: string;
	try {
		plain = Buffer.concat([
			decipher.update(Buffer.from(dataText, 'base64url')),
			decipher.final(),
		]).toString('utf8');
	} catch {
		// Only GCM's authentication can fail here: written with other secrets (a changed credential) or tampered with.
		return undefined;
	}
	const parsed = plainSchema.safeParse(parseJsonBody(plain));
	if (!parsed.success) return undefined;
	const { a, d, t, s, i, e } = parsed.data;
	return { accessToken: a, apiDomain: d, tokenType: t, scopes: s, issuedAt: i, expiresAt: e };
}
