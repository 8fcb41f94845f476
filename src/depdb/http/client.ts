/**
 * The remote side of `pkgme depdb resolve --depdb URL`: the ELF facts are read locally (readUpload: only the
 * client has the files), sent to the server's `POST /v3/resolve`, and the server's ResolveResult is returned as is,
 * so a developer at home gets exactly the answer the server computes. A server error comes back as the same
 * PkgmeError (code, message, hint, details) it raised there.
 *
 * `remoteReader` is the other way to use a server: a whole DepDbReader (releases, providers, packageVersions) over
 * HTTP, for the commands that need more than one resolve (`pkgme package|build|inspect --depdb URL` plan the package
 * with the server's Debian names too: NAME_CLASHES_DEBIAN and the epoch).
 */
import { PkgmeError, type ErrorKind } from '../../errors.ts';
import type { ResolveOptions, ResolveResult, UploadSet } from '../resolve/index.ts';
import type { DepDbReader, ImportOrigin, ReleaseKey, SonameProviders } from '../types.ts';
import {
  LIMITS,
  PACKAGE_NAME,
  toWire,
  type PackageVersionsAnswer,
  type ProvidersAnswer,
  type ProvidersRequest,
} from './wire.ts';

export interface RemoteOptions {
  /** Give up after this many ms (default 120 s: a big upload against a cold server). */
  timeoutMs?: number;
}

const KINDS = new Set<ErrorKind>(['input', 'usage', 'limit', 'environment', 'internal']);

/** `base` joined with a route, keeping any path prefix the service is mounted under. */
export function endpoint(base: string, route: string): URL {
  let u: URL;
  try {
    u = new URL(base.endsWith('/') ? base : `${base}/`);
  } catch {
    throw new PkgmeError('DEPDB_REMOTE_URL', `--depdb ${base} is not a URL`, 'usage', {
      hint: 'Give the server’s base URL, e.g. --depdb http://127.0.0.1:8080',
      details: { url: base },
    });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new PkgmeError('DEPDB_REMOTE_URL', `--depdb ${base}: only http and https are supported`, 'usage', {
      hint: 'Give the server’s base URL, e.g. --depdb http://127.0.0.1:8080',
      details: { url: base },
    });
  }
  return new URL(route.replace(/^\//, ''), u);
}

async function call<T>(url: URL, init: RequestInit, opts: RemoteOptions): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(opts.timeoutMs ?? 120_000) });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    throw new PkgmeError(
      'DEPDB_REMOTE_UNREACHABLE',
      `cannot reach the dependency database at ${url.origin}: ${e.cause?.message ?? e.message}`,
      'environment',
      { hint: 'Check the --depdb URL and that `pkgme depdb serve` runs there.', details: { url: url.href } },
    );
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new PkgmeError(
      'DEPDB_REMOTE_BAD_RESPONSE',
      `${url.href} answered ${res.status} with a body that is not JSON (${text.slice(0, 80)})`,
      'environment',
      {
        hint: 'Is the URL a pkgme dependency database server?',
        details: { url: url.href, status: res.status },
      },
    );
  }
  if (!res.ok) {
    const e = (body as { error?: Record<string, unknown> }).error;
    if (e && typeof e.code === 'string' && typeof e.message === 'string') {
      const kind = KINDS.has(e.kind as ErrorKind) ? (e.kind as ErrorKind) : 'environment';
      throw new PkgmeError(e.code, `${e.message} (server ${url.origin})`, kind, {
        ...(typeof e.hint === 'string' ? { hint: e.hint } : {}),
        details: { ...((e.details as Record<string, unknown>) ?? {}), status: res.status },
      });
    }
    throw new PkgmeError('DEPDB_REMOTE_BAD_RESPONSE', `${url.href} answered ${res.status}`, 'environment', {
      hint: 'Is the URL a pkgme dependency database server?',
      details: { url: url.href, status: res.status },
    });
  }
  return body as T;
}

/** Resolves an upload read locally (readUpload) against the server at `base`. */
export async function resolveRemote(
  base: string,
  upload: UploadSet,
  ropts: ResolveOptions = {},
  opts: RemoteOptions = {},
): Promise<ResolveResult> {
  return call<ResolveResult>(
    endpoint(base, '/v3/resolve'),
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(toWire(upload, ropts)),
    },
    opts,
  );
}

/** The server's imported (release, arch) pairs, as `pkgme depdb releases --json` lists them. */
export async function remoteReleases(
  base: string,
  opts: RemoteOptions = {},
): Promise<Array<ReleaseKey & { origin: ImportOrigin; packages: number; partial?: boolean }>> {
  const r = await call<{ releases: Array<ReleaseKey & { origin: ImportOrigin; packages: number }> }>(
    endpoint(base, '/v3/releases'),
    { method: 'GET' },
    opts,
  );
  return r.releases;
}

/** Longest query string a package_versions request is given (well under Node's 16 KiB header limit). */
const MAX_QUERY = 6_000;

/** Splits `items` into runs of at most `max` items whose encoded `key=item&…` stays under MAX_QUERY. */
function queryChunks(key: string, items: string[], max: number): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let len = 0;
  for (const it of items) {
    const add = key.length + 2 + encodeURIComponent(it).length;
    if (cur.length > 0 && (cur.length >= max || len + add > MAX_QUERY)) {
      out.push(cur);
      cur = [];
      len = 0;
    }
    cur.push(it);
    len += add;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/**
 * The server's store as a DepDbReader: `GET /v3/releases`, `POST /v3/providers`, `GET /v3/package_versions`. The
 * resolver and the plan run here on the server's data, so the answers equal a local run on the same store (the
 * resolver is the same code `POST /v3/resolve` runs). Requests are batched at the server's limits; errors are the
 * server's PkgmeErrors (e.g. DEPDB_RELEASE_NOT_IMPORTED), or DEPDB_REMOTE_* for the connection.
 */
export function remoteReader(base: string, opts: RemoteOptions = {}): Required<DepDbReader> {
  // Fail on a bad URL now, not at the first lookup halfway through a packaging run.
  endpoint(base, '/v3/releases');
  return {
    releases: () => remoteReleases(base, opts),
    async providers(key: ReleaseKey, sonames: string[]): Promise<Map<string, SonameProviders>> {
      const out = new Map<string, SonameProviders>();
      const wanted = [...new Set(sonames)];
      for (let i = 0; i < wanted.length; i += LIMITS.lookup) {
        const body: ProvidersRequest = { ...key, sonames: wanted.slice(i, i + LIMITS.lookup) };
        const r = await call<ProvidersAnswer>(
          endpoint(base, '/v3/providers'),
          { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
          opts,
        );
        for (const [s, p] of Object.entries(r.providers)) out.set(s, p);
      }
      return out;
    },
    async packageVersions(release: string, names: string[]): Promise<Map<string, string[]>> {
      const out = new Map<string, string[]>();
      // A name Debian's alphabet cannot spell is in no Packages index: absent, as the store would answer.
      const wanted = [...new Set(names)].filter((n) => n.length <= 255 && PACKAGE_NAME.test(n));
      for (const chunk of queryChunks('names', wanted, LIMITS.lookup)) {
        const u = endpoint(base, '/v3/package_versions');
        u.searchParams.set('release', release);
        for (const n of chunk) u.searchParams.append('names', n);
        const r = await call<PackageVersionsAnswer>(u, { method: 'GET' }, opts);
        for (const [n, v] of Object.entries(r.versions)) out.set(n, v);
      }
      return out;
    },
  };
}
