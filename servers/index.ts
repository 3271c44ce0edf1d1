/** Real servers users run beside n8n (Redis, PostgreSQL), started and stopped by the tests. */
export * from './child';
export * from './postgres';
export * from './redis';
export * from './tinyproxy';
