/**
 * `npm run bench:fleet`: the scene of the fleet issue, measured. n8n 2.x in queue
 * mode (main + 2 workers, PostgreSQL, Redis), 60 webhook executions of 20 API calls
 * each (20 executions in flight), Zoho answering after 50 ms and allowing 5 calls at
 * once, run three ways:
 *
 *   - our node, token store in n8n's Redis (no setting), Concurrency Limit Free (5);
 *   - our node, every process for itself (ZOHO_TOKEN_STORE=memory), same limit;
 *   - n8n's HTTP Request node with n8n's generic OAuth2 credential (client credentials).
 *
 * Counts mints, 429 answers, peak calls in flight at Zoho and failed executions, and
 * the wall time of the 60 executions. Writes bench/fleet-results.md.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
  activateWorkflow,
  createUserFolder,
  importCredentials,
  importWorkflows,
  n8nVersion,
  NODE_TYPE,
  packPackage,
  queueModeEnv,
  type QueueFleet,
  repoRoot,
  runWebhooks,
  startQueueFleet,
  type UserFolder,
  type Workflow,
} from '../n8n-driver';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from '../servers';
import { ZohoSimulator } from '../simulator';

const EXECUTIONS = 60;
const CALLS = 20;
const IN_FLIGHT = 20;
const ZOHO_LATENCY_MS = 50;
const ZOHO_CONCURRENCY = 5;
const SOID = 'bench-fleet-org';

type Variant = 'oursShared' | 'oursPerProcess' | 'httpOAuth2';
const VARIANTS: Array<{ variant: Variant; what: string; workerEnv: Record<string, string> }> = [
  { variant: 'oursShared', what: 'our node, token store in the queue Redis, Concurrency Limit Free (5)', workerEnv: {} },
  { variant: 'oursPerProcess', what: 'our node, each process for itself (ZOHO_TOKEN_STORE=memory), Concurrency Limit Free (5)', workerEnv: { ZOHO_TOKEN_STORE: 'memory' } },
  { variant: 'httpOAuth2', what: "n8n's HTTP Request node, n8n's generic OAuth2 credential (client credentials)", workerEnv: {} },
];

interface Row {
  what: string;
  mints: number;
  tooMany: number;
  ok: number;
  peak: number;
  failed: number;
  wallMs: number;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function workflow(variant: Variant, target: Record<string, unknown>): Workflow {
  const id = `benchFleet${variant[0]?.toUpperCase()}${variant.slice(1)}`.slice(0, 21);
  return {
    id,
    name: `bench fleet: ${variant}`,
    active: false,
    settings: { executionOrder: 'v1' },
    pinData: {},
    nodes: [
      {
        id: `${id}-webhook`,
        name: 'Webhook',
        type: 'n8n-nodes-base.webhook',
        typeVersion: 2,
        position: [0, 0],
        webhookId: `5e1d7b20-0000-4000-8000-00000000000${VARIANTS.findIndex((entry) => entry.variant === variant)}`,
        parameters: { path: `bench-fleet-${variant}`, httpMethod: 'POST', responseMode: 'lastNode', options: {} },
      },
      { id: `${id}-split`, name: 'Split Out', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [220, 0], parameters: { fieldToSplitOut: 'body.items', options: {} } },
      { id: `${id}-call`, name: 'Call', position: [440, 0], ...target },
    ],
    connections: {
      Webhook: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
      'Split Out': { main: [[{ node: 'Call', type: 'main', index: 0 }]] },
    },
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const sim = new ZohoSimulator({ dataCentres: ['us'] });
  let postgres: PostgresServer | undefined;
  let redis: RedisServer | undefined;
  let userFolder: UserFolder | undefined;
  let fleet: QueueFleet | undefined;
  let tarball: string | undefined;
  try {
    tarball = await packPackage();
    await sim.start();
    const client = sim.registerClient('us');
    const refreshTokens = {
      oursShared: sim.createRefreshToken('us', { clientId: client.clientId, scopes: ['ZohoCRM.org.READ'], token: '1000.bench.fleet.shared' }),
      oursPerProcess: sim.createRefreshToken('us', { clientId: client.clientId, scopes: ['ZohoCRM.org.READ'], token: '1000.bench.fleet.perprocess' }),
    };
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    userFolder = await createUserFolder({
      major: 2,
      packageTarball: tarball,
      env: queueModeEnv({ redis, postgres }),
    });
    const ours = (variant: 'oursShared' | 'oursPerProcess') => ({
      id: `benchFleetCred${variant === 'oursShared' ? 'S' : 'P'}`,
      name: `Zoho (${variant})`,
      type: 'zohoSelfClientApi',
      data: { dataCentre: 'custom', customAccountsUrl: sim.url('us'), ...client, refreshToken: refreshTokens[variant], concurrencyLimit: 'free' },
    });
    await importCredentials({
      major: 2,
      userFolder,
      credentials: [
        ours('oursShared'),
        ours('oursPerProcess'),
        {
          id: 'benchFleetOAuth2',
          name: 'Generic OAuth2 (client credentials)',
          type: 'oAuth2Api',
          data: { grantType: 'clientCredentials', accessTokenUrl: `${sim.url('us')}/oauth/v2/token?soid=${SOID}`, ...client, scope: 'ZohoCRM.org.READ', authentication: 'body' },
        },
      ],
    });
    const orgUrl = `${sim.url('us')}/crm/v8/org`;
    const ourNode = (variant: 'oursShared' | 'oursPerProcess') => ({
      type: NODE_TYPE,
      typeVersion: 1,
      parameters: { operation: 'apiRequest', method: 'GET', service: 'crm', path: '/org', options: { maxConcurrency: 5 } },
      credentials: { zohoSelfClientApi: { id: ours(variant).id, name: ours(variant).name } },
    });
    const workflows = [
      workflow('oursShared', ourNode('oursShared')),
      workflow('oursPerProcess', ourNode('oursPerProcess')),
      workflow('httpOAuth2', {
        type: 'n8n-nodes-base.httpRequest',
        typeVersion: 4.2,
        parameters: { method: 'GET', url: orgUrl, authentication: 'genericCredentialType', genericAuthType: 'oAuth2Api', options: {} },
        credentials: { oAuth2Api: { id: 'benchFleetOAuth2', name: 'Generic OAuth2 (client credentials)' } },
      }),
    ];
    await importWorkflows({ major: 2, userFolder, workflows });
    for (const entry of workflows) await activateWorkflow({ major: 2, userFolder, id: entry.id });

    const rows: Row[] = [];
    for (const { variant, what, workerEnv } of VARIANTS) {
      if (!fleet) fleet = await startQueueFleet({ major: 2, userFolder, workers: 2, workerEnv });
      else await fleet.restartWorkers({ workerEnv });
      sim.configure({ concurrencyLimit: ZOHO_CONCURRENCY, apiLatencyMs: ZOHO_LATENCY_MS });
      sim.resetCounters();
      const t0 = Date.now();
      const { failed } = await runWebhooks({
        baseUrl: fleet.main.baseUrl,
        path: `bench-fleet-${variant}`,
        body: { items: Array.from({ length: CALLS }, (_, i) => i) },
        count: EXECUTIONS,
        parallel: IN_FLIGHT,
      });
      const wallMs = Date.now() - t0;
      const counters = sim.counters();
      const byStatus = (status: number) => counters.callsByPathStatus[`GET /crm/v8/org ${status}`] ?? 0;
      const mints = variant === 'httpOAuth2' ? (counters.tokenRequestsByOutcome['client_credentials:success'] ?? 0) : counters.mintsTotal;
      const row = { what, mints, tooMany: byStatus(429), ok: byStatus(200), peak: counters.maxInFlight, failed, wallMs };
      log(`${variant}: ${JSON.stringify(row)}`);
      rows.push(row);
    }
    const report = render({ rows, started });
    fs.writeFileSync(path.join(repoRoot(), 'bench', 'fleet-results.md'), report);
    process.stdout.write(report);
  } finally {
    await fleet?.stop();
    await Promise.all([redis?.stop(), postgres?.stop()]);
    await sim.stop();
    userFolder?.cleanup();
    if (tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
  }
}

function render(options: { rows: Row[]; started: number }): string {
  const lines = [
    '# Fleet benchmark',
    '',
    'Written by `npm run bench:fleet` (bench/fleet.ts). n8n ' +
      `${n8nVersion(2)} in queue mode: a main and 2 workers (concurrency 10 each), PostgreSQL and redis-server on 127.0.0.1; ` +
      `${EXECUTIONS} webhook executions (${IN_FLIGHT} in flight) of ${CALLS} API calls each (Split Out → the calling node); ` +
      `the Zoho simulator answers after ${ZOHO_LATENCY_MS} ms and allows ${ZOHO_CONCURRENCY} calls at once (more answer 429). ` +
      'Our node runs 5 items at once (Max Concurrent Requests); counts come from the simulator.',
    '',
    'Peak in flight counts the calls Zoho admitted, so it cannot pass its limit; the calls above it are the 429 answers.',
    '',
    `Machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((value) => value.toFixed(2)).join(' ')} at the end, Node ${process.version}; whole run ${Math.round((Date.now() - options.started) / 1000)} s.`,
    '',
    '| fleet | mints | 429 answers | calls answered 200 | peak in flight at Zoho | failed executions | wall time |',
    '|---|---|---|---|---|---|---|',
    ...options.rows.map(
      (row) => `| ${row.what} | ${row.mints} | ${row.tooMany} | ${row.ok} of ${EXECUTIONS * CALLS} | ${row.peak} | ${row.failed} of ${EXECUTIONS} | ${(row.wallMs / 1000).toFixed(1)} s |`,
    ),
    '',
  ];
  return lines.join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
