/**
 * A process of its own for cancel.test.ts: runs one workflow with the node against
 * the parent's simulator, with the production runtime (real timeouts and retry waits),
 * and cancels it when the parent says so over IPC. It never calls process.exit and
 * closes nothing of the node's: it must end by itself, so a request, timer or retry
 * wait left behind by a cancel keeps it alive and the parent sees that.
 */
import { ZohoSelfClientApi } from '../../../credentials/ZohoSelfClientApi.credentials';
import { ZohoOAuthRequest } from '../../../nodes/ZohoOAuthRequest/ZohoOAuthRequest.node';
import { runWorkflow } from '../../../harness';
import { NODE_TYPE, zohoWorkflow } from '../../../harness/zohoWorkflow';
import type { IDataObject } from 'n8n-workflow';

export interface CancelRunInput {
	accountsUrl: string;
	clientId: string;
	clientSecret: string;
	refreshToken: string;
	parameters: Record<string, unknown>;
	/** Input items (default 1). */
	items?: number;
}

export interface CancelRunOutput {
	status: string;
	error?: string;
	items: number;
}

async function main(): Promise<void> {
	const input = JSON.parse(process.env.CANCEL_RUN_INPUT ?? '{}') as CancelRunInput;
	const controller = new AbortController();
	process.on('message', (message) => {
		if (message !== 'cancel') return;
		controller.abort();
		process.disconnect?.();
	});
	const result = await runWorkflow({
		workflow: zohoWorkflow(input.parameters as IDataObject, { credentialId: 'c1' }),
		nodeTypes: { [NODE_TYPE]: new ZohoOAuthRequest() },
		credentialTypes: { zohoSelfClientApi: new ZohoSelfClientApi() },
		credentials: {
			c1: {
				type: 'zohoSelfClientApi',
				data: {
					dataCentre: 'custom',
					customAccountsUrl: input.accountsUrl,
					clientId: input.clientId,
					clientSecret: input.clientSecret,
					refreshToken: input.refreshToken,
					accessToken: '',
				},
			},
		},
		inputItems: Array.from({ length: input.items ?? 1 }, (_, i) => ({ json: { i } })),
		signal: controller.signal,
		timeoutMs: 120_000,
	});
	const output: CancelRunOutput = {
		status: result.status,
		error: result.error?.message,
		items: result.outputs.Zoho?.[0]?.length ?? 0,
	};
	process.stdout.write(`${JSON.stringify(output)}\n`);
	// Done: nothing more to hear from the parent.
	if (process.connected) process.disconnect?.();
}

main().catch((error: unknown) => {
	process.stderr.write(
		`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exitCode = 1;
	if (process.connected) process.disconnect?.();
});
