/**
 * HTTP for the apt importer: node's global fetch with a timeout per attempt, retries with exponential backoff for
 * the failures that retrying can cure (network errors, 5xx, 429), byte ranges, and typed errors. Every byte received
 * is counted, so the import can report what it fetched against the size of the .debs.
 */
import { PkgmeError } from '../../../errors.ts';

export interface HttpOptions {
  /** Milliseconds for one attempt, headers and body (default 60 s: a 12 MB Contents index at a slow mirror). */
  timeoutMs?: number;
  /** Extra attempts after the first (default 3). */
  retries?: number;
  /** First backoff delay in ms, doubled each retry (default 250). */
  backoffMs?: number;
  /** Refuse bodies longer than this (default 512 MiB). */
  maxBytes?: number;
}

export interface HttpResponse {
  status: number;
  body: Buffer;
  /** True for a 206 answer to a Range request; false when the server sent the whole resource (200). */
  partial: boolean;
  /** The resource's total size when the server said (Content-Range or Content-Length of a 200). */
  totalSize?: number;
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'timed out';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

/** One connection pool's worth of state: the options and the counters of what went over the wire. */
export class HttpClient {
  bytesReceived = 0;
  requests = 0;
  readonly opts: Required<HttpOptions>;

  constructor(opts: HttpOptions = {}) {
    this.opts = {
      timeoutMs: opts.timeoutMs ?? 60_000,
      retries: opts.retries ?? 3,
      backoffMs: opts.backoffMs ?? 250,
      maxBytes: opts.maxBytes ?? 512 * 1024 * 1024,
    };
  }

  /**
   * GETs `url`; with `range` ([first, last] inclusive) asks for those bytes only. A 200 answer to a Range request
   * is returned as is (partial: false) so the caller can fall back to the whole file. 404 and other 4xx fail at
   * once with APT_HTTP_STATUS; network failures end in APT_UNREACHABLE after the retries.
   */
  async get(url: string, range?: [number, number]): Promise<HttpResponse> {
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.opts.retries; attempt++) {
      if (attempt > 0) await sleep(this.opts.backoffMs * 2 ** (attempt - 1));
      let res: Response;
      try {
        this.requests++;
        res = await fetch(url, {
          headers: range ? { Range: `bytes=${range[0]}-${range[1]}` } : {},
          signal: AbortSignal.timeout(this.opts.timeoutMs),
        });
      } catch (err) {
        lastError = err;
        continue;
      }
      if (RETRY_STATUS.has(res.status) && attempt < this.opts.retries) {
        await res.body?.cancel();
        continue;
      }
      if (res.status !== 200 && res.status !== 206) {
        await res.body?.cancel();
        throw new PkgmeError(
          'APT_HTTP_STATUS',
          `GET ${url}: HTTP ${res.status} ${res.statusText}`,
          'environment',
          {
            hint:
              res.status === 404
                ? 'the file is not on the mirror: check the suite, component and architecture of the source'
                : 'the mirror refused the request; try again later or use another mirror',
            details: { url, status: res.status },
          },
        );
      }
      let body: Buffer;
      try {
        body = await this.readBody(res, url);
      } catch (err) {
        if (err instanceof PkgmeError) throw err;
        lastError = err;
        continue;
      }
      const partial = res.status === 206;
      if (partial && range) {
        const cr = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
        if (!cr || Number(cr[1]) !== range[0]) {
          throw new PkgmeError(
            'APT_HTTP_STATUS',
            `GET ${url}: 206 with Content-Range "${res.headers.get('content-range')}" for bytes=${range[0]}-${range[1]}`,
            'environment',
            {
              hint: 'the mirror answered a different range than asked; use another mirror',
              details: { url },
            },
          );
        }
        return { status: 206, body, partial, ...(cr[3] !== '*' ? { totalSize: Number(cr[3]) } : {}) };
      }
      return { status: res.status, body, partial, totalSize: body.length };
    }
    throw new PkgmeError('APT_UNREACHABLE', `cannot fetch ${url}: ${describe(lastError)}`, 'environment', {
      hint: 'check the network and the URI of the apt source (apt-get update shows the same failure)',
      details: { url, attempts: this.opts.retries + 1, reason: describe(lastError) },
      cause: lastError,
    });
  }

  private async readBody(res: Response, url: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let total = 0;
    if (!res.body) return Buffer.alloc(0);
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      this.bytesReceived += chunk.length;
      if (total > this.opts.maxBytes) {
        throw new PkgmeError(
          'APT_LIMIT',
          `GET ${url}: body larger than ${this.opts.maxBytes} bytes`,
          'limit',
          {
            hint: 'no apt index or control member is this large; check the source URI',
            details: { url, limit: this.opts.maxBytes },
          },
        );
      }
      chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
    return Buffer.concat(chunks);
  }
}
