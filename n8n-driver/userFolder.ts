/**
 * Throwaway n8n user folders, and the package under test installed into one the
 * way n8n's community installer does it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { hostFor, repoRoot, type N8nMajor } from './host';
import { freePorts, runChecked, tail } from './process';

export interface UserFolder {
	major: N8nMajor;
	dir: string;
	/** Everything n8n needs to run isolated in `dir` (merged over a cleaned process.env). */
	env: Record<string, string>;
	/** Name of the package installed from the tarball, if one was given. */
	packageName?: string;
	cleanup(): void;
}

/** Fixed so credentials imported in a folder can be decrypted by every later command. */
export const ENCRYPTION_KEY = 'e2e-fixed-encryption-key-not-a-secret';

export interface CreateUserFolderOptions {
	major: N8nMajor;
	/** `npm pack` output to install as a community package. */
	packageTarball?: string;
	/** Extra variables for every n8n command run in this folder. */
	env?: Record<string, string>;
	/**
	 * Use this folder (emptied first) instead of a fresh one under the OS temp
	 * folder, e.g. a git-ignored folder in the repository for `npm start`.
	 */
	dir?: string;
	/** n8n's HTTP port; a free one when absent. */
	port?: number;
}

export async function createUserFolder(options: CreateUserFolderOptions): Promise<UserFolder> {
	const host = hostFor(options.major);
	let dir: string;
	if (options.dir === undefined) {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-e2e-${options.major}-`));
	} else {
		dir = path.resolve(options.dir);
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
	}
	const cleanup = (): void => fs.rmSync(dir, { recursive: true, force: true });
	try {
		const tmp = path.join(dir, 'tmp');
		fs.mkdirSync(tmp);
		const [freePort, brokerPort] = await freePorts(2);
		const port = options.port ?? freePort;
		const env: Record<string, string> = {
			...host.env,
			N8N_USER_FOLDER: dir,
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			// Silences 1.x's "permissions too wide" warning: n8n writes its config file 0600.
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			N8N_PORT: String(port),
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			// Where Zoho (the simulator) sends notifications: n8n's own address, not localhost
			// (which may resolve to ::1); 2.x also reads it for test webhooks.
			WEBHOOK_URL: `http://127.0.0.1:${port}/`,
			...(options.major === 2 ? { N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/` } : {}),
			// 2.x `start` otherwise calls out to the internet for the MCP registry;
			// 1.x has no such module and refuses to start when it is named.
			...(options.major === 2 ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
			TMPDIR: tmp,
			...options.env,
		};
		const packageName = options.packageTarball
			? await installPackageTarball({ userFolderDir: dir, tarball: options.packageTarball })
			: undefined;
		return { major: options.major, dir, env, packageName, cleanup };
	} catch (error) {
		cleanup();
		throw error;
	}
}

export interface InstallPackageOptions {
	userFolderDir: string;
	tarball: string;
}

/**
 * Installs a package the way n8n's community installer does (n8n 2.x
 * CommunityPackagesService.downloadPackage): unpacked into
 * `<user folder>/.n8n/nodes/node_modules/<name>`, its package.json stripped of dev, peer
 * and optional dependencies (n8n supplies n8n-workflow), then `npm install` of what is
 * left. Without the strip npm resolves the peers' whole tree only to leave it out: minutes
 * on a slow registry for a package that bundles everything. Returns the name.
 */
export async function installPackageTarball(options: InstallPackageOptions): Promise<string> {
	const tarball = path.resolve(options.tarball);
	if (!fs.existsSync(tarball)) throw new Error(`package tarball not found: ${tarball}`);
	const staging = fs.mkdtempSync(path.join(options.userFolderDir, '.unpack-'));
	try {
		await runChecked({ command: 'tar', args: ['-xzf', tarball, '-C', staging], cwd: staging });
		const unpacked = path.join(staging, 'package');
		const manifestFile = path.join(unpacked, 'package.json');
		const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
		for (const key of ['devDependencies', 'peerDependencies', 'optionalDependencies'])
			delete manifest[key];
		fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
		if (typeof manifest.name !== 'string' || manifest.name === '') {
			throw new Error(`${tarball} has no package name`);
		}
		const target = path.join(options.userFolderDir, '.n8n', 'nodes', 'node_modules', manifest.name);
		fs.mkdirSync(path.dirname(target), { recursive: true });
		fs.renameSync(unpacked, target);
		await runChecked({
			command: 'npm',
			args: [
				'install',
				'--audit=false',
				'--fund=false',
				'--bin-links=false',
				'--install-strategy=shallow',
				'--ignore-scripts=true',
				'--package-lock=false',
			],
			cwd: target,
			timeoutMs: 300_000,
		});
		return manifest.name;
	} finally {
		fs.rmSync(staging, { recursive: true, force: true });
	}
}

export interface PackPackageOptions {
	/** Folder with the package.json to pack; the repository root by default. */
	cwd?: string;
	/** Where the tarball goes; a fresh temp folder by default. */
	destination?: string;
}

/** `npm pack` of the package (runs its prepack scripts); returns the tarball's path. */
export async function packPackage(options: PackPackageOptions = {}): Promise<string> {
	const cwd = options.cwd ?? repoRoot();
	const destination =
		options.destination ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-pack-'));
	const result = await runChecked({
		command: 'npm',
		args: ['pack', '--json', '--pack-destination', destination],
		cwd,
		timeoutMs: 300_000,
	});
	const packed = parsePackJson(result.stdout);
	const tarball = path.join(destination, packed);
	if (!fs.existsSync(tarball))
		throw new Error(`npm pack reported ${packed} but ${tarball} does not exist`);
	return tarball;
}

function parsePackJson(stdout: string): string {
	// prepack scripts may print before npm's JSON array.
	const start =
		stdout.lastIndexOf('\n[') === -1 ? stdout.indexOf('[') : stdout.lastIndexOf('\n[') + 1;
	const parsed = JSON.parse(stdout.slice(start)) as Array<{ filename?: unknown }>;
	const filename = parsed[0]?.filename;
	if (typeof filename !== 'string')
		throw new Error(`npm pack printed no filename:\n${tail(stdout)}`);
	// Scoped packages are packed as scope-name-version.tgz.
	return filename.replace(/^@/, '').replace(/\//, '-');
}
