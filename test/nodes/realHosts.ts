/**
 * Zoho's real host names over TLS, on this machine: a test CA made at test time with the
 * openssl CLI, a server certificate for the names, and an undici dispatcher that sends each
 * name to a local port (and trusts the CA). The product's code path stays as it is: only the
 * dispatcher it is given differs.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { Agent, buildConnector } from 'undici';

const run = promisify(execFile);

export interface TestCertificates {
	/** PEM of the test CA, to trust. */
	ca: string;
	/** PEM key and certificate of a server valid for every name asked for. */
	key: string;
	cert: string;
}

/** A CA and one server certificate for `names` (DNS names and IP literals), valid two days. */
export async function makeCertificates(names: readonly string[]): Promise<TestCertificates> {
	const dir = await mkdtemp(join(tmpdir(), 'zoho-test-ca-'));
	const file = (name: string) => join(dir, name);
	const openssl = (args: string[]) => run('openssl', args, { timeout: 30_000 });
	const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
	try {
		await openssl([
			'req',
			'-x509',
			...ecKey,
			'-keyout',
			file('ca.key'),
			'-out',
			file('ca.pem'),
			'-days',
			'2',
			'-subj',
			'/CN=n8n-nodes-zoho-oauth test CA',
			'-addext',
			'basicConstraints=critical,CA:TRUE',
			'-addext',
			'keyUsage=critical,keyCertSign,cRLSign',
		]);
		await openssl([
			'req',
			'-new',
			...ecKey,
			'-keyout',
			file('server.key'),
			'-out',
			file('server.csr'),
			'-subj',
			'/CN=zoho simulator',
		]);
		const altNames = names
			.map((name) => (/^[\d.]+$/.test(name) ? `IP:${name}` : `DNS:${name}`))
			.join(',');
		await writeFile(
			file('server.ext'),
			`subjectAltName=${altNames}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`,
		);
		await openssl([
			'x509',
			'-req',
			'-in',
			file('server.csr'),
			'-CA',
			file('ca.pem'),
			'-CAkey',
			file('ca.key'),
			'-CAcreateserial',
			'-out',
			file('server.pem'),
			'-days',
			'2',
			'-extfile',
			file('server.ext'),
		]);
		const [ca, key, cert] = await Promise.all(
			['ca.pem', 'server.key', 'server.pem'].map((name) => readFile(file(name), 'utf8')),
		);
		return { ca: ca ?? '', key: key ?? '', cert: cert ?? '' };
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}

export interface RoutingDispatcher {
	agent: Agent;
	/** "host:port" of every connection opened, in order. */
	connections: string[];
}

/**
 * An Agent that trusts `ca` and connects each host name to 127.0.0.1 at the port
 * `portFor` gives (by name, scheme and port), checking the certificate against the real name.
 */
export function routingDispatcher(options: {
	ca: string;
	portFor: (host: { hostname: string; protocol: string; port: string }) => number;
}): RoutingDispatcher {
	const connect = buildConnector({ ca: options.ca });
	const connections: string[] = [];
	const agent = new Agent({
		connect: (opts, callback) => {
			const asked = opts.port || (opts.protocol === 'https:' ? '443' : '80');
			connections.push(`${opts.hostname}:${asked}`);
			const port = options.portFor({
				hostname: opts.hostname,
				protocol: opts.protocol,
				port: asked,
			});
			connect(
				{
					...opts,
					hostname: '127.0.0.1',
					host: '127.0.0.1',
					port: String(port),
					servername: isIP(opts.hostname) ? '' : opts.hostname,
				},
				callback,
			);
		},
	});
	return { agent, connections };
}
