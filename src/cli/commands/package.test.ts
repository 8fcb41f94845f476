/**
 * `pkgme package` / `pkgme build` end to end through the real CLI, on the sample upload (samples/build.sh) with a
 * PGlite store filled by `pkgme depdb import --local`, checked by Debian's own tools: `dpkg-source -x` unpacks the
 * .dsc, `dpkg-deb -f` reads the fields we report, `dpkg-parsechangelog` sees a `--set version`, a second run gives
 * the same bytes. Then issue 4's bad inputs, each through `--json`: the error code, exit status 1, nothing left in
 * --out and no job directory left in $TMPDIR.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import { crc32 } from 'node:zlib';
import { preparedPgliteDir } from '../../db/testing.ts';
import { realDebs } from '../../formats/deb/fixtures.ts';
import { solidPng } from '../../packaging/testing.ts';
import { pkgme, pkgmeOk } from '../../testing/cli.ts';
import { hasCommand, repoRoot, requireTools, run } from '../../testing/env.ts';

const db = preparedPgliteDir();
const tmp = mkdtempSync(join(tmpdir(), 'pkgme-package-cli-'));
/** The CLI's $TMPDIR: empty after every run, or a job directory leaked. */
const jobTmp = join(tmp, 'jobtmp');
mkdirSync(jobTmp);
const savedTmpdir = process.env.TMPDIR;
after(() => {
  db.cleanup();
  rmSync(tmp, { recursive: true, force: true });
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
});

interface JsonFile {
  kind: string;
  path: string;
  size: number;
  sha256: string;
}
interface PackageJson {
  package: string;
  version: string;
  architecture: string;
  files: JsonFile[];
  problems: Array<{ severity: string; code: string; message: string }>;
}
interface ErrorJson {
  error: { code: string; kind: string; message: string; hint?: string; details: Record<string, unknown> };
}

const TOOLS = ['gcc', 'tar', 'dpkg-source', 'dpkg-deb', 'dpkg-parsechangelog'];
const haveTools = TOOLS.every(hasCommand);
let sample = '';

before(() => {
  if (!haveTools) return;
  sample = run('bash', [join(repoRoot, 'samples', 'build.sh'), join(tmp, 'sample')]).trim();
  pkgmeOk('depdb', 'import', '--local', '--db', db.dir);
  process.env.TMPDIR = jobTmp;
});

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Runs `pkgme <cmd> … --json` and checks that no job directory was left behind. */
function pkgmeJson(...args: string[]): { status: number; doc: unknown; stderr: string } {
  const r = pkgme(...args, '--json', '--db', db.dir);
  // tsx keeps its compile cache there (tsx-<uid>); anything else is pkgme's.
  const left = readdirSync(jobTmp).filter((f) => !f.startsWith('tsx-'));
  assert.deepEqual(left, [], `job directory left in $TMPDIR after pkgme ${args.join(' ')}`);
  let doc: unknown;
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    assert.fail(`pkgme ${args.join(' ')}: stdout is not JSON (exit ${r.status}): ${r.stdout}\n${r.stderr}`);
  }
  return { status: r.status, doc, stderr: r.stderr };
}

function packageOk(...args: string[]): PackageJson {
  const r = pkgmeJson('package', ...args);
  assert.equal(r.status, 0, `pkgme package ${args.join(' ')}: ${JSON.stringify(r.doc)} ${r.stderr}`);
  return r.doc as PackageJson;
}

function file(doc: PackageJson, kind: string): JsonFile {
  const f = doc.files.find((x) => x.kind === kind);
  assert.ok(f, `no ${kind} in ${JSON.stringify(doc.files)}`);
  return f;
}

/** An input that cannot be packaged: exit 1, the given code, and --out left empty. */
function packageFails(upload: string, code: string, ...extra: string[]): ErrorJson['error'] {
  const out = join(tmp, `fail-${code}-${basename(upload)}`);
  const r = pkgmeJson('package', upload, '--out', out, '--build', ...extra);
  const err = (r.doc as ErrorJson).error;
  assert.ok(err, `expected an error for ${upload}: ${JSON.stringify(r.doc)}`);
  assert.equal(err.code, code, err.message);
  assert.equal(r.status, 1, `exit status for ${code}`);
  assert.ok(
    !existsSync(out) || readdirSync(out).length === 0,
    `--out holds ${existsSync(out) && readdirSync(out)}`,
  );
  return err;
}

function tarOf(dir: string, top: string): string {
  const tarball = join(dir, `${top}.tar.gz`);
  run('tar', [
    '--sort=name',
    '--owner=0',
    '--group=0',
    '--mtime=@1700000000',
    '-czf',
    tarball,
    '-C',
    dir,
    top,
  ]);
  return tarball;
}

