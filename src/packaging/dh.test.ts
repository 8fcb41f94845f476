/**
 * dh.ts against the real commands: the base dh_fixperms chmod (go=rX,u+rw,a-s) run by chmod itself on files and
 * directories of every permission set, with and without the special bits; gzip9n against `gzip -9n`. The path-dependent rules (docs, man, libraries, bin
 * dirs), dh_link and dh_compress are checked end to end by build.test.ts against dpkg-buildpackage.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { requireTools } from '../testing/env.ts';
import { rules } from './debian/rules.ts';
import { dhLinkTarget, dhManRecode, dhScriptSources, fixpermsMode, gzip9n } from './dh.ts';

/** All permission bits, each without and with every special bit (set-uid, set-gid, sticky). */
const MODES = Array.from({ length: 0o1000 }, (_, m) => [m, m | 0o7000]).flat();

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-dh-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('fixpermsMode equals chmod go=rX,u+rw,a-s on files and directories of all 512 permission sets, with and without set-id/sticky bits', (t) => {
  if (!requireTools(t, ['chmod'], 'coreutils')) return;
  for (const type of ['file', 'dir'] as const) {
    const dir = join(tmp, type);
    mkdirSync(dir);
    for (const m of MODES) {
      const p = join(dir, m.toString(8));
      if (type === 'file') writeFileSync(p, '');
      else mkdirSync(p);
      chmodSync(p, m);
    }
    execFileSync('chmod', ['-R', 'go=rX,u+rw,a-s', dir]);
    let checked = 0;
    for (const m of MODES) {
      const got = statSync(join(dir, m.toString(8))).mode & 0o7777;
      assert.equal(
        fixpermsMode(`usr/lib/x/${m}`, type, m).toString(8),
        got.toString(8),
        `${type} ${m.toString(8)}`,
      );
      checked++;
    }
    console.log(`fixperms: ${checked} ${type} modes equal to chmod`);
  }
});

test('gzip9n writes what gzip -9n writes', async (t) => {
  if (!requireTools(t, ['gzip'], 'gzip')) return;
  const data = readFileSync('/etc/services');
  await gzip9n({ data }, join(tmp, 'a.gz'));
  assert.deepEqual(readFileSync(join(tmp, 'a.gz')), execFileSync('gzip', ['-9n'], { input: data }));
});

test('dhLinkTarget: relative inside one top directory, absolute across, self links skipped', () => {
  assert.equal(dhLinkTarget('/usr/bin/foo', '/usr/lib/foo/bin/foo'), '../lib/foo/bin/foo');
  assert.equal(dhLinkTarget('/usr/lib/a/share/l', './data.bin'), 'data.bin');
  assert.equal(dhLinkTarget('/usr/lib/a/bin/l', '../share/../share/run.sh'), '../share/run.sh');
  assert.equal(dhLinkTarget('/usr/bin/x', '/etc/x'), '/etc/x');
  assert.equal(dhLinkTarget('/usr/lib/a/x', 'x'), undefined);
});

test('dhManRecode equals man-recode --to-code UTF-8 (as dh_installman runs it) on UTF-8, ASCII, Latin-1 and CP1252-ish pages', (t) => {
  if (!requireTools(t, ['man-recode'], 'man-db')) return;
  const dir = join(tmp, 'usr/share/man/man1');
  mkdirSync(dir, { recursive: true });
  const pages: Record<string, Buffer> = {
    'utf8.1': Buffer.from('.TH U 1\n.SH NAME\nu \\- caf\u00e9 \u2014 na\u00efve\n', 'utf8'),
    'ascii.1': Buffer.from('.TH A 1\n.SH NAME\na \\- plain\n'),
    'latin1.1': Buffer.from('.TH L 1\n.SH NAME\nl \\- caf\u00e9 \u00fcber \u00bd\n', 'latin1'),
    'high.1': Buffer.from([...Buffer.from('.TH H 1\n.SH NAME\nh \\- '), 0x80, 0x93, 0x9f, 0xa0, 0xff, 0x0a]),
  };
  const files = Object.entries(pages).map(([name, data]) => {
    writeFileSync(join(dir, name), data);
    return join(dir, name);
  });
  execFileSync('man-recode', ['--to-code', 'UTF-8', '--suffix', '.dh-new', ...files], { stdio: 'pipe' });
  for (const [name, data] of Object.entries(pages)) {
    assert.deepEqual(dhManRecode(data), readFileSync(join(dir, `${name}.dh-new`)), name);
  }
});

test("dhScriptSources: the steps a tree wakes, minus those debian/rules overrides (pkgme's rules: all of them)", () => {
  const tree = [
    'lib/systemd/system/cron.service',
    'usr/share/icons/Adwaita/16x16/apps/x.png',
    'usr/share/icons/hicolor/16x16/apps/x.png',
    'usr/local/share/x',
  ];
  assert.deepEqual(
    dhScriptSources(tree).map((s) => s.command),
    ['dh_installsystemd', 'dh_icons', 'dh_usrlocal'],
  );
  assert.deepEqual(dhScriptSources(tree, rules({ package: 'x' })), []);
  const partial = '%:\n\tdh $@\n# override_dh_icons:\noverride_dh_usrlocal override_dh_strip:\n';
  assert.deepEqual(
    dhScriptSources(tree, partial).map((s) => s.command),
    ['dh_installsystemd', 'dh_icons'],
  );
});
