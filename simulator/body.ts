// Reading request bodies and turning them into parameters or JSON.
import type { IncomingMessage } from 'node:http';
import type { Exchange } from './exchange';
import { boundaryOf, parseMultipart } from './multipart';

/** Zoho caps attachments at 20 MB; a little more leaves room for multipart framing. */
export const MAX_BODY_BYTES = 25 * 1024 * 1024;

/** The whole body, or undefined when it is larger than MAX_BODY_BYTES. */
export function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) tooLarge = true;
			if (!tooLarge) chunks.push(chunk);
		});
		req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
		req.on('error', reject);
		// A client that goes away mid-body never sends 'end'; settle instead of hanging.
		req.on('close', () => {
			if (!req.complete) reject(new Error('the request was closed before its body ended'));
		});
	});
}

/**
 * Parameters from the query string, overlaid with those of a urlencoded or multipart
 * body (text fields only), as Zoho's token endpoint accepts both.
 */
export function formParams(ex: Exchange): Map<string, string> {
	const params = new Map<string, string>(ex.query);
	const contentType = ex.header('content-type') ?? '';
	if (/^application\/x-www-form-urlencoded/i.test(contentType)) {
		for (const [key, value] of new URLSearchParams(ex.body.toString('utf8')))
			params.set(key, value);
	}
	const boundary = boundaryOf(contentType);
	if (boundary) {
		for (const part of parseMultipart(ex.body, boundary) ?? []) {
			if (part.filename === undefined) params.set(part.name, part.data.toString('utf8'));
		}
	}
	return params;
}

export type JsonResult = { ok: true; value: unknown } | { ok: false };

export function jsonBody(ex: Exchange): JsonResult {
	if (ex.body.length === 0) return { ok: false };
	try {
		return { ok: true, value: JSON.parse(ex.body.toString('utf8')) as unknown };
	} catch (error: unknown) {
		if (error instanceof SyntaxError) return { ok: false };
		throw error;
	}
}

export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