function compile(out: string, source: string, compiler = 'gcc', args: string[] = []): void {
  const c = join(tmp, `${basename(out)}-${Math.random().toString(36).slice(2)}.c`);
  writeFileSync(c, source);
  mkdirSync(join(out, '..'), { recursive: true });
  run(compiler, ['-O2', '-o', out, c, ...args]);
}

const HELLO = '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n';
/** Needs neither libc headers nor crt files (a bare cross compiler may lack them): link with -nostdlib. */
const BARE = 'int main(void) { return 0; }\n';

test('pkgme package --build on the sample: dpkg-source -x, dpkg-deb -f, the report, byte-identical rerun', (t) => {
  if (!requireTools(t, TOOLS, 'gcc tar dpkg-dev libpng-dev zlib1g-dev')) return;
  const out1 = join(tmp, 'out1');
  const doc = packageOk(sample, '--out', out1, '--build');
  assert.deepEqual(doc.files.map((f) => f.kind).sort(), ['deb', 'debian', 'dsc', 'orig', 'report']);
  assert.deepEqual(readdirSync(out1).sort(), doc.files.map((f) => basename(f.path)).sort());
  for (const f of doc.files) assert.equal(sha256(f.path), f.sha256, f.path);
  assert.equal(doc.package, 'hello-pkgme');
  // The sample's desktop entry is valid (desktop-file-validate agrees): retargeting Exec is no warning.
  assert.equal(
    spawnSync('desktop-file-validate', [join(repoRoot, 'samples', 'hello-pkgme', 'hello-pkgme.desktop')])
      .status,
    0,
  );
  assert.ok(!doc.problems.some((p) => p.code.startsWith('DESKTOP_')), JSON.stringify(doc.problems));
  assert.equal(doc.version, '1.0-1');
  // The upload is the .orig tarball, byte for byte (issue 4: "with the upload as the .orig tarball").
  assert.equal(file(doc, 'orig').sha256, sha256(sample));

  const x = join(tmp, 'x1');
  run('dpkg-source', ['-x', file(doc, 'dsc').path, x]);
  assert.ok(existsSync(join(x, 'debian', 'control')));
  assert.ok(existsSync(join(x, 'bin', 'hello-pkgme')), 'the upload tree is the source tree');
  const changelog = run('dpkg-parsechangelog', [
    '-l',
    join(x, 'debian', 'changelog'),
    '-S',
    'Version',
  ]).trim();
  assert.equal(changelog, doc.version);

  const deb = file(doc, 'deb').path;
  const report = JSON.parse(readFileSync(file(doc, 'report').path, 'utf8')) as {
    schema: number;
    upload: { name: string; sha256: string };
    backend: string;
    package: { name: string; version: string; architecture: string };
    fields: Record<string, { value: unknown; source: string; confidence: number }>;
    release: { depends: string; bundled: Array<{ soname: string }> };
    files: Array<{ kind: string; name: string; sha256: string }>;
  };
  const f = (name: string) => run('dpkg-deb', ['-f', deb, name]).trim();
  assert.equal(f('Package'), report.package.name);
  assert.equal(f('Version'), report.package.version);
  assert.equal(f('Architecture'), report.package.architecture);
  assert.equal(f('Depends'), report.release.depends);
  assert.ok(report.release.depends.includes('libc6'), report.release.depends);
  assert.deepEqual(
    report.release.bundled.map((b) => b.soname),
    ['libgreet.so.1'],
  );
  assert.equal(report.upload.sha256, sha256(sample));
  assert.equal(report.backend, 'binary');
  assert.deepEqual(
    report.files.map((x) => [x.kind, x.sha256]).sort(),
    doc.files
      .filter((x) => x.kind !== 'report')
      .map((x) => [x.kind, x.sha256])
      .sort(),
  );
  const contents = run('dpkg-deb', ['-c', deb]);
  assert.match(contents, /\.\/usr\/lib\/hello-pkgme\/bin\/hello-pkgme\n/);
  assert.match(contents, /\.\/usr\/bin\/hello-pkgme/);

  const out2 = join(tmp, 'out2');
  const again = packageOk(sample, '--out', out2, '--build');
  assert.deepEqual(
    again.files.map((x) => [basename(x.path), x.sha256]),
    doc.files.map((x) => [basename(x.path), x.sha256]),
  );
  console.log(
    `package: ${doc.files.map((x) => `${basename(x.path)} ${x.size} B`).join(', ')}; Depends: ${report.release.depends}; rerun byte-identical`,
  );
});

