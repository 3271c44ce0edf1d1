/**
 * A throwaway PostgreSQL (Debian's binaries) for queue-mode n8n: `initdb` into a
 * temp folder, `pg_ctl start` on a free port of 127.0.0.1, trust authentication,
 * no fsync. PostgreSQL refuses to run as root, so as root it runs as the
 * `postgres` user (runuser) in a folder handed to that user.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { freePorts, runChecked } from './process';

/** Debian keeps each major's binaries here; $PG_BIN overrides. */
const DEBIAN_PG_ROOT = '/usr/lib/postgresql';

export class PostgresServer {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bin: string,
    private readonly asPostgres: boolean,
  ) {}

  static async start(): Promise<PostgresServer> {
    const bin = postgresBin();
    const asPostgres = process.getuid?.() === 0;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-pg-'));
    const [port] = await freePorts(1);
    const server = new PostgresServer(port as number, dir, bin, asPostgres);
    try {
      if (asPostgres) {
        const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
        const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
        fs.chownSync(dir, uid, gid);
      }
      await server.pg('initdb', ['-D', server.dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
      await server.pg('pg_ctl', [
        'start',
        '-w',
        '-t',
        '60',
        '-D',
        server.dataDir,
        '-l',
        path.join(dir, 'server.log'),
        '-o',
        `-p ${server.port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
      ]);
      await server.pg('createdb', ['-h', '127.0.0.1', '-p', String(server.port), '-U', 'postgres', 'n8n']);
      return server;
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  /** n8n's database settings for this server. */
  get env(): Record<string, string> {
    return {
      DB_TYPE: 'postgresdb',
      DB_POSTGRESDB_HOST: '127.0.0.1',
      DB_POSTGRESDB_PORT: String(this.port),
      DB_POSTGRESDB_DATABASE: 'n8n',
      DB_POSTGRESDB_USER: 'postgres',
      DB_POSTGRESDB_PASSWORD: '',
    };
  }

  /** Stops the server (pg_ctl signals the PID in its own postmaster.pid) and removes its folder. */
  async stop(): Promise<void> {
    try {
      if (fs.existsSync(path.join(this.dataDir, 'postmaster.pid'))) {
        await this.pg('pg_ctl', ['stop', '-w', '-t', '30', '-m', 'immediate', '-D', this.dataDir]);
      }
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  private pg(tool: string, args: string[]): Promise<unknown> {
    const binary = path.join(this.bin, tool);
    return this.asPostgres
      ? runChecked({ command: 'runuser', args: ['-u', 'postgres', '--', binary, ...args], cwd: this.dir, timeoutMs: 120_000 })
      : runChecked({ command: binary, args, cwd: this.dir, timeoutMs: 120_000 });
  }
}

/** The newest PostgreSQL major's bin folder, or $PG_BIN. */
function postgresBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const majors = fs.existsSync(DEBIAN_PG_ROOT)
    ? fs
        .readdirSync(DEBIAN_PG_ROOT)
        .filter((entry) => fs.existsSync(path.join(DEBIAN_PG_ROOT, entry, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!majors[0]) throw new Error(`no PostgreSQL found under ${DEBIAN_PG_ROOT} (apt-get install postgresql) and PG_BIN is not set`);
  return path.join(DEBIAN_PG_ROOT, majors[0], 'bin');
}
