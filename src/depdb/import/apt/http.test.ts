import assert from 'node:assert/strict';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { isPkgmeError } from '../../../errors.ts';
import { HttpClient } from './http.ts';

async function serve(handler: RequestListener, fn: (url: string) => Promise<void>): Promise<void> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

const code = (c: string) => (e: unknown) => isPkgmeError(e) && e.code === c;

test('5xx answers are retried with backoff, then the body is returned', async () => {
  let n = 0;
  await serve(
    (_req, res) => {
      n++;
      if (n < 3) res.writeHead(503).end();
      else res.writeHead(200).end('ok');
    },
    async (url) => {
      const http = new HttpClient({ retries: 3, backoffMs: 5 });
      const r = await http.get(`${url}/x`);
      assert.equal(r.body.toString(), 'ok');
      assert.equal(http.requests, 3);
      assert.equal(http.bytesReceived, 2);
    },
  );
});

test('404 fails at once with APT_HTTP_STATUS; a wrong Content-Range too', async () => {
  let n = 0;
  await serve(
    (req, res) => {
      n++;
      if (req.url === '/missing') res.writeHead(404).end();
      else res.writeHead(206, { 'Content-Range': 'bytes 5-9/100' }).end('12345');
    },
    async (url) => {
      const http = new HttpClient({ retries: 3, backoffMs: 5 });
      await assert.rejects(http.get(`${url}/missing`), code('APT_HTTP_STATUS'));
      assert.equal(n, 1);
      await assert.rejects(http.get(`${url}/range`, [0, 4]), code('APT_HTTP_STATUS'));
    },
  );
});

test('a 200 answer to a Range request is returned whole, marked not partial', async () => {
  await serve(
    (_req, res) => res.writeHead(200).end('0123456789'),
    async (url) => {
      const r = await new HttpClient().get(`${url}/f`, [0, 3]);
      assert.equal(r.partial, false);
      assert.equal(r.body.length, 10);
    },
  );
});

test('a hanging server times out into APT_UNREACHABLE after the retries', async () => {
  await serve(
    () => undefined,
    async (url) => {
      const http = new HttpClient({ timeoutMs: 100, retries: 1, backoffMs: 5 });
      await assert.rejects(
        http.get(`${url}/slow`),
        (e: unknown) => code('APT_UNREACHABLE')(e) && /timed out/.test((e as Error).message),
      );
      assert.equal(http.requests, 2);
    },
  );
});
