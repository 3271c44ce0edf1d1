// Acting out an injected fault on one exchange: the answer (or silence) it stands for.
import { internalError, invalidToken, tooManyRequests } from './errors';
import type { Exchange } from './exchange';
import type { FaultSpec } from './types';

/**
 * Acts out a fault. Resolves true when the request was answered (or dropped) and false
 * when it must now be handled normally (after a delay).
 */
export async function applyFault(ex: Exchange, fault: FaultSpec): Promise<boolean> {
	const headers = fault.headers ?? {};
	switch (fault.kind) {
		case 'delay':
			await ex.core.sleep(fault.delayMs ?? 0);
			return false;
		case 'status': {
			const status = fault.status ?? 500;
			const body = fault.body ?? defaultBody(status);
			if (typeof body === 'string') {
				ex.send({
					status,
					data: Buffer.from(body),
					headers: { 'Content-Type': 'text/plain;charset=UTF-8', ...headers },
				});
			} else {
				ex.json(status, body, headers);
			}
			return true;
		}
		case 'nonJson': {
			const html =
				'<html><head><title>Zoho</title></head><body><h1>Service temporarily unavailable</h1></body></html>';
			ex.send({
				status: fault.status ?? 200,
				data: Buffer.from(html),
				headers: { 'Content-Type': 'text/html;charset=UTF-8', ...headers },
			});
			return true;
		}
		case 'truncated': {
			const full = bodyBytes(fault.body);
			const part = full.subarray(0, Math.floor(full.length / 2));
			ex.cutShort({
				status: fault.status ?? 200,
				headers: { 'Content-Type': 'application/json;charset=UTF-8', ...headers },
				part,
				declaredLength: full.length + 64,
			});
			return true;
		}
		case 'reset': {
			const full = bodyBytes(fault.body);
			ex.cutShort({
				status: fault.status ?? 200,
				headers: { 'Content-Type': 'application/json;charset=UTF-8', ...headers },
				part: full.subarray(0, Math.floor(full.length / 2)),
			});
			return true;
		}
		case 'drop':
			ex.drop();
			return true;
	}
}

function defaultBody(status: number): unknown {
	if (status === 401) return invalidToken();
	if (status === 429) return tooManyRequests('too many requests');
	return internalError();
}

/** The body a cut-short answer pretends to send: long enough that half of it is not JSON. */
function bodyBytes(body: unknown): Buffer {
	if (typeof body === 'string') return Buffer.from(body);
	const value = body ?? {
		access_token: '1000.00000000000000000000000000000000.00000000000000000000000000000000',
		api_domain: 'https://www.zohoapis.com',
		token_type: 'Bearer',
		expires_in: 3600,
	};
	return Buffer.from(JSON.stringify(value));
}
