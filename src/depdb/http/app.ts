/**
 * The dependency database over HTTP: `buildDepdbApp` returns a fastify app with the routes `pkgme depdb serve`
 * listens with and the future `pkgme serve` service mounts unchanged (docs/depdb-http.md):
 *
 *   GET  /v1/get_binaries_for_libraries?libs=…[&release=…]          libdep-service v1: {lib: [pkg…]}
 *   GET  /v2/get_binaries_for_libraries?libs=…&arch=…[&release=…]   libdep-service v2: {arch: {lib: [pkg…]}}
 *   POST /v3/resolve                                               the resolver over the server's store
 *   POST /v3/providers                                             the resolver's DepDbReader.providers
 *   GET  /v3/package_versions?release=…&names=…                    Debian's versions of binary package names
 *   GET  /v3/releases                                              imported (release, arch) with origins
 *   GET  /healthz
 *
 * The libdep lookups are the hot path (a client asks per soname, thousands of times), so answers are cached per
 * (release, arch, soname). The cache is keyed by a stamp of the release list (release, arch, package count, import
 * time), re-read at most every `releasesTtlMs`: an import that finishes is visible after at most that delay, and a
 * lookup never mixes two generations' answers for one library. Package-name lookups (the plan's clash check and
 * epoch, asked once per packaging run) go through a second cache of the same kind, keyed by (release, name).
 *
 * `/v3/providers` and `/v3/package_versions` are the two reads a packaging run needs besides the release list, so
 * `remoteReader` (client.ts) is a whole DepDbReader and `pkgme package --depdb URL` plans exactly as it would on the
 * server's store: the same Depends, the same NAME_CLASHES_DEBIAN and the same epoch.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { PkgmeError } from '../../errors.ts';
import { resolveUpload } from '../resolve/index.ts';
import type { DepDbReader, ImportOrigin, ReleaseKey } from '../types.ts';
import { fromFastify, statusFor } from './errors.ts';
import { LookupCache } from './lookup-cache.ts';
import {
  fromWire,
  LIMITS,
  packageVersionsQuery,
  providersRequestSchema,
  resolveRequestSchema,
  type PackageVersionsAnswer,
  type ProvidersAnswer,
  type ProvidersRequest,
  type ResolveRequest,
} from './wire.ts';

/** The reader the routes need: the resolver's DepDbReader plus the store's libdep lookup. */
export interface DepdbHttpReader extends DepDbReader {
  releases(): Promise<Array<ReleaseKey & { origin: ImportOrigin; packages: number; partial?: boolean }>>;
  binariesForLibraries(
    release: string | undefined,
    arch: string,
    libs: string[],
  ): Promise<Record<string, string[]>>;
  /** Required here (optional for the resolver): the server answers `/v3/package_versions` from it. */
  packageVersions(release: string, names: string[]): Promise<Map<string, string[]>>;
}

export interface DepdbAppOptions {
  reader: DepdbHttpReader;
  /** fastify's logger option: true logs every request as JSON lines (pino). Default false. */
  logger?: boolean;
  /** Architecture v1 answers for, and v2 without `arch` (default amd64; `pkgme depdb serve` passes the machine's). */
  defaultArch?: string;
  /** Largest request body accepted (bytes; default 32 MiB: a few hundred ELF files with every import). */
  bodyLimit?: number;
  /** How long the release list (and so the lookup cache's validity) is trusted, in ms (default 1000; 0 = never). */
  releasesTtlMs?: number;
  /** Cached (release, arch, soname) answers kept at most (default 200,000; 0 disables the cache). */
  cacheEntries?: number;
}

const MAX_LIBS = LIMITS.lookup;
const token = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9.+_~-]{0,127}$' } as const;
const libsParam = {
  type: 'array',
  minItems: 1,
  maxItems: MAX_LIBS,
  items: { type: 'string', minLength: 1, maxLength: 255 },
} as const;

const v1Query = {
  type: 'object',
  required: ['libs'],
  properties: { libs: libsParam, release: token },
} as const;
const v2Query = {
  type: 'object',
  required: ['libs'],
  properties: {
    libs: libsParam,
    arch: { type: 'array', minItems: 1, maxItems: 64, items: token },
    release: token,
  },
} as const;

/** `{lib: [pkg…]}`: declared so fastify serialises it with a compiled serialiser (the hot path). */
const libsAnswer = {
  type: 'object',
  additionalProperties: { type: 'array', items: { type: 'string' } },
} as const;

interface Releases {
  at: number;
  stamp: string;
  list: Awaited<ReturnType<DepdbHttpReader['releases']>>;
}

function notImported(release: string, arch: string, list: Releases['list']): PkgmeError {
  const known = list.map((r) => `${r.release}/${r.arch}`);
  return new PkgmeError(
    'DEPDB_RELEASE_NOT_IMPORTED',
    `release ${release}/${arch} has not been imported on this server`,
    'input',
    {
      hint: known.length
        ? `Imported here: ${known.join(', ')} (GET /v3/releases). Pass one of them as ?release=…&arch=….`
        : 'This server has no release imported yet: run pkgme depdb import on it.',
      details: { release, arch, imported: known },
    },
  );
}

