/**
 * Desktop entries against desktop-file-validate: our validator must flag exactly the fatal errors it reports on
 * broken samples, and every entry we fix or generate must pass it. Every .desktop file of the machine must parse.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPkgmeError } from '../../errors.ts';
import { requireTools } from '../../testing/env.ts';
import {
  fixDesktop,
  generateDesktop,
  getKey,
  listValue,
  mainGroup,
  parseDesktop,
  serializeDesktop,
  unescapeValue,
  validateDesktop,
} from './desktop.ts';

const E = '[Desktop Entry]\n';
/** Broken (and a few valid) samples. The expected verdict is desktop-file-validate's, read at test time. */
const SAMPLES: Record<string, string> = {
  ok: `${E}Type=Application\nName=Foo\nExec=foo\nCategories=Utility;\n`,
  localized: `${E}Type=Application\nName=Foo\nName[de]=Fü\nComment=a\\sb\\nc\nExec=foo %U\nCategories=Office;Spreadsheet;\n`,
  noType: `${E}Name=Foo\nExec=foo\n`,
  noName: `${E}Type=Application\nExec=foo\n`,
  noExec: `${E}Type=Application\nName=Foo\n`,
  badCategory: `${E}Type=Application\nName=Foo\nExec=foo\nCategories=Utility;Bogus;\n`,
  xCategory: `${E}Type=Application\nName=Foo\nExec=foo\nCategories=Utility;X-Bogus;\n`,
  iconExtension: `${E}Type=Application\nName=Foo\nExec=foo\nCategories=Office;\nIcon=foo.png\n`,
  badType: `${E}Type=Program\nName=Foo\nExec=foo\n`,
  duplicateKey: `${E}Type=Application\nName=Foo\nName=Bar\nExec=foo\n`,
  firstGroup: `[Other]\nX=1\n${E}Type=Application\nName=Foo\nExec=foo\n`,
  xGroup: `${E}Type=Application\nName=Foo\nExec=foo\n\n[X-Extra]\nA=1\n`,
  duplicateGroup: `${E}Type=Application\nName=Foo\nExec=foo\n${E}Name=Bar\n`,
  badBoolean: `${E}Type=Application\nName=Foo\nExec=foo\nTerminal=yes\n`,
  audioWithoutAudioVideo: `${E}Type=Application\nName=Foo\nExec=foo\nCategories=Audio;\n`,
  openQuote: `${E}Type=Application\nName=Foo\nExec="foo\nCategories=Game;\n`,
  quotedExec: `${E}Type=Application\nName=Foo\nExec="/opt/my app/foo" --x %F\nCategories=Game;\n`,
  badFieldCode: `${E}Type=Application\nName=Foo\nExec=foo %x\nCategories=Game;\n`,
  unknownKey: `${E}Type=Application\nName=Foo\nExec=foo\nCategories=Game;\nX-Foo=1\nFooBar=1\n`,
  noMainCategory: `${E}Type=Application\nName=Foo\nExec=foo\nCategories=TextEditor;\n`,
};

/** desktop-file-validate's fatal errors: "error:" lines, minus the ones it says "will be fatal in the future". */
function oracle(dir: string, name: string, text: string): { rc: number; errors: number } {
  const path = join(dir, `${name}.desktop`);
  writeFileSync(path, text);
  const r = spawnSync('desktop-file-validate', [path], { encoding: 'utf8' });
  const lines = `${r.stdout}${r.stderr}`.split('\n');
  const errors = lines.filter((l) => / error: /.test(l) && !l.includes('will be fatal in the future')).length;
  return { rc: r.status ?? -1, errors };
}

test('validator flags what desktop-file-validate flags', (t) => {
  if (!requireTools(t, ['desktop-file-validate'], 'desktop-file-utils')) return;
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-desktop-'));
  let failing = 0;
  for (const [name, text] of Object.entries(SAMPLES)) {
    const want = oracle(dir, name, text);
    const ours = validateDesktop(parseDesktop(new TextEncoder().encode(text), name)).filter(
      (p) => p.level === 'error',
    );
    assert.equal(ours.length > 0, want.rc !== 0, `${name}: verdict (ours ${JSON.stringify(ours)})`);
    assert.equal(ours.length, want.errors, `${name}: error count (ours ${JSON.stringify(ours)})`);
    if (want.rc !== 0) failing++;
  }
  console.log(
    `desktop: ${Object.keys(SAMPLES).length} samples, ${failing} rejected by desktop-file-validate, same verdict and error count`,
  );
});

