/**
 * Starts the simulator child process and drives it over its admin routes
 * (/__sim/...): clients, refresh tokens, seed data, configuration, counters.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

import type { CountersSnapshot, SimConfig } from '../simulator';

export const BENCH_SCOPES = ['ZohoCRM.modules.ALL', 'ZohoCRM.org.READ'];

export interface SimClient {
	clientId: string;
	clientSecret: string;
}

export class SimulatorProcess {
	private constructor(
		private readonly child: ChildProcess,
		readonly url: string,
	) {}

	get pid(): number {
		return this.child.pid ?? -1;
	}

	static async start(options: { timeoutMs?: number } = {}): Promise<SimulatorProcess> {
		const entry = path.join(__dirname, 'simulatorProcess.js');
		const child = spawn(process.execPath, ['--expose-gc', entry], {
			stdio: ['pipe', 'pipe', 'inherit'],
		});
		const url = await new Promise<string>((resolve, reject) => {
			let buffer = '';
			const timer = setTimeout(() => {
				child.kill('SIGTERM');
				reject(new Error('the simulator did not start within the timeout'));
			}, options.timeoutMs ?? 15_000);
			const onData = (chunk: string): void => {
				buffer += chunk;
				const line = buffer.split('\n')[0];
				if (buffer.includes('\n') && line) {
					clearTimeout(timer);
					child.stdout?.off('data', onData);
					resolve((JSON.parse(line) as { url: string }).url);
				}
			};
			child.stdout?.setEncoding('utf8').on('data', onData);
			child.once('exit', (code) => {
				clearTimeout(timer);
				reject(new Error(`the simulator exited (code ${String(code)}) before listening`));
			});
		});
		return new SimulatorProcess(child, url);
	}

	/**
	 * A full garbage collection in the simulator and in this process (when run with
	 * --expose-gc), so the next measured run starts from a clean heap on both sides.
	 */
	async collectGarbage(timeoutMs = 10_000): Promise<void> {
		const { stdin, stdout } = this.child;
		if (!stdin || !stdout) throw new Error('the simulator has no stdin/stdout pipe');
		const answered = new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => {
				stdout.off('data', onData);
				reject(new Error('the simulator did not answer gc in time'));
			}, timeoutMs);
			const onData = (chunk: string): void => {
				if (!chunk.split('\n').includes('gc')) return;
				clearTimeout(timer);
				stdout.off('data', onData);
				resolve();
			};
			stdout.on('data', onData);
		});
		stdin.write('gc\n');
		await answered;
		(globalThis as { gc?: () => void }).gc?.();
	}

	async stop(): Promise<void> {
		if (this.child.exitCode !== null || this.child.signalCode !== null) return;
		const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
		this.child.kill('SIGTERM');
		const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
		await exited;
		clearTimeout(timer);
	}

	async admin<T>(method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown): Promise<T> {
		const res = await fetch(`${this.url}/__sim/${route}`, {
			method,
			headers: body === undefined ? undefined : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(30_000),
		});
		const text = await res.text();
		if (res.status !== 200)
			throw new Error(
				`simulator ${method} /__sim/${route} answered ${res.status}: ${text.slice(0, 300)}`,
			);
		return JSON.parse(text) as T;
	}

	configure(partial: Partial<SimConfig>): Promise<SimConfig> {
		return this.admin('POST', 'config', partial);
	}

	registerClient(): Promise<SimClient> {
		return this.admin('POST', 'clients', {});
	}

	async createRefreshToken(client: SimClient, scopes: string[] = BENCH_SCOPES): Promise<string> {
		const { refreshToken } = await this.admin<{ refreshToken: string }>('POST', 'refresh-tokens', {
			clientId: client.clientId,
			scopes,
		});
		return refreshToken;
	}

	async seedCrm(module: string, count: number): Promise<string[]> {
		const { ids } = await this.admin<{ ids: string[] }>('POST', 'seed/crm', { module, count });
		return ids;
	}

	counters(): Promise<CountersSnapshot> {
		return this.admin('GET', 'counters');
	}

	async resetCounters(): Promise<void> {
		await this.admin('POST', 'reset-counters', {});
	}
}

/** The credential data of a "Zoho Self Client API" credential pointing at the simulator. */
export function credentialData(options: {
	url: string;
	client: SimClient;
	refreshToken: string;
}): Record<string, string> {
	return {
		dataCentre: 'custom',
		customAccountsUrl: options.url,
		clientId: options.client.clientId,
		clientSecret: options.client.clientSecret,
		refreshToken: options.refreshToken,
		accessToken: '',
	};
}