test('pkgme build: the .deb is the main output; --set version=2.0 reaches the changelog, .dsc and report', (t) => {
  if (!requireTools(t, TOOLS, 'gcc tar dpkg-dev libpng-dev zlib1g-dev')) return;
  const out = join(tmp, 'out-set');
  const text = pkgmeOk('build', sample, '--out', out, '--set', 'version=2.0', '--db', db.dir);
  const debPath = text.split('\n')[0]!;
  assert.match(basename(debPath), /^hello-pkgme_2\.0-1_[a-z0-9]+\.deb$/);
  assert.equal(run('dpkg-deb', ['-f', debPath, 'Version']).trim(), '2.0-1');
  const dsc = join(out, 'hello-pkgme_2.0-1.dsc');
  assert.match(readFileSync(dsc, 'utf8'), /^Version: 2\.0-1$/m);
  const x = join(tmp, 'x-set');
  run('dpkg-source', ['-x', dsc, x]);
  assert.equal(
    run('dpkg-parsechangelog', ['-l', join(x, 'debian', 'changelog'), '-S', 'Version']).trim(),
    '2.0-1',
  );
  const report = JSON.parse(readFileSync(join(out, 'hello-pkgme_2.0-1.pkgme.json'), 'utf8')) as {
    fields: Record<string, { value: unknown; source: string; confidence: number }>;
  };
  assert.deepEqual(report.fields.version, { value: '2.0', source: 'user', confidence: 1 });
});

test('bad --set values: INVALID_OVERRIDE, exit 1, nothing written', (t) => {
  if (!requireTools(t, TOOLS, 'gcc tar dpkg-dev libpng-dev zlib1g-dev')) return;
  const err = packageFails(sample, 'INVALID_OVERRIDE', '--set', 'version=not valid!');
  assert.match(err.message, /not valid!/);
  assert.ok(err.hint, 'the error says how to fix it');
});

test('no executable content, mixed architectures, bundled glibc, non-UTF-8 names: typed errors', (t) => {
  if (!requireTools(t, TOOLS, 'gcc tar dpkg-dev')) return;
  // Only text: no backend takes it.
  const notes = join(tmp, 'bad', 'notes-1.0');
  mkdirSync(notes, { recursive: true });
  writeFileSync(join(notes, 'README'), 'just text\n');
  packageFails(tarOf(join(tmp, 'bad'), 'notes-1.0'), 'NO_ELIGIBLE_BACKEND');

  // Bundled glibc: the app ships the machine's libc.so.6 beside its executable.
  const glibc = join(tmp, 'bad', 'withlibc-1.0');
  compile(join(glibc, 'bin', 'withlibc'), HELLO);
  mkdirSync(join(glibc, 'lib'));
  copyFileSync(realpathSync('/lib/x86_64-linux-gnu/libc.so.6'), join(glibc, 'lib', 'libc.so.6'));
  const e = packageFails(tarOf(join(tmp, 'bad'), 'withlibc-1.0'), 'BUNDLED_GLIBC');
  assert.match(e.message, /libc\.so\.6/);

  // Names that are not UTF-8 are refused by the extractor, before any guessing.
  const latin = join(tmp, 'bad', 'latin-1.0');
  compile(join(latin, 'bin', 'latin'), HELLO);
  writeFileSync(
    Buffer.concat([Buffer.from(join(latin, 'caf')), Buffer.from([0xe9]), Buffer.from('.txt')]),
    'x',
  );
  const l = packageFails(tarOf(join(tmp, 'bad'), 'latin-1.0'), 'TAR_NAME_NOT_UTF8');
  assert.match(l.message, /caf\\xe9\.txt/);
});

test('mixed architectures: MIXED_ARCHITECTURES, exit 1', (t) => {
  if (!requireTools(t, [...TOOLS, 'aarch64-linux-gnu-gcc'], 'gcc-aarch64-linux-gnu')) return;
  const mixed = join(tmp, 'mixed', 'mixed-1.0');
  compile(join(mixed, 'bin', 'mixed'), HELLO);
  compile(join(mixed, 'bin', 'mixed-arm'), BARE, 'aarch64-linux-gnu-gcc', ['-nostdlib', '-Wl,-e,main']);
  const e = packageFails(tarOf(join(tmp, 'mixed'), 'mixed-1.0'), 'MIXED_ARCHITECTURES');
  assert.match(e.message, /amd64, arm64/);
});

