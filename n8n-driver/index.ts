/**
 * Drives a real n8n installed by `bash n8n-host/install.sh`: throwaway user
 * folders with the package under test, the CLI, `n8n start`, the owner login, and
 * a ready instance with the simulator credential and the examples. Used by e2e,
 * ui, bench and scripts; it imports none of them.
 */
export * from './cli';
export * from './host';
export * from './instance';
export * from './login';
export * from './process';
export * from './server';
export * from './userFolder';
export * from './queue';
export * from './receiver';
export * from './webhooks';
export * from './workflows';
