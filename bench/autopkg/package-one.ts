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
  const r = await packageUpload(upload, { out, build: true, store, release });
  const ms = performance.now() - t0;
  process.stdout.write(
    JSON.stringify({ ms, files: r.files.map((f) => ({ kind: f.kind, size: f.size })) }) + '\n',
  );
} finally {
  await close();
}
