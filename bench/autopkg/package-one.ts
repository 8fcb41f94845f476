/**
 * One `pkgme package --build` run in its own process, for the performance bench's wall time and peak RSS (measured
 * from outside with GNU time): packageUpload with the corpus store, no overrides. Prints
 * `{"ms": <packageUpload time>, "stages": {<stage>: ms}, "files": [...]}` on stdout.
 *
 *   node --import tsx bench/autopkg/package-one.ts UPLOAD OUT_DIR DB_DIR [RELEASE]
 */
import { openStore } from '../../src/depdb/store/open.ts';
import { packageUpload } from '../../src/packaging/pipeline.ts';

const [upload, out, db, release = 'bookworm'] = process.argv.slice(2);
if (!upload || !out || !db) throw new Error('usage: package-one.ts UPLOAD OUT_DIR DB_DIR [RELEASE]');
const { store, close } = await openStore(db);
try {
  const t0 = performance.now();
  // Milliseconds spent in each stage (from its start to the next one's): where the time goes on a big upload.
  const stages: Record<string, number> = {};
  let current: { stage: string; at: number } | undefined;
  const onProgress = (stage: string): void => {
    const now = performance.now();
    if (current) stages[current.stage] = now - current.at;
    current = { stage, at: now };
  };
  const r = await packageUpload(upload, { out, build: true, store, release, onProgress });
  const ms = performance.now() - t0;
  if (current) stages[current.stage] = performance.now() - current.at;
  const files = r.files.map((f) => ({ kind: f.kind, size: f.size }));
  process.stdout.write(JSON.stringify({ ms, stages, files }) + '\n');
} finally {
  await close();
}
