/** trigger(): the consumer on an active workflow, the test run's pick-up in manual mode. */
import type { ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';

import { toNodeError } from '../shared/nodeErrors';
import { InstantConsumer } from './instant.consumer';
import { readInstantSettings } from './instant.settings';
import { testRun } from './instant.testRun';

export function trigger(ctx: ITriggerFunctions): ITriggerResponse {
	let settings;
	try {
		settings = readInstantSettings(ctx);
	} catch (error) {
		throw toNodeError(ctx.getNode(), error);
	}
	if (ctx.getMode() === 'manual') return testRun(ctx, settings);
	const consumer = new InstantConsumer(ctx, settings);
	consumer.start();
	return { closeFunction: async () => consumer.close() };
}
