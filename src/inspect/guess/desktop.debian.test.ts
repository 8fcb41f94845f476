/**
 * Real desktop entries from Debian packages (fetched with `apt-get download`, cached): each must parse, get the
 * verdict desktop-file-validate gives it, and pass desktop-file-validate after `fixDesktop`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cachedFixture, requireTools } from '../../testing/env.ts';
import { fixDesktop, parseDesktop, serializeDesktop, validateDesktop } from './desktop.ts';

const PACKAGES = [
  'htop',
  'xterm',
  'x11-apps',
  'galculator',
  'mousepad',
  'audacious',
  'hexchat',
  'geany',
  'xarchiver',
  'gpicview',
  'lxterminal',
  'pavucontrol',
  'xfce4-terminal',
  'ristretto',
  'lxappearance',
  'lxtask',
];

function desktopFiles(): string[] {
  const dir = cachedFixture(
    'desktop-entries-debian',
    (out) => {
      const work = mkdtempSync(join(tmpdir(), 'pkgme-desktop-debs-'));
      execFileSync('apt-get', ['download', ...PACKAGES], { cwd: work, stdio: 'ignore' });
      for (const deb of readdirSync(work).filter((f) => f.endsWith('.deb'))) {
        const x = join(work, deb.replace(/\.deb$/, ''));
        mkdirSync(x);
        execFileSync('dpkg-deb', ['-x', join(work, deb), x]);
        const apps = join(x, 'usr/share/applications');
        let names: string[] = [];
        try {
          names = readdirSync(apps).filter((f) => f.endsWith('.desktop'));
        } catch {
          continue;
        }
        for (const n of names) writeFileSync(join(out, n), readFileSync(join(apps, n)));
      }
    },
    { version: PACKAGES.join(',') },
  );
  return readdirSync(dir)
    .filter((f) => f.endsWith('.desktop'))
    .map((f) => join(dir, f));
}

test("Debian packages' desktop entries: parse, same verdict as desktop-file-validate, valid after fix", (t) => {
  if (!requireTools(t, ['desktop-file-validate', 'apt-get', 'dpkg-deb'], 'desktop-file-utils apt dpkg'))
    return;
  const files = desktopFiles();
  assert.ok(files.length >= PACKAGES.length, `only ${files.length} .desktop files in ${PACKAGES.join(' ')}`);
  const tmp = mkdtempSync(join(tmpdir(), 'pkgme-desktop-real-'));
  let rejected = 0;
  for (const path of files) {
    const file = parseDesktop(readFileSync(path), path);
    const r = spawnSync('desktop-file-validate', [path], { encoding: 'utf8' });
    const ours = validateDesktop(file).filter((p) => p.level === 'error');
    assert.equal(
      ours.length > 0,
      r.status !== 0,
      `${path}: ${JSON.stringify(ours)} vs ${r.stdout}${r.stderr}`,
    );
    if (r.status !== 0) rejected++;
    fixDesktop(file, { exec: '/usr/bin/app', icon: 'app', name: 'App', categories: ['Utility'] });
    const fixed = join(tmp, path.split('/').pop()!);
    writeFileSync(fixed, serializeDesktop(file));
    const f = spawnSync('desktop-file-validate', [fixed], { encoding: 'utf8' });
    assert.equal(f.status, 0, `${path} after fix: ${f.stdout}${f.stderr}`);
  }
  console.log(
    `desktop: ${files.length} .desktop files from ${PACKAGES.length} Debian packages, ${rejected} rejected by desktop-file-validate, same verdict; all valid after fix`,
  );
});
