// A small, binary-safe multipart/form-data parser (enough for Zoho uploads and forms).

export interface MultipartPart {
	name: string;
	filename?: string;
	contentType?: string;
	data: Buffer;
}

/** More parts than this in one body is not something a Zoho client sends. */
const MAX_PARTS = 1000;

export function boundaryOf(contentType: string | undefined): string | undefined {
	if (!contentType || !/^multipart\/form-data/i.test(contentType)) return undefined;
	const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	return match ? (match[1] ?? match[2]) : undefined;
}

/** Returns the parts, or undefined when the body is not valid multipart. */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] | undefined {
	const delimiter = Buffer.from(`--${boundary}`);
	const nextDelimiter = Buffer.from(`\r\n--${boundary}`);
	let pos = body.indexOf(delimiter);
	if (pos < 0) return undefined;
	const parts: MultipartPart[] = [];
	for (let count = 0; count < MAX_PARTS; count += 1) {
		pos += delimiter.length;
		// `--` right after a delimiter closes the body.
		if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts;
		const headerStart = body.indexOf('\r\n', pos);
		if (headerStart < 0) return undefined;
		const headerEnd = body.indexOf('\r\n\r\n', headerStart);
		if (headerEnd < 0) return undefined;
		const contentStart = headerEnd + 4;
		const contentEnd = body.indexOf(nextDelimiter, contentStart);
		if (contentEnd < 0) return undefined;
		const part = partFromHeaders(body.toString('utf8', headerStart + 2, headerEnd));
		if (part) parts.push({ ...part, data: Buffer.from(body.subarray(contentStart, contentEnd)) });
		pos = contentEnd + 2;
	}
	return parts;
}

function partFromHeaders(block: string): Omit<MultipartPart, 'data'> | undefined {
	let disposition = '';
	let contentType: string | undefined;
	for (const line of block.split('\r\n')) {
		const colon = line.indexOf(':');
		if (colon < 0) continue;
		const name = line.slice(0, colon).trim().toLowerCase();
		const value = line.slice(colon + 1).trim();
		if (name === 'content-disposition') disposition = value;
		if (name === 'content-type') contentType = value;
	}
	const params = dispositionParams(disposition);
	const name = params.get('name');
	if (name === undefined) return undefined;
	const filename = params.get('filename*') ?? params.get('filename');
	return {
		name,
		...(filename !== undefined ? { filename } : {}),
		...(contentType !== undefined ? { contentType } : {}),
	};
}

function dispositionParams(disposition: string): Map<string, string> {
	const params = new Map<string, string>();
	const pattern = /;\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;
	for (const match of disposition.matchAll(pattern)) {
		const key = (match[1] ?? '').toLowerCase();
		let value = (match[2] ?? '').trim();
		if (value.startsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
		if (key === 'filename*') value = decodeExtValue(value);
		params.set(key, value);
	}
	return params;
}

/** RFC 5987 `UTF-8''name%20here`; a value that does not decode is kept as sent. */
function decodeExtValue(value: string): string {
	const match = /^[^']*'[^']*'(.*)$/.exec(value);
	const encoded = match ? (match[1] ?? '') : value;
	try {
		return decodeURIComponent(encoded);
	} catch (error: unknown) {
		if (error instanceof URIError) return encoded;
		throw error;
	}
}
