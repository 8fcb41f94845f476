/**
 * `pkgme package|build|inspect` and `pkgme depdb resolve` without --db: the default database (src/db/spec.ts) is read only if it exists. Each
 * command runs as a user would (the real CLI in a child process) with HOME, XDG_DATA_HOME, PKGME_DATA_DIR and TMPDIR
 * pointed into a temporary directory and DATABASE_URL unset, on a gcc-built upload: without a database every one
 * fails with DEPDB_NO_DATABASE (exit 1, the JSON error with the fix) and nothing is created anywhere: no data
 * directory, no --out, no job directory. Then `pkgme depdb import --local` creates the default database (its job)
 * and `pkgme package` uses it. `--db http://…` (a server given to the wrong option) and `--db` with `--depdb` are
 * usage errors (exit 2) that create nothing either (the http URL used to become a PGlite directory "http:").
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { hasCommand, repoRoot, requireTools, run } from '../../testing/env.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-default-db-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let upload = '';
before(() => {
  if (!hasCommand('gcc')) return;
  upload = join(tmp, 'upload', 'hello-1.0');
  mkdirSync(join(upload, 'bin'), { recursive: true });
  writeFileSync(join(tmp, 'hello.c'), '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n');
  run('gcc', ['-o', join(upload, 'bin', 'hello'), join(tmp, 'hello.c')]);
});

interface Sandbox {
  /** Where the sandbox's HOME, XDG and TMPDIR live: nothing may appear here but tsx's cache. */
  root: string;
  env: NodeJS.ProcessEnv;
  /** The default database directory the documented rule (src/db/spec.ts) gives for this environment. */
  dbDir: string;
}

/** A fresh HOME/TMPDIR, with the data directory chosen by HOME alone, XDG_DATA_HOME, or PKGME_DATA_DIR. */
function sandbox(name: string, via: 'home' | 'xdg' | 'pkgme'): Sandbox {
  const root = join(tmp, name);
  const home = join(root, 'home');
  const jobs = join(root, 'tmp');
  mkdirSync(home, { recursive: true });
  mkdirSync(jobs);
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, TMPDIR: jobs };
  delete env.DATABASE_URL;
  delete env.XDG_DATA_HOME;
  delete env.PKGME_DATA_DIR;
  let dbDir = join(home, '.local', 'share', 'pkgme', 'db');
  if (via === 'xdg') {
    env.XDG_DATA_HOME = join(root, 'xdg');
    dbDir = join(root, 'xdg', 'pkgme', 'db');
  } else if (via === 'pkgme') {
    env.PKGME_DATA_DIR = join(root, 'data');
    dbDir = join(root, 'data', 'db');
  }
  return { root, env, dbDir };
}

function pkgme(sb: Sandbox, ...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: repoRoot,
    env: sb.env,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Every path under the sandbox except tsx's compile cache and the empty HOME/TMPDIR themselves. */
function created(sb: Sandbox): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (rel === 'tmp' && e.name.startsWith('tsx-')) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      out.push(r);
      if (e.isDirectory()) walk(join(dir, e.name), r);
    }
  };
  walk(sb.root, '');
  return out.filter((p) => p !== 'home' && p !== 'tmp');
}

interface ErrorDoc {
  error: { code: string; kind: string; message: string; hint?: string; details: Record<string, unknown> };
}