const facts = {
  exec: '/usr/bin/foo',
  icon: 'foo',
  name: 'Foo App',
  comment: 'Does foo things',
  categories: ['Office', 'Spreadsheet', 'NotACategory'],
};

test('fixed and generated entries pass desktop-file-validate', (t) => {
  if (!requireTools(t, ['desktop-file-validate'], 'desktop-file-utils')) return;
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-desktop-fixed-'));
  let checked = 0;
  for (const [name, text] of Object.entries(SAMPLES)) {
    const file = parseDesktop(new TextEncoder().encode(text), name);
    fixDesktop(file, facts);
    const out = serializeDesktop(file);
    assert.deepEqual(
      validateDesktop(parseDesktop(new TextEncoder().encode(out))),
      [],
      `${name}: ours after fix\n${out}`,
    );
    const r = spawnSync('desktop-file-validate', [join(dir, write(dir, `fixed-${name}`, out))], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `${name} after fix:\n${out}\n${r.stdout}${r.stderr}`);
    assert.equal(`${r.stdout}${r.stderr}`.includes('error'), false, `${name}: ${r.stdout}`);
    assert.equal(getKey(mainGroup(file)!, 'Exec')?.split(' ')[0], '/usr/bin/foo');
    assert.equal(getKey(mainGroup(file)!, 'Icon'), 'foo');
    checked++;
  }
  for (const [terminal, categories] of [
    [false, facts.categories],
    [true, ['Audio', 'Player']],
    [false, []],
  ] as const) {
    const g = generateDesktop({
      ...facts,
      categories: [...categories],
      terminal,
      comment: 'line one\nline two',
    });
    const out = serializeDesktop(g);
    assert.deepEqual(validateDesktop(g), [], out);
    execFileSync('desktop-file-validate', [join(dir, write(dir, `gen-${checked}`, out))]);
    checked++;
  }
  console.log(`desktop: ${checked} fixed/generated entries accepted by desktop-file-validate`);
});

function write(dir: string, name: string, text: string): string {
  writeFileSync(join(dir, `${name}.desktop`), text);
  return `${name}.desktop`;
}

test('keys, locales and escapes', () => {
  const f = parseDesktop(new TextEncoder().encode(SAMPLES.localized!));
  const g = mainGroup(f)!;
  assert.equal(g.entries.find((e) => e.key === 'Name' && e.locale === 'de')?.raw, 'Fü');
  assert.equal(unescapeValue(getKey(g, 'Comment')!), 'a b\nc');
  assert.deepEqual(listValue('A;B\\;C;;'), ['A', 'B;C']);
  assert.equal(serializeDesktop(f), SAMPLES.localized);
  for (const bad of ['[Desktop Entry\n', 'Name=x\n', '[Desktop Entry]\nno equals\n'])
    assert.throws(
      () => parseDesktop(new TextEncoder().encode(bad)),
      (e) => isPkgmeError(e) && e.code === 'DESKTOP_SYNTAX',
    );
  assert.throws(
    () => parseDesktop(Uint8Array.of(0x5b, 0xff)),
    (e) => isPkgmeError(e) && e.code === 'DESKTOP_ENCODING',
  );
});

test("every .desktop file of the machine parses, with desktop-file-validate's verdict", (t) => {
  const oracleOk = requireTools(t, ['desktop-file-validate'], 'desktop-file-utils');
  let n = 0;
  let dir: string[] = [];
  try {
    dir = readdirSync('/usr/share/applications').filter((f) => f.endsWith('.desktop'));
  } catch {
    /* no applications dir: nothing to parse */
  }
  for (const f of dir) {
    const file = parseDesktop(readFileSync(join('/usr/share/applications', f)), f);
    assert.ok(mainGroup(file), f);
    if (oracleOk) {
      const r = spawnSync('desktop-file-validate', [join('/usr/share/applications', f)], {
        encoding: 'utf8',
      });
      const ours = validateDesktop(file).filter((p) => p.level === 'error');
      assert.equal(ours.length > 0, r.status !== 0, `${f}: ${JSON.stringify(ours)} vs ${r.stdout}`);
    }
    n++;
  }
  console.log(`desktop: ${n} machine .desktop files parsed, same verdict as desktop-file-validate`);
});
