/** The database connection layer (shared by the CLI, the dependency database and later the service). */
export { openDatabase, dropSchema, type OpenDatabase, type OpenOptions } from './open.ts';
export { resolveDbSpec, defaultDataDir, type DbTarget } from './spec.ts';
export { redactUrl } from './errors.ts';
export type { Database } from './schema.ts';
