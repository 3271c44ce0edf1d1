/**
 * Debian's Chromium, driven by playwright-core: installed with apt when missing
 * (never downloaded from anywhere else), started headless with a throwaway
 * profile, and allowed to talk to 127.0.0.1 only.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { type BrowserContext, chromium, selectors } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const LAUNCH_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

/** Runs a command with the terminal attached; throws on a non-zero exit or after `timeoutMs`. */
function runInherit(command: string, args: string[], timeoutMs: number): Promise<void> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			stdio: 'inherit',
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		});
		const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
		child.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.once('close', (code, signal) => {
			clearTimeout(timer);
			if (code === 0) resolve();
			else
				reject(
					new Error(
						`${command} ${args.join(' ')} failed (code ${String(code)}, signal ${String(signal)})`,
					),
				);
		});
	});
}

/**
 * Makes sure /usr/bin/chromium exists: `apt-get update && apt-get install -y chromium`
 * as root (or through `sudo -n`) when it does not. About 1.5 min on a fresh machine.
 */
export async function ensureChromium(log: (line: string) => void = () => undefined): Promise<void> {
	if (fs.existsSync(CHROMIUM)) return;
	const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	const [command, prefix] = asRoot ? ['apt-get', [] as string[]] : ['sudo', ['-n', 'apt-get']];
	log(`${CHROMIUM} missing: installing Debian's chromium with apt-get`);
	await runInherit(command, [...prefix, 'update'], 10 * 60_000);
	await runInherit(
		command,
		[...prefix, 'install', '-y', '--no-install-recommends', 'chromium'],
		15 * 60_000,
	);
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`apt-get installed chromium but ${CHROMIUM} is still missing`);
}

export interface Browser {
	context: BrowserContext;
	/** Requests the browser wanted to send off the machine (aborted). */
	blockedRequests: string[];
	close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile folder (removed on close). Every request
 * to a host other than 127.0.0.1 is aborted and recorded.
 */
export async function launchChromium(
	options: { viewport?: { width: number; height: number } } = {},
): Promise<Browser> {
	// n8n's editor marks its elements with data-test-id.
	selectors.setTestIdAttribute('data-test-id');
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ui-chromium-'));
	let context: BrowserContext;
	try {
		context = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			headless: true,
			args: LAUNCH_ARGS,
			viewport: options.viewport ?? { width: 1440, height: 900 },
			deviceScaleFactor: 1,
			locale: 'en-US',
			timezoneId: 'UTC',
			timeout: 60_000,
		});
	} catch (error) {
		fs.rmSync(profile, { recursive: true, force: true });
		throw error;
	}
	const blockedRequests: string[] = [];
	await context.route(
		(url) => url.protocol !== 'data:' && url.protocol !== 'blob:' && url.hostname !== '127.0.0.1',
		async (route) => {
			blockedRequests.push(route.request().url());
			await route.abort('blockedbyclient');
		},
	);
	return {
		context,
		blockedRequests,
		close: async () => {
			try {
				await context.close();
			} finally {
				fs.rmSync(profile, { recursive: true, force: true });
			}
		},
	};
}
