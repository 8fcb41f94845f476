/**
 * Fuzz target: the bytes of a POST /v3/resolve body. Seeds are the real bodies `pkgme depdb resolve --depdb` sends
 * for small /usr/bin binaries; mutations hit the JSON parser, the schema and, for the bodies that stay valid, the
 * resolver with facts no ELF file would give (null architectures, odd sonames, bundled entries pointing anywhere).
 * The contract: every answer is a 200 or a 4xx with the JSON error shape; a 5xx (an unexpected exception inside a
 * route) is a finding. The reader is the resolver's in-memory double over this machine's dpkg database (the same
 * records `import --local` stores), so no database start-up eats the budget.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { fuzz } from '../../testing/fuzz.ts';
import { readUpload } from '../resolve/index.ts';
import { localReader } from '../resolve/testing/memory-reader.ts';
import { buildDepdbApp, type DepdbHttpReader } from './app.ts';
import { toWire } from './wire.ts';

test('fuzz POST /v3/resolve bodies', async () => {
  const memory = localReader();
  const reader: DepdbHttpReader = Object.assign(memory, {
    binariesForLibraries: async (): Promise<Record<string, string[]>> => ({}),
    packageVersions: async (): Promise<Map<string, string[]>> => new Map(),
  });
  const app = await buildDepdbApp({ reader, bodyLimit: 1 << 20 });
  const small = ['/usr/bin/true', '/usr/bin/ls', '/usr/bin/gpgv', '/usr/bin/dpkg'].filter(
    (p) => statSync(p).size < 1 << 20,
  );
  const seeds = small.map((p) => new TextEncoder().encode(JSON.stringify(toWire(readUpload([p])))));
  assert.ok(seeds.length >= 3, 'need real seeds');
  let statuses = new Map<number, number>();
  try {
    const report = await fuzz({
      name: 'v3-resolve-body',
      seeds,
      run: async (input) => {
        const res = await app.inject({
          method: 'POST',
          url: '/v3/resolve',
          headers: { 'content-type': 'application/json' },
          payload: Buffer.from(input),
        });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode >= 500) throw new Error(`status ${res.statusCode}: ${res.body.slice(0, 300)}`);
        const body = JSON.parse(res.body) as { error?: { code?: string; message?: string } };
        if (res.statusCode !== 200 && !(body.error?.code && body.error.message)) {
          throw new Error(`status ${res.statusCode} without the JSON error shape: ${res.body.slice(0, 200)}`);
        }
      },
    });
    console.log(
      `fuzz v3 resolve: ${report.inputs} bodies, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    assert.ok(report.inputs > 0);
  } finally {
    statuses = new Map();
    await app.close();
  }
});
