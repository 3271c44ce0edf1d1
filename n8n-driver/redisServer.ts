/**
 * A throwaway redis-server (Debian's `redis-server`, from PATH or $REDIS_SERVER) for
 * the fleet tests and queue-mode n8n: a child process on a free port of
 * 127.0.0.1, nothing saved to disk, stopped by its PID. `stop()` then `start()`
 * brings it back on the same port (a Redis restart, empty).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { freePorts } from './process';

export class RedisServer {
  private child?: ChildProcess;

  private constructor(readonly port: number) {}

  /** Starts redis-server (from PATH, or $REDIS_SERVER) on a free port and waits until it answers PING. */
  static async start(): Promise<RedisServer> {
    const [port] = await freePorts(1);
    const server = new RedisServer(port as number);
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(process.env.REDIS_SERVER ?? 'redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    for (let attempt = 0; attempt < 100; attempt++) {
      if (await answersPing(this.port)) return;
      if (!this.child) throw new Error(`redis-server exited before answering on port ${this.port} (is redis-server installed?)`);
      await sleep(50);
    }
    await this.stop();
    throw new Error(`redis-server did not answer on port ${this.port} within 5 s`);
  }

  /** Stops the server by its PID and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    const finish = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => finish(data.toString().startsWith('+PONG')));
  });
}
