/** The dependency database over HTTP: the server's routes (app.ts) and the remote client (client.ts). */
export { buildDepdbApp, type DepdbAppOptions, type DepdbHttpReader } from './app.ts';
export { endpoint, remoteReader, remoteReleases, resolveRemote, type RemoteOptions } from './client.ts';
export {
  fromWire,
  toWire,
  resolveRequestSchema,
  providersRequestSchema,
  packageVersionsQuery,
  PACKAGE_NAME,
  LIMITS,
  type ResolveRequest,
  type WireElf,
  type ProvidersRequest,
  type ProvidersAnswer,
  type PackageVersionsAnswer,
} from './wire.ts';
