/**
 * The HTTP error contract: every 4xx/5xx body is `{"error": {code, kind, message, hint?, details}}`, the shape
 * `pkgme … --json` prints for a PkgmeError, so a script handles a remote failure the way it handles a local one and
 * the remote client can rethrow the very error the server raised.
 */
import type { FastifyError } from 'fastify';
import { PkgmeError } from '../../errors.ts';

/** Status for a PkgmeError: a release never imported is 404 (the resource is absent), other input faults 400. */
export function statusFor(err: PkgmeError): number {
  if (err.code === 'DEPDB_RELEASE_NOT_IMPORTED' || err.code === 'DEPDB_EMPTY') return 404;
  switch (err.kind) {
    case 'input':
    case 'usage':
      return 400;
    case 'limit':
      return 413;
    case 'environment':
      return 503;
    default:
      return 500;
  }
}

/** A fastify error (schema validation, body too large, bad JSON) as a PkgmeError with a stable code. */
export function fromFastify(err: FastifyError): { status: number; error: PkgmeError } {
  if (err.validation) {
    const where = err.validationContext ?? 'request';
    const first = err.validation[0];
    return {
      status: 400,
      error: new PkgmeError('HTTP_BAD_REQUEST', `${where}: ${err.message}`, 'usage', {
        hint:
          where === 'body'
            ? 'Send the JSON document described in docs/depdb-http.md (POST /v3/resolve), as `pkgme depdb resolve --depdb URL` does.'
            : 'See docs/depdb-http.md for the parameters, e.g. ?libs=libz.so.1&libs=libpng16.so.16.',
        details: {
          in: where,
          ...(first ? { path: first.instancePath, keyword: first.keyword, params: first.params } : {}),
        },
      }),
    };
  }
  const status = err.statusCode ?? 500;
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return {
      status: 413,
      error: new PkgmeError('HTTP_BODY_TOO_LARGE', err.message, 'limit', {
        hint: 'Resolve the upload in parts, or start the server with a larger --body-limit.',
      }),
    };
  }
  if (status >= 400 && status < 500) {
    return {
      status,
      error: new PkgmeError('HTTP_BAD_REQUEST', err.message, 'usage', {
        hint: 'Send JSON with Content-Type: application/json (see docs/depdb-http.md).',
        details: { fastify: err.code },
      }),
    };
  }
  return { status: 500, error: new PkgmeError('INTERNAL', err.message, 'internal') };
}
