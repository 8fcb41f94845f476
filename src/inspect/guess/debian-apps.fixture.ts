/**
 * Test fixture: real Debian desktop applications, fetched with `apt-get download` (the machine's apt sources) and
 * cached. For each package it keeps its Section (from `dpkg-deb -f`), its desktop entries and its AppStream
 * metainfo files, which the section and description guessers are measured against.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedFixture } from '../../testing/env.ts';

/** Desktop applications across Debian's sections, each under ~3 MB (the whole set is ~45 MB). */
export const DEBIAN_APPS =
  `gnome-mines gnome-sudoku xboard gnome-chess quadrapassel lbreakout2 gpicview ristretto
mtpaint gthumb xpaint viewnior feh audacious pavucontrol qjackctl hydrogen mpv smplayer hexchat filezilla
transmission-gtk pidgin claws-mail sylpheed mousepad geany gedit featherpad meld gitk git-cola qgit galculator
xarchiver htop gnome-calculator xterm lxterminal lxappearance xfce4-terminal lxtask gparted synaptic evince zathura
xpdf gtkwave fldigi dosbox gucharmap baobab gnome-disk-utility remmina putty liferea dia gnumeric abiword x2goclient
gnome-maps`.split(/\s+/);

export interface DebianApp {
  package: string;
  section: string;
  /** Absolute paths of the package's .desktop files (cached copies). */
  desktop: string[];
  /** Absolute paths of its *.metainfo.xml / *.appdata.xml files (cached copies). */
  metainfo: string[];
}

function files(dir: string): string[] {
  try {
    return readdirSync(dir)
      .sort()
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/** Downloads (once) and returns the applications; needs apt-get and dpkg-deb (check with requireTools first). */
export function debianApps(): DebianApp[] {
  const dir = cachedFixture(
    'debian-apps',
    (out) => {
      const work = mkdtempSync(join(tmpdir(), 'pkgme-apps-'));
      try {
        execFileSync('apt-get', ['download', ...DEBIAN_APPS], { cwd: work, stdio: 'ignore' });
        for (const deb of readdirSync(work).filter((f) => f.endsWith('.deb'))) {
          const pkg = execFileSync('dpkg-deb', ['-f', join(work, deb), 'Package'], {
            encoding: 'utf8',
          }).trim();
          const section = execFileSync('dpkg-deb', ['-f', join(work, deb), 'Section'], {
            encoding: 'utf8',
          }).trim();
          const x = join(work, pkg);
          execFileSync('dpkg-deb', ['-x', join(work, deb), x]);
          const dest = join(out, pkg);
          mkdirSync(join(dest, 'desktop'), { recursive: true });
          mkdirSync(join(dest, 'metainfo'), { recursive: true });
          writeFileSync(join(dest, 'section'), section);
          for (const f of files(join(x, 'usr/share/applications')).filter((p) => p.endsWith('.desktop')))
            writeFileSync(join(dest, 'desktop', f.split('/').pop()!), readFileSync(f));
          for (const d of ['usr/share/metainfo', 'usr/share/appdata'])
            for (const f of files(join(x, d)).filter((p) => /\.(metainfo|appdata)\.xml$/.test(p)))
              writeFileSync(join(dest, 'metainfo', f.split('/').pop()!), readFileSync(f));
        }
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
    { version: DEBIAN_APPS.join(',') },
  );
  return readdirSync(dir)
    .filter((p) => !p.startsWith('.'))
    .sort()
    .map((pkg) => ({
      package: pkg,
      section: readFileSync(join(dir, pkg, 'section'), 'utf8'),
      desktop: files(join(dir, pkg, 'desktop')),
      metainfo: files(join(dir, pkg, 'metainfo')),
    }));
}
