/** The dependency database over HTTP: the server's routes (app.ts) and the remote client (client.ts). */
export { buildDepdbApp, type DepdbAppOptions, type DepdbHttpReader } from './app.ts';
export { endpoint, remoteReleases, resolveRemote, type RemoteOptions } from './client.ts';
export { fromWire, toWire, resolveRequestSchema, LIMITS, type ResolveRequest, type WireElf } from './wire.ts';
