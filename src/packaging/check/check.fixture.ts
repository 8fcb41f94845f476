/**
 * Test packages for the checks, built with the real tools (gcc, strip, dpkg-deb --build, dpkg-source -b) and cached
 * in .cache/packaging-check:
 * - good: shaped like a pkgme package (app tree in /usr/lib/<pkg>, a bundled library reached through the launcher's
 *   LD_LIBRARY_PATH, DEP-5 copyright, changelog, desktop entry, SVG icon, metainfo), with its source package. It
 *   must pass lintian with only the allowed warnings, both validators and the install test.
 * - bad: lintian errors (a file in /opt, an unstripped binary), a desktop entry with errors and metainfo without
 *   a summary.
 * All depend on libpng16-16, which is not in a minbase chroot: the install test downloads it (once, then from
 * the shared download cache).
 * - nolib: clean, but its program needs libabsent.so.1, which nothing ships: installs, and the library check fails.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cachedFixture } from '../../testing/env.ts';

export const FIXTURE_TOOLS = ['gcc', 'strip', 'dpkg-deb', 'dpkg-source'];

export interface CheckFixtures {
  dir: string;
  good: { deb: string; dsc: string; pkg: string };
  bad: { deb: string; pkg: string };
  nolib: { deb: string; pkg: string };
}

const MAINTAINER = 'Example Developer <dev@example.com>';
const DATE = 'Tue, 24 Nov 2026 04:00:00 +0000';
const EPOCH = '1795492800';

const MIT = `Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.`;

function put(path: string, data: string | Buffer, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
  chmodSync(path, mode);
}

function sh(cmd: string, args: string[], cwd?: string): void {
  execFileSync(cmd, args, {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, SOURCE_DATE_EPOCH: EPOCH },
  });
}

function copyright(pkg: string): string {
  const license = MIT.split('\n')
    .map((l) => (l === '' ? ' .' : ` ${l}`))
    .join('\n');
  return (
    `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: ${pkg}\n` +
    `Source: https://example.com/${pkg}\n\nFiles: *\nCopyright: 2026 Example Developer\nLicense: MIT\n${license}\n`
  );
}

function changelog(pkg: string): string {
  return `${pkg} (1.0-1) bookworm; urgency=medium\n\n  * Packaged with pkgme.\n\n -- ${MAINTAINER}  ${DATE}\n`;
}

const DESCRIPTION =
  ' Hello prints a greeting that it reads from its own bundled shared\n' +
  ' library, which is how many prebuilt applications are shipped.\n';

function control(pkg: string): string {
  return (
    `Package: ${pkg}\nVersion: 1.0-1\nArchitecture: amd64\nMaintainer: ${MAINTAINER}\n` +
    `Depends: libc6 (>= 2.34), libpng16-16\nSection: utils\nPriority: optional\nHomepage: https://example.com/${pkg}\n` +
    `Description: greets the user from a bundled library\n${DESCRIPTION}`
  );
}

function metainfo(pkg: string, id: string, summary: boolean): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<component type="desktop-application">
  <id>${id}</id>
  <metadata_license>FSFAP</metadata_license>
  <project_license>MIT</project_license>
  <name>Hello</name>
${summary ? '  <summary>Greets the user from a bundled library</summary>\n' : ''}  <description>
    <p>Hello prints a greeting that it reads from its own bundled shared library, which is how many prebuilt applications are shipped.</p>
  </description>
  <launchable type="desktop-id">${pkg}.desktop</launchable>
  <url type="homepage">https://example.com/${pkg}</url>
  <provides><binary>${pkg}</binary></provides>
  <content_rating type="oars-1.1"/>
</component>
`;
}

interface Variant {
  pkg: string;
  /** Link the program against a library the package does not ship. */
  absentLib?: boolean;
  /** lintian errors, desktop and metainfo errors. */
  broken?: boolean;
}

/** Compiles the program and its bundled library into `tree` (the package's root). */
function compile(work: string, tree: string, v: Variant): void {
  const app = join(tree, 'usr/lib', v.pkg);
  mkdirSync(join(app, 'lib'), { recursive: true });
  mkdirSync(join(app, 'bin'), { recursive: true });
  put(
    join(work, 'greet.c'),
    '#include <stdlib.h>\nconst char *greet(void){const char*n=getenv("USER");return n?n:"hi";}\n',
  );
  put(join(work, 'absent.c'), 'int absent(void){return 0;}\n');
  const main = v.absentLib
    ? '#include <stdio.h>\nconst char*greet(void);int absent(void);int main(){puts(greet());return absent();}\n'
    : '#include <stdio.h>\nconst char*greet(void);int main(){puts(greet());return 0;}\n';
  put(join(work, 'main.c'), main);
  const lib = join(app, 'lib/libgreet.so.1');
  sh('gcc', [
    '-O2',
    '-shared',
    '-fPIC',
    '-Wl,-soname,libgreet.so.1',
    '-Wl,-z,now',
    '-o',
    lib,
    join(work, 'greet.c'),
  ]);
  const libs = ['-L', join(app, 'lib'), '-l:libgreet.so.1'];
  if (v.absentLib) {
    sh('gcc', [
      '-shared',
      '-fPIC',
      '-Wl,-soname,libabsent.so.1',
      '-o',
      join(work, 'libabsent.so.1'),
      join(work, 'absent.c'),
    ]);
    libs.push('-L', work, '-l:libabsent.so.1');
  }
  const bin = join(app, 'bin/hello');
  sh('gcc', ['-O2', '-Wl,-z,now', '-o', bin, join(work, 'main.c'), ...libs]);
  // nolib ships unstripped binaries with a lintian override, as pkgme does (debian/lintian-overrides.ts).
  if (!v.broken && !v.absentLib)
    sh('strip', ['--remove-section=.comment', '--remove-section=.note', '--strip-unneeded', bin, lib]);
  chmodSync(lib, 0o644);
}

