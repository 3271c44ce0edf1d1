/** The Zoho core: no n8n imports; the n8n glue and the tests use only what is exported here. */
export * from './auth';
export * from './clock';
export * from './credentials';
export * from './dataCentres';
export * from './errors';
export * from './expiry';
export * from './runtime';
export * from './schemas';
export * from './secrets';
export * from './tokenCache';
export * from './tokenClient';
export * from './tokenErrors';
export * from './transport';
export * from './apiClient';
export * from './apiErrors';
export * from './pagination';
export * from './services';