/** A PNG whose IHDR says `size`x`size` (valid CRC) over one pixel of data: giant by its header, cheap to make. */
function giantPng(size: number): Buffer {
  const png = Buffer.from(solidPng(1));
  png.writeUInt32BE(size, 16);
  png.writeUInt32BE(size, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

/** A 48x48 PNG with one IDAT byte flipped: the header reads fine, the pixels do not. */
function corruptPng(): Buffer {
  const png = Buffer.from(solidPng(48));
  const idat = png.indexOf('IDAT');
  png.writeUInt8(png.readUInt8(idat + 10) ^ 0xff, idat + 10);
  return png;
}

test('a .desktop with errors is fixed (warning); giant and corrupt icons are warnings, the package is still made', (t) => {
  if (!requireTools(t, [...TOOLS, 'desktop-file-validate'], 'gcc dpkg-dev desktop-file-utils')) return;
  const dir = join(tmp, 'warn');
  const app = join(dir, 'iconic-1.0');
  compile(join(app, 'bin', 'iconic'), HELLO);
  const desktop = join(app, 'share', 'applications', 'iconic.desktop');
  mkdirSync(join(desktop, '..'), { recursive: true });
  // No Type key, a field code given twice, an absolute Exec into the upload, Audio without AudioVideo.
  writeFileSync(
    desktop,
    '[Desktop Entry]\nName=Iconic\nExec=/opt/iconic/bin/iconic %f %f\nCategories=Audio;\n',
  );
  const before = spawnSync('desktop-file-validate', [desktop], { encoding: 'utf8' });
  assert.notEqual(before.status, 0, 'the oracle sees errors in the uploaded entry');
  mkdirSync(join(app, 'share', 'icons'), { recursive: true });
  writeFileSync(join(app, 'share', 'icons', 'iconic.png'), corruptPng());
  writeFileSync(join(app, 'share', 'icons', 'iconic-512.png'), giantPng(30000));

  const doc = packageOk(tarOf(dir, 'iconic-1.0'), '--out', join(dir, 'out'), '--build');
  const codes = doc.problems.filter((p) => p.severity === 'warning').map((p) => p.code);
  console.log(`warnings: ${codes.join(', ')}`);
  const fixed = doc.problems.find((p) => p.code === 'DESKTOP_FIXED');
  assert.ok(fixed, codes.join(', '));
  assert.match(fixed.message, /Type/);
  assert.ok(codes.includes('ICON_CORRUPT'), codes.join(', '));
  assert.ok(codes.includes('ICON_TOO_LARGE'), codes.join(', '));
  assert.deepEqual(
    doc.problems.filter((p) => p.severity === 'error'),
    [],
  );

  const x = join(dir, 'deb');
  run('dpkg-deb', ['-x', file(doc, 'deb').path, x]);
  const shipped = join(x, 'usr', 'share', 'applications', 'iconic.desktop');
  const after = spawnSync('desktop-file-validate', [shipped], { encoding: 'utf8' });
  assert.equal(after.status, 0, `shipped entry: ${after.stdout}${after.stderr}`);
  assert.equal(after.stdout.trim(), '');
  assert.match(readFileSync(shipped, 'utf8'), /^Exec=\/usr\/bin\/iconic/m);
  const icons = run('dpkg-deb', ['-c', file(doc, 'deb').path]).match(/usr\/share\/icons\/\S+/g) ?? [];
  assert.ok(!icons.some((i) => i.endsWith('.png')), `no broken icon shipped: ${icons.join(' ')}`);
});

test('pkgme build on a real .deb (deb backend): same paths and modes as dpkg-deb -c, fields as dpkg-deb -f', (t) => {
  if (!requireTools(t, [...TOOLS, 'apt-get'], 'dpkg-dev apt')) return;
  const original = realDebs().find((d) => basename(d).startsWith('hello_'))!;
  const out = join(tmp, 'redeb');
  const r = pkgmeJson('build', original, '--out', out);
  assert.equal(r.status, 0, JSON.stringify(r.doc));
  const doc = r.doc as PackageJson & { deb: string };
  const listing = (deb: string) =>
    run('dpkg-deb', ['-c', deb])
      .trim()
      .split('\n')
      .map((l) => {
        const f = l.split(/\s+/);
        return `${f[0]} ${f[5]}`;
      })
      .sort();
  assert.deepEqual(listing(doc.deb), listing(original));
  for (const field of ['Package', 'Version', 'Architecture', 'Depends', 'Section', 'Homepage'])
    assert.equal(run('dpkg-deb', ['-f', doc.deb, field]), run('dpkg-deb', ['-f', original, field]), field);
  const report = JSON.parse(readFileSync(file(doc, 'report').path, 'utf8')) as {
    backend: string;
    layout: { fixed: boolean };
  };
  assert.equal(report.backend, 'deb');
  assert.equal(report.layout.fixed, true);
  console.log(`re-packaged ${basename(original)}: ${listing(original).length} entries equal`);
});
