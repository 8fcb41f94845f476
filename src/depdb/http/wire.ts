/**
 * The body of `POST /v3/resolve`: what the CLI extracts from an upload locally (src/depdb/resolve/upload.ts) and the
 * server needs to run the very same resolver function. It is the resolver's UploadSet without anything that only
 * makes sense on the client's disk: no absolute paths, and the bundling decisions (which need the upload's files,
 * RUNPATH `$ORIGIN` and the directory layout) are made by the client and sent as each file's `bundled` list. The
 * server therefore never trusts a path to mean anything on its own file system; paths are labels in the answer.
 *
 * The JSON Schemas below are what fastify validates bodies against (before any handler runs); their limits bound the
 * work one request can cause, on top of the body size limit.
 */
import type { Bundled, ImportedSymbol, UploadElf } from '../resolve/model.ts';
import type { ResolveOptions, UploadSet } from '../resolve/index.ts';
import type { SonameProviders } from '../types.ts';

/** One ELF file as sent: UploadElf without `abs`, plus the sonames the upload bundles for it. */
export interface WireElf extends Omit<UploadElf, 'abs'> {
  bundled: Bundled[];
}

export interface ResolveRequest {
  /** Releases to answer for (default: every imported release), as `pkgme depdb resolve --release`. */
  releases?: string[];
  /** Only resolve the files of this architecture, as `--arch`. */
  arch?: string;
  files: WireElf[];
  /** Files the client could not read (kept so the answer lists them exactly as a local run would). */
  skipped?: Array<{ path: string; reason: string }>;
}

/** Limits of one request; generous for real uploads (a big game has a few hundred ELF files). */
export const LIMITS = {
  files: 20_000,
  needed: 4_096,
  imports: 200_000,
  releases: 64,
  name: 4_096,
  /** Libraries or package names per GET lookup (v1/v2, /v3/package_versions), sonames per /v3/providers. */
  lookup: 1_000,
} as const;

const str = { type: 'string', maxLength: LIMITS.name } as const;
const nonEmpty = { type: 'string', minLength: 1, maxLength: LIMITS.name } as const;
/** Release and architecture names: Debian's own alphabet, so they can never smuggle anything into a query. */
const token = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9.+_~-]{0,127}$' } as const;

const importedSymbol = {
  type: 'object',
  required: ['name', 'version', 'weak'],
  additionalProperties: false,
  properties: {
    name: str,
    version: { type: ['string', 'null'], maxLength: LIMITS.name },
    weak: { type: 'boolean' },
  },
} as const;

const bundled = {
  type: 'object',
  required: ['soname', 'path', 'via', 'neededBy'],
  additionalProperties: false,
  properties: {
    soname: nonEmpty,
    path: nonEmpty,
    via: { enum: ['runpath', 'rpath', 'beside', 'soname'] },
    neededBy: { type: 'array', maxItems: LIMITS.files, items: nonEmpty },
  },
} as const;

const wireElf = {
  type: 'object',
  required: ['path', 'arch', 'kind', 'needed', 'soname', 'searchPath', 'searchPathTag', 'imports', 'bundled'],
  additionalProperties: false,
  properties: {
    path: nonEmpty,
    arch: { anyOf: [token, { type: 'null' }] },
    kind: str,
    needed: { type: 'array', maxItems: LIMITS.needed, items: nonEmpty },
    soname: { type: ['string', 'null'], maxLength: LIMITS.name },
    searchPath: { type: 'array', maxItems: LIMITS.needed, items: str },
    searchPathTag: { enum: ['runpath', 'rpath', 'none'] },
    imports: { type: 'array', maxItems: LIMITS.imports, items: importedSymbol },
    bundled: { type: 'array', maxItems: LIMITS.needed, items: bundled },
  },
} as const;

export const resolveRequestSchema = {
  type: 'object',
  required: ['files'],
  additionalProperties: false,
  properties: {
    releases: { type: 'array', maxItems: LIMITS.releases, items: token },
    arch: token,
    files: { type: 'array', minItems: 1, maxItems: LIMITS.files, items: wireElf },
    skipped: {
      type: 'array',
      maxItems: LIMITS.files,
      items: {
        type: 'object',
        required: ['path', 'reason'],
        additionalProperties: false,
        properties: { path: str, reason: str },
      },
    },
  },
} as const;

/** The request body for an upload read locally (readUpload) and the resolve options. */
export function toWire(upload: UploadSet, opts: ResolveOptions = {}): ResolveRequest {
  return {
    ...(opts.releases && opts.releases.length > 0 ? { releases: opts.releases } : {}),
    ...(opts.arch !== undefined ? { arch: opts.arch } : {}),
    files: upload.files.map((f) => {
      const { abs: _abs, ...rest } = f;
      return { ...rest, bundled: upload.bundled.get(f) ?? [] };
    }),
    skipped: upload.skipped,
  };
}

/**
 * The UploadSet the resolver takes, rebuilt from a validated body. `abs` is set to the relative path: the resolver
 * never reads it (only readUpload does), and a client's absolute path means nothing here.
 */
export function fromWire(body: ResolveRequest): { upload: UploadSet; opts: ResolveOptions } {
  const bundledMap = new Map<UploadElf, Bundled[]>();
  const files: UploadElf[] = body.files.map((w) => {
    const { bundled: b, ...rest } = w;
    const f: UploadElf = {
      ...rest,
      imports: rest.imports.map((i): ImportedSymbol => ({ ...i })),
      abs: w.path,
    };
    bundledMap.set(f, b);
    return f;
  });
  return {
    upload: { files, skipped: body.skipped ?? [], bundled: bundledMap },
    opts: {
      ...(body.releases && body.releases.length > 0 ? { releases: body.releases } : {}),
      ...(body.arch !== undefined ? { arch: body.arch } : {}),
    },
  };
}

/**
 * `POST /v3/providers`: the resolver's `DepDbReader.providers(key, sonames)` over HTTP, so a client resolves with its
 * own resolver on the server's data (remoteReader, client.ts) and gets `POST /v3/resolve`'s answer. A POST because
 * the sonames of a big upload do not fit a URL.
 */
export interface ProvidersRequest {
  release: string;
  arch: string;
  sonames: string[];
}

/** Every soname asked that has a provider, as the store returns it (symbols sections, shlibs lines, files). */
export interface ProvidersAnswer {
  providers: Record<string, SonameProviders>;
}

export const providersRequestSchema = {
  type: 'object',
  required: ['release', 'arch', 'sonames'],
  additionalProperties: false,
  properties: {
    release: token,
    arch: token,
    sonames: {
      type: 'array',
      minItems: 1,
      maxItems: LIMITS.lookup,
      items: { type: 'string', minLength: 1, maxLength: 255 },
    },
  },
} as const;

/**
 * Debian's binary package names: policy §5.6.1's alphabet (lower case, digits, `+ - .`, at least two characters,
 * starting alphanumeric). A name outside it cannot be in any Packages index, so the client never asks for one.
 */
export const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;

/** `GET /v3/package_versions?release=R&names=a&names=b`: the store's packageVersions for one release. */
export const packageVersionsQuery = {
  type: 'object',
  required: ['release', 'names'],
  properties: {
    release: token,
    names: {
      type: 'array',
      minItems: 1,
      maxItems: LIMITS.lookup,
      items: { type: 'string', maxLength: 255, pattern: PACKAGE_NAME.source },
    },
  },
} as const;

/** `{release, versions: {name: [version…]}}`: names the release lacks are absent, versions sorted as text. */
export interface PackageVersionsAnswer {
  release: string;
  versions: Record<string, string[]>;
}
