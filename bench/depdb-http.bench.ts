/**
 * HTTP lookups bench: requests per second and p99 latency of the libdep-service routes on loopback. The server
 * (buildDepdbApp over a PGlite store filled by the local importer) runs in this thread; a bounded load generator
 * runs in a worker thread: a fixed number of keep-alive connections, each sending its next request when the
 * previous answer has arrived (closed loop, so the load is bounded by design), for a fixed time after a warm-up.
 * Requests cycle through 1-3 real sonames of the store (and an unknown one now and then).
 *
 * Side by side, with the same generator: the reference is a bare node:http server answering a constant JSON body
 * of the same size (the floor: what loopback HTTP costs on this machine); the ratio says what fastify, validation
 * and the lookup add. The cache-off row is every request going to the database (the first lookup of a soname), with concurrent
 * requests' misses coalesced into one query.
 * The machine is shared: the load average is printed with the figures.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { openDatabase } from '../src/db/index.ts';
import { buildDepdbApp, resolveRemote } from '../src/depdb/http/index.ts';
import { readUpload, resolveUpload } from '../src/depdb/resolve/index.ts';
import { localImporter, nativeArch } from '../src/depdb/import/local-dpkg.ts';
import { DepDbStore } from '../src/depdb/store/store.ts';
import { fmtMs, median, record, timeIt } from './lib.ts';

const CONNECTIONS = 16;
const WARMUP_MS = 1500;
const DURATION_MS = 8000;
const V3_FILES = [
  '/usr/bin/ls',
  '/usr/bin/tar',
  '/usr/bin/gpgv',
  '/usr/bin/dpkg',
  '/usr/bin/perl',
  '/usr/bin/curl',
];

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  requests: number;
}

/** The load generator, as CommonJS source for an eval'd worker (no loader needed in the worker). */
const GENERATOR = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { port, paths, connections, warmupMs, durationMs } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const lat = [];
let errors = 0, next = 0, running = connections;
const t0 = performance.now(), tWarm = t0 + warmupMs, tEnd = tWarm + durationMs;
function loop() {
  const start = performance.now();
  if (start >= tEnd) { if (--running === 0) finish(); return; }
  const req = http.get({ host: '127.0.0.1', port, path: paths[next++ % paths.length], agent }, (res) => {
    res.resume();
    res.on('end', () => {
      if (start >= tWarm) { lat.push(performance.now() - start); if (res.statusCode !== 200) errors++; }
      loop();
    });
  });
  req.on('error', () => { errors++; loop(); });
}
function finish() {
  agent.destroy();
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  parentPort.postMessage({ rps: lat.length / (durationMs / 1000), p50: q(0.5), p99: q(0.99), max: lat[lat.length - 1],
    errors, requests: lat.length });
}
for (let i = 0; i < connections; i++) loop();
`;

function load(port: number, paths: string[]): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(GENERATOR, {
      eval: true,
      workerData: { port, paths, connections: CONNECTIONS, warmupMs: WARMUP_MS, durationMs: DURATION_MS },
    });
    w.once('message', (m: LoadResult) => {
      void w.terminate();
      resolve(m);
    });
    w.once('error', reject);
  });
}

function port(s: Server): number {
  const a = s.address();
  if (a === null || typeof a === 'string') throw new Error('no port');
  return a.port;
}

const fmt = (r: LoadResult): string =>
  `${Math.round(r.rps)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms${r.errors ? `, ${r.errors} errors` : ''}`;

export default async function (): Promise<void> {
  const work = join(import.meta.dirname, '.work');
  mkdirSync(work, { recursive: true });
  const tmp = mkdtempSync(join(work, 'http-'));
  const o = await openDatabase(join(tmp, 'db'));
  const arch = nativeArch();
  try {
    const store = new DepDbStore(o.db);
    await localImporter.run({}, { store, release: 'bench' });
    const held = await o.db.selectFrom('depdb_files').select('soname').distinct().execute();
    const sonames = held.map((r) => r.soname).sort();
    // 1-3 libraries per request, as a client asks for one binary's NEEDED; every 10th asks for an unknown one too.
    const query = (i: number): string => {
      const libs = [sonames[i % sonames.length]!, sonames[(i * 7 + 3) % sonames.length]!].slice(
        0,
        1 + (i % 2),
      );
      if (i % 10 === 0) libs.push(`libnothing${i}.so.1`);
      if (i % 3 === 0) libs.push(sonames[(i * 13 + 5) % sonames.length]!);
      return libs.map((l) => `libs=${encodeURIComponent(l)}`).join('&');
    };
    const v1Paths = Array.from({ length: 4096 }, (_, i) => `/v1/get_binaries_for_libraries?${query(i)}`);
    const v2Paths = Array.from(
      { length: 4096 },
      (_, i) => `/v2/get_binaries_for_libraries?${query(i)}&arch=${arch}&release=bench`,
    );

    const app = await buildDepdbApp({ reader: store, defaultArch: arch });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const appPort = port(app.server);
    const sample = await (await fetch(`http://127.0.0.1:${appPort}${v1Paths[1]}`)).text();
    const bare = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(sample);
    });
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
    const cold = await buildDepdbApp({ reader: store, defaultArch: arch, cacheEntries: 0 });
    await cold.listen({ host: '127.0.0.1', port: 0 });

    // Warm: every soname looked up once (what a running service has after its first minutes).
    for (let i = 0; i < sonames.length; i += 500) {
      const chunk = sonames.slice(i, i + 500).map((l) => `libs=${encodeURIComponent(l)}`);
      await fetch(
        `http://127.0.0.1:${appPort}/v1/get_binaries_for_libraries?${chunk.join('&')}&libs=libnothing.so.1`,
      );
    }
    const load0 = loadavg()[0]!;
    const ref = await load(port(bare), v1Paths);
    const v1 = await load(appPort, v1Paths);
    const v2 = await load(appPort, v2Paths);
    const v1cold = await load(port(cold.server), v1Paths);
    const ref2 = await load(port(bare), v1Paths);
    const load1 = loadavg()[0]!;
    const refBest = ref.rps >= ref2.rps ? ref : ref2;
    const la = `load average ${load0.toFixed(1)} → ${load1.toFixed(1)} on ${2} cores`;
    console.log(
      `  ${sonames.length} sonames, ${CONNECTIONS} keep-alive connections, ${DURATION_MS / 1000} s per run after ${WARMUP_MS / 1000} s warm-up; ${la}`,
    );
    console.log(`  bare node:http reference runs: ${fmt(ref)} | ${fmt(ref2)}`);
    for (const [name, r] of [
      ['v1 lookups (warm cache)', v1],
      ['v2 lookups (warm cache)', v2],
    ] as const) {
      record({
        bench: `depdb HTTP ${name}`,
        ours: fmt(r),
        reference: `bare node:http ${fmt(refBest)}`,
        ratio: `${(r.rps / refBest.rps).toFixed(2)}x the bare server's req/s`,
        goal: '>= 5000 req/s, p99 < 10 ms',
        met: r.rps >= 5000 && r.p99 < 10 && r.errors === 0,
      });
    }
    record({
      bench: 'depdb HTTP v1 lookups (cache off: every request queries PGlite)',
      ours: fmt(v1cold),
      reference: `bare node:http ${fmt(refBest)}`,
      ratio: `${(v1cold.rps / refBest.rps).toFixed(2)}x the bare server's req/s`,
      goal: 'informational',
    });
    // v3: one resolve of a few /usr/bin binaries over HTTP vs the same resolver call in-process (the HTTP cost).
    const upload = readUpload(V3_FILES);
    const remoteMs: number[] = [];
    const localMs: number[] = [];
    for (let i = 0; i < 15; i++) {
      remoteMs.push(await timeIt(() => resolveRemote(`http://127.0.0.1:${appPort}`, upload)));
      localMs.push(await timeIt(() => resolveUpload(store, upload)));
    }
    record({
      bench: `depdb HTTP v3 resolve (${V3_FILES.length} /usr/bin binaries, warm)`,
      ours: `${fmtMs(median(remoteMs))} over HTTP`,
      reference: `${fmtMs(median(localMs))} in-process resolveUpload`,
      ratio: `${(median(remoteMs) / median(localMs)).toFixed(2)}x the in-process time`,
      goal: 'informational',
    });
    await app.close();
    await cold.close();
    await new Promise((r) => bare.close(r));
  } finally {
    await o.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