export async function buildDepdbApp(opts: DepdbAppOptions): Promise<FastifyInstance> {
  const { reader } = opts;
  const defaultArch = opts.defaultArch ?? 'amd64';
  const ttl = opts.releasesTtlMs ?? 1000;
  const maxEntries = opts.cacheEntries ?? 200_000;
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? 32 * 1024 * 1024,
    // `libs=a` alone must still be an array; bodies are validated strictly (no silent removal of unknown fields).
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
  });

  const cache = new LookupCache((r, a, libs) => reader.binariesForLibraries(r, a, libs), maxEntries);
  // Names are per release across its architectures (depdb_names): one key space, architecture ''.
  const names = new LookupCache(
    async (r, _a, n) => Object.fromEntries(await reader.packageVersions(r, n)),
    maxEntries,
  );
  let releases: Releases | undefined;
  let pending: Promise<Releases> | undefined;
  const refresh = (): Promise<Releases> =>
    (pending ??= (async () => {
      try {
        const list = await reader.releases();
        const stamp = JSON.stringify(list.map((r) => [r.release, r.arch, r.packages, r.origin.importedAt]));
        if (releases !== undefined && releases.stamp !== stamp) {
          cache.invalidate();
          names.invalidate();
        }
        releases = { at: Date.now(), stamp, list };
        return releases;
      } finally {
        pending = undefined;
      }
    })());
  /**
   * The release list: read once, then re-read in the background when older than the TTL (a lookup never waits
   * for the refresh, so the database's one connection being busy does not stall the hot path).
   */
  const loadReleases = async (): Promise<Releases> => {
    if (releases === undefined || ttl === 0) return refresh();
    if (Date.now() - releases.at >= ttl) refresh().catch((err: unknown) => app.log.error(err));
    return releases;
  };

  /** The release a lookup uses: the one asked, else the most recently imported release of that architecture. */
  const pickRelease = (rel: Releases, release: string | undefined, arch: string): string => {
    const ofArch = rel.list.filter((r) => r.arch === arch);
    if (release !== undefined) {
      if (!ofArch.some((r) => r.release === release)) throw notImported(release, arch, rel.list);
      return release;
    }
    const latest = [...ofArch].sort((a, b) =>
      a.origin.importedAt < b.origin.importedAt ? 1 : a.origin.importedAt > b.origin.importedAt ? -1 : 0,
    )[0];
    if (!latest) throw notImported('(any)', arch, rel.list);
    return latest.release;
  };

  const lookup = async (
    release: string | undefined,
    arch: string,
    libs: string[],
  ): Promise<Record<string, string[]>> => {
    const rel = await loadReleases();
    const r = pickRelease(rel, release, arch);
    return cache.lookup(r, arch, libs);
  };

  /** A release imported for some architecture (package names are per release), else DEPDB_RELEASE_NOT_IMPORTED. */
  const requireRelease = async (release: string): Promise<void> => {
    const rel = await loadReleases();
    if (!rel.list.some((r) => r.release === release)) throw notImported(release, '(any)', rel.list);
  };

  app.setErrorHandler((err: FastifyError | PkgmeError, _req, reply) => {
    if (err instanceof PkgmeError) return reply.status(statusFor(err)).send({ error: err.toJSON() });
    const { status, error } = fromFastify(err);
    if (status >= 500) app.log.error(err);
    return reply.status(status).send({ error: error.toJSON() });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({
      error: new PkgmeError('HTTP_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`, 'usage', {
        hint: 'Routes: GET /v1/get_binaries_for_libraries, GET /v2/get_binaries_for_libraries, POST /v3/resolve, POST /v3/providers, GET /v3/package_versions, GET /v3/releases, GET /healthz.',
      }).toJSON(),
    }),
  );

  app.get<{ Querystring: { libs: string[]; release?: string } }>(
    '/v1/get_binaries_for_libraries',
    { schema: { querystring: v1Query, response: { 200: libsAnswer } } },
    async (req) => lookup(req.query.release, defaultArch, req.query.libs),
  );

  app.get<{ Querystring: { libs: string[]; arch?: string[]; release?: string } }>(
    '/v2/get_binaries_for_libraries',
    {
      schema: {
        querystring: v2Query,
        response: { 200: { type: 'object', additionalProperties: libsAnswer } },
      },
    },
    async (req) => {
      const out: Record<string, Record<string, string[]>> = {};
      for (const arch of [...new Set(req.query.arch ?? [defaultArch])]) {
        out[arch] = await lookup(req.query.release, arch, req.query.libs);
      }
      return out;
    },
  );

  app.post<{ Body: ResolveRequest }>(
    '/v3/resolve',
    { schema: { body: resolveRequestSchema } },
    async (req) => {
      const { upload, opts: ropts } = fromWire(req.body);
      return resolveUpload(reader, upload, ropts);
    },
  );

  app.post<{ Body: ProvidersRequest }>(
    '/v3/providers',
    { schema: { body: providersRequestSchema } },
    async (req): Promise<ProvidersAnswer> => {
      const { release, arch, sonames } = req.body;
      pickRelease(await loadReleases(), release, arch);
      return { providers: Object.fromEntries(await reader.providers({ release, arch }, sonames)) };
    },
  );

  app.get<{ Querystring: { release: string; names: string[] } }>(
    '/v3/package_versions',
    {
      schema: {
        querystring: packageVersionsQuery,
        response: {
          200: {
            type: 'object',
            required: ['release', 'versions'],
            properties: { release: { type: 'string' }, versions: libsAnswer },
          },
        },
      },
    },
    async (req): Promise<PackageVersionsAnswer> => {
      const { release } = req.query;
      await requireRelease(release);
      return { release, versions: await names.lookup(release, '', req.query.names) };
    },
  );

  app.get('/v3/releases', async () => ({ releases: await reader.releases() }));

  app.get('/healthz', async () => {
    const rel = await loadReleases();
    return { ok: true, releases: rel.list.length };
  });

  return app;
}