test('package, build and inspect without a database: DEPDB_NO_DATABASE, exit 1, nothing created', (t) => {
  if (!requireTools(t, ['gcc'], 'gcc')) return;
  let runs = 0;
  for (const via of ['home', 'xdg', 'pkgme'] as const) {
    const sb = sandbox(`none-${via}`, via);
    const out = join(sb.root, 'out');
    for (const args of [
      ['package', upload, '--out', out, '--json'],
      ['build', upload, '--out', out, '--json'],
      ['inspect', upload, '--json'],
      ['depdb', 'resolve', upload, '--json'],
    ]) {
      const r = pkgme(sb, ...args);
      assert.equal(r.status, 1, `pkgme ${args[0]} (${via}): ${r.stdout} ${r.stderr}`);
      const { error } = JSON.parse(r.stdout) as ErrorDoc;
      assert.equal(error.code, 'DEPDB_NO_DATABASE', error.message);
      assert.equal(error.kind, 'input');
      assert.equal(error.details.db, sb.dbDir);
      assert.ok(error.message.includes(sb.dbDir), error.message);
      assert.match(error.hint ?? '', /pkgme depdb import --local/);
      assert.match(error.hint ?? '', /--db/);
      assert.deepEqual(created(sb), [], `pkgme ${args[0]} (${via}) created files`);
      runs++;
    }
    // Without --json: the same error as one line and its hint on stderr, nothing on stdout.
    const plain = pkgme(sb, 'package', upload, '--out', out);
    assert.equal(plain.status, 1);
    assert.equal(plain.stdout, '');
    assert.match(plain.stderr, /^pkgme: no dependency database: .*\n {2}hint: .*pkgme depdb import --local/);
    assert.deepEqual(created(sb), []);
  }
  // A --db directory that holds no database is the same error, naming it; it is not created either.
  const named = sandbox('named', 'home');
  const dir = join(named.root, 'nowhere', 'db');
  for (const args of [
    ['package', upload, '--out', join(named.root, 'out'), '--db', dir, '--json'],
    ['inspect', upload, '--db', dir, '--json'],
    ['depdb', 'resolve', upload, '--db', dir, '--json'],
  ]) {
    const r = pkgme(named, ...args);
    assert.equal(r.status, 1, `pkgme ${args[0]} --db ${dir}: ${r.stdout} ${r.stderr}`);
    const { error } = JSON.parse(r.stdout) as ErrorDoc;
    assert.equal(error.code, 'DEPDB_NO_DATABASE');
    assert.equal(error.details.db, dir);
    assert.match(error.message, /the one named/);
    assert.ok((error.hint ?? '').includes(`pkgme depdb import --local --db ${dir}`), error.hint);
    assert.deepEqual(created(named), []);
  }
  // --which-backends needs no database, and still creates none.
  const sb = sandbox('which-backends', 'home');
  const wb = pkgme(sb, 'inspect', upload, '--which-backends', '--json');
  assert.equal(wb.status, 0, wb.stderr);
  assert.equal((JSON.parse(wb.stdout) as { backends: unknown[] }).backends.length > 0, true);
  assert.deepEqual(created(sb), []);
  console.log(`no database: ${runs} runs (4 commands × HOME, XDG_DATA_HOME, PKGME_DATA_DIR) created nothing`);
});

test('--db http://… and --db with --depdb: usage errors (exit 2), nothing created', (t) => {
  if (!requireTools(t, ['gcc'], 'gcc')) return;
  const sb = sandbox('usage', 'home');
  const out = join(sb.root, 'out');
  const cases: Array<[string[], string]> = [
    [['package', upload, '--out', out, '--db', 'http://127.0.0.1:9/', '--json'], 'USAGE_DB_HTTP_URL'],
    [['inspect', upload, '--db', 'https://127.0.0.1:9/', '--json'], 'USAGE_DB_HTTP_URL'],
    [['depdb', 'resolve', upload, '--db', 'http://127.0.0.1:9/', '--json'], 'USAGE_DB_HTTP_URL'],
    [
      [
        'build',
        upload,
        '--out',
        out,
        '--db',
        join(sb.root, 'db'),
        '--depdb',
        'http://127.0.0.1:9/',
        '--json',
      ],
      'USAGE_DB_AND_DEPDB',
    ],
  ];
  for (const [args, code] of cases) {
    const r = pkgme(sb, ...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout} ${r.stderr}`);
    assert.equal((JSON.parse(r.stdout) as ErrorDoc).error.code, code);
    assert.deepEqual(created(sb), []);
  }
  assert.equal(existsSync(join(repoRoot, 'http:')), false, 'no PGlite directory named after the URL');
  assert.equal(existsSync(join(repoRoot, 'https:')), false);
});

test('depdb import --local creates the default database; package then uses it', (t) => {
  if (!requireTools(t, ['gcc', 'dpkg-query'], 'gcc dpkg')) return;
  const sb = sandbox('imported', 'pkgme');
  const imp = pkgme(sb, 'depdb', 'import', '--local', '--json');
  assert.equal(imp.status, 0, imp.stderr);
  assert.ok(existsSync(join(sb.dbDir, 'PG_VERSION')), 'depdb import created the default database');
  const out = join(sb.root, 'out');
  const r = pkgme(sb, 'package', upload, '--out', out, '--set', 'license=MIT', '--json');
  assert.equal(r.status, 0, `${r.stdout} ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as { package: string; problems: Array<{ code: string }> };
  assert.equal(doc.package, 'hello');
  // The import's data answered: the libc dependency was resolved, not DEPENDS_UNKNOWN.
  assert.ok(!doc.problems.some((p) => p.code === 'DEPENDS_UNKNOWN'), JSON.stringify(doc.problems));
  assert.ok(readdirSync(out).some((f) => f.endsWith('.dsc')));
});
