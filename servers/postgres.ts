/**
 * A real PostgreSQL (Debian's postgresql package) on 127.0.0.1 for the queue-mode
 * e2e: a throwaway cluster made by initdb in a temp folder, trust authentication
 * on loopback only, stopped by PID and deleted. PostgreSQL refuses to run as root,
 * so under root (as in CI) the cluster belongs to the `postgres` system user.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { freePort, spawnServer, waitUntilReady } from './child';

export interface PostgresServer {
	host: '127.0.0.1';
	port: number;
	user: 'postgres';
	database: string;
	pid: number;
	/** Fast shutdown (SIGINT), then the cluster's folder is deleted. Idempotent. */
	stop(): Promise<void>;
}

/** The bin folder of the newest PostgreSQL Debian installed (/usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(root = '/usr/lib/postgresql'): string {
	const majors = fs.existsSync(root)
		? fs.readdirSync(root).filter((name) => /^\d+$/.test(name))
		: [];
	const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
	if (!newest)
		throw new Error(
			`PostgreSQL is not installed (${root} is empty): apt-get install -y postgresql`,
		);
	return path.join(root, newest, 'bin');
}

/** uid/gid to run PostgreSQL as: the `postgres` user under root, else the current user. */
function runAs(): { uid: number; gid: number } | undefined {
	if (process.getuid?.() !== 0) return undefined;
	const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
	const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
	return { uid, gid };
}

export async function startPostgres(options: { database?: string } = {}): Promise<PostgresServer> {
	const bin = postgresBinDir();
	const database = options.database ?? 'n8n';
	const user = runAs();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-test-'));
	const data = path.join(dir, 'data');
	const cleanup = (): void => fs.rmSync(dir, { recursive: true, force: true });
	try {
		if (user) fs.chownSync(dir, user.uid, user.gid);
		execFileSync(
			path.join(bin, 'initdb'),
			['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'],
			{
				...user,
				stdio: 'pipe',
			},
		);
		const port = await freePort();
		const child = spawnServer({
			command: path.join(bin, 'postgres'),
			args: [
				'-D',
				data,
				'-p',
				String(port),
				'-c',
				'listen_addresses=127.0.0.1',
				'-c',
				`unix_socket_directories=${dir}`,
				'-c',
				'fsync=off',
			],
			spawn: { ...user },
		});
		const isReady = async (): Promise<boolean> => {
			try {
				execFileSync(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)], {
					stdio: 'ignore',
				});
				return true;
			} catch {
				// Not accepting connections yet: waitUntilReady asks again.
				return false;
			}
		};
		await waitUntilReady({ what: `PostgreSQL on port ${port}`, child, ready: isReady });
		execFileSync(
			path.join(bin, 'createdb'),
			['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database],
			{ stdio: 'pipe' },
		);
		return {
			host: '127.0.0.1',
			port,
			user: 'postgres',
			database,
			pid: child.pid,
			async stop() {
				await child.stop({ signal: 'SIGINT' });
				cleanup();
			},
		};
	} catch (error) {
		cleanup();
		throw error;
	}
}
