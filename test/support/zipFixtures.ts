// Zip files made the way other writers make them (not by the library the product reads
// with), so the product's reader is tested against more than itself: deflate with a data
// descriptor after the data (as Java's ZipOutputStream writes), or stored with sizes up front.
import { crc32, deflateRawSync } from 'node:zlib';

interface Entry {
	name: string;
	data: Buffer;
	/** 'descriptor': deflate, sizes after the data; 'stored': no compression, sizes in the header. */
	style: 'descriptor' | 'stored';
}

export function zipOf(entries: Entry[]): Buffer {
	const parts: Buffer[] = [];
	const central: Buffer[] = [];
	let offset = 0;
	for (const entry of entries) {
		const name = Buffer.from(entry.name, 'utf8');
		const crc = crc32(entry.data);
		const deflated = entry.style === 'descriptor';
		const body = deflated ? deflateRawSync(entry.data) : entry.data;
		const flags = deflated ? 0x08 : 0;
		const method = deflated ? 8 : 0;
		const local = Buffer.alloc(30);
		local.writeUInt32LE(0x04034b50, 0);
		local.writeUInt16LE(20, 4);
		local.writeUInt16LE(flags, 6);
		local.writeUInt16LE(method, 8);
		local.writeUInt32LE(deflated ? 0 : crc, 14);
		local.writeUInt32LE(deflated ? 0 : body.length, 18);
		local.writeUInt32LE(deflated ? 0 : entry.data.length, 22);
		local.writeUInt16LE(name.length, 26);
		parts.push(local, name, body);
		let size = local.length + name.length + body.length;
		if (deflated) {
			const descriptor = Buffer.alloc(16);
			descriptor.writeUInt32LE(0x08074b50, 0);
			descriptor.writeUInt32LE(crc, 4);
			descriptor.writeUInt32LE(body.length, 8);
			descriptor.writeUInt32LE(entry.data.length, 12);
			parts.push(descriptor);
			size += descriptor.length;
		}
		const header = Buffer.alloc(46);
		header.writeUInt32LE(0x02014b50, 0);
		header.writeUInt16LE(20, 4);
		header.writeUInt16LE(20, 6);
		header.writeUInt16LE(flags, 8);
		header.writeUInt16LE(method, 10);
		header.writeUInt32LE(crc, 16);
		header.writeUInt32LE(body.length, 20);
		header.writeUInt32LE(entry.data.length, 24);
		header.writeUInt16LE(name.length, 28);
		header.writeUInt32LE(offset, 42);
		central.push(header, name);
		offset += size;
	}
	const directory = Buffer.concat(central);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	end.writeUInt16LE(entries.length, 8);
	end.writeUInt16LE(entries.length, 10);
	end.writeUInt32LE(directory.length, 12);
	end.writeUInt32LE(offset, 16);
	return Buffer.concat([...parts, directory, end]);
}

/** A buffer handed out in chunks of `size` bytes, as an HTTP body arrives. */
export async function* chunksOf(data: Uint8Array, size = 16 * 1024): AsyncGenerator<Uint8Array> {
	for (let offset = 0; offset < data.length; offset += size)
		yield data.subarray(offset, offset + size);
}