function buildTree(work: string, v: Variant): string {
  const tree = join(work, 'tree');
  const { pkg } = v;
  compile(work, tree, v);
  put(
    join(tree, 'usr/bin', pkg),
    `#!/bin/sh\nexport LD_LIBRARY_PATH="/usr/lib/${pkg}/lib\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"\n` +
      `exec /usr/lib/${pkg}/bin/hello "$@"\n`,
    0o755,
  );
  put(
    join(tree, 'usr/share/man/man1', `${pkg}.1.gz`),
    gzipSync(`.TH ${pkg.toUpperCase()} 1\n.SH NAME\n${pkg.replace(/-/g, '\\-')} \\- greets the user\n`, {
      level: 9,
    }),
  );
  const doc = join(tree, 'usr/share/doc', pkg);
  put(join(doc, 'copyright'), copyright(pkg));
  put(join(doc, 'changelog.Debian.gz'), gzipSync(changelog(pkg), { level: 9 }));
  const categories = v.broken ? 'Bogus;' : 'Utility;';
  put(
    join(tree, 'usr/share/applications', `${pkg}.desktop`),
    `[Desktop Entry]\nType=Application\nName=Hello\nComment=Greets the user\nExec=${pkg}\nIcon=${pkg}\n` +
      `Categories=${categories}\nTerminal=true\n`,
  );
  put(
    join(tree, 'usr/share/icons/hicolor/scalable/apps', `${pkg}.svg`),
    '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48"><rect width="48" height="48" fill="#36c"/></svg>\n',
  );
  // AppStream wants the file named after the component id (metainfo-filename-cid-mismatch otherwise).
  const id = `com.example.${pkg.replace(/-/g, '_')}`;
  put(join(tree, 'usr/share/metainfo', `${id}.metainfo.xml`), metainfo(pkg, id, !v.broken));
  if (v.absentLib) {
    put(
      join(tree, 'usr/share/lintian/overrides', pkg),
      `# Shipped as the developer built it.\n${pkg}: unstripped-binary-or-object [usr/lib/${pkg}/bin/hello]\n` +
        `${pkg}: unstripped-binary-or-object [usr/lib/${pkg}/lib/libgreet.so.1]\n`,
    );
  }
  if (v.broken) put(join(tree, 'opt', pkg, 'README'), 'a file where Debian packages must not put one\n');
  put(join(tree, 'DEBIAN/control'), control(pkg));
  return tree;
}

function buildDeb(dir: string, v: Variant): string {
  const work = join(dir, `${v.pkg}.work`);
  const tree = buildTree(work, v);
  const deb = join(dir, `${v.pkg}_1.0-1_amd64.deb`);
  sh('dpkg-deb', ['--build', '--root-owner-group', tree, deb]);
  return deb;
}

/** The source package of `good`: the upload as .orig, a dh debian/ directory that installs it. */
function buildSource(dir: string, pkg: string): string {
  const top = join(dir, 'src', `${pkg}-1.0`);
  put(join(top, 'README'), 'Hello, a prebuilt application.\n');
  sh(
    'tar',
    [
      '--sort=name',
      '--mtime=@' + EPOCH,
      '--owner=0',
      '--group=0',
      '-czf',
      `${pkg}_1.0.orig.tar.gz`,
      `${pkg}-1.0`,
    ],
    dirname(top),
  );
  const deb = join(top, 'debian');
  put(join(deb, 'changelog'), changelog(pkg));
  put(join(deb, 'copyright'), copyright(pkg));
  put(join(deb, 'source/format'), '3.0 (quilt)\n');
  put(join(deb, 'rules'), '#!/usr/bin/make -f\n%:\n\tdh $@\n', 0o755);
  put(
    join(deb, 'control'),
    `Source: ${pkg}\nSection: utils\nPriority: optional\nMaintainer: ${MAINTAINER}\n` +
      `Build-Depends: debhelper-compat (= 13)\nStandards-Version: 4.6.2\nHomepage: https://example.com/${pkg}\n` +
      `Rules-Requires-Root: no\n\nPackage: ${pkg}\nArchitecture: amd64\nDepends: libc6 (>= 2.34), \${misc:Depends}\n` +
      `Description: greets the user from a bundled library\n${DESCRIPTION}`,
  );
  sh('dpkg-source', ['-b', `${pkg}-1.0`], dirname(top));
  return join(dir, 'src', `${pkg}_1.0-1.dsc`);
}

export function checkFixtures(): CheckFixtures {
  const dir = cachedFixture(
    'packaging-check',
    (tmp) => {
      buildDeb(tmp, { pkg: 'hello-pkgme' });
      buildSource(tmp, 'hello-pkgme');
      buildDeb(tmp, { pkg: 'hello-broken', broken: true });
      buildDeb(tmp, { pkg: 'hello-nolib', absentLib: true });
    },
    { version: '5' },
  );
  return {
    dir,
    good: {
      pkg: 'hello-pkgme',
      deb: join(dir, 'hello-pkgme_1.0-1_amd64.deb'),
      dsc: join(dir, 'src/hello-pkgme_1.0-1.dsc'),
    },
    bad: { pkg: 'hello-broken', deb: join(dir, 'hello-broken_1.0-1_amd64.deb') },
    nolib: { pkg: 'hello-nolib', deb: join(dir, 'hello-nolib_1.0-1_amd64.deb') },
  };
}
