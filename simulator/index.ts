// A local, faithful stand-in for Zoho's accounts server and APIs (see shared Zoho notes).
export { ZohoSimulator } from './simulator';
export {
	startDemoSimulator,
	DEMO_CUSTOM_MODULE,
	DEMO_SCOPES,
	type DemoOptions,
	type DemoSimulator,
} from './demo';
export { DEFAULT_CONFIG } from './config';
export { CREDITS } from './limits';
export type { BulkReadCallbackRecord, BulkReadPlan, BulkReadState } from './crm-bulk-read';
export {
	DC_IDS,
	type AuthorizationHeaderRecord,
	type BooksProduct,
	type CallRecord,
	type CountersSnapshot,
	type CrmFieldSpec,
	type CrmModuleSpec,
	type CrmRecord,
	type CrmRecordRule,
	type DcId,
	type FaultKind,
	type FaultSpec,
	type NotificationChannel,
	type NotificationCounters,
	type NotificationDelivery,
	type NotificationOperation,
	type SeedBooksOptions,
	type SeedCrmOptions,
	type SimConfig,
	type TouchCrmOptions,
	type WriteRecord,
	type ZohoSimulatorOptions,
} from './types';
