/**
 * Test fixture: a small but awkward source tree (nested dirs, an executable, a symlink, an empty directory, a path
 * longer than 100 bytes, non-ASCII names) with a debian/ directory whose control file uses the fields dpkg-source
 * treats specially, and a tree comparison for "extracted equals input".
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { writeSourcePackage, type SourceFormat, type WrittenSource } from './write.ts';

export const CONTROL = `Source: hello-pkgme
Section: utils
Priority: optional
Maintainer: Jane Doe <jane@example.org>
Uploaders: John Roe <john@example.org>,
 Ann Poe <ann@example.org>
Build-Depends: debhelper-compat (= 13),
    libc6-dev (>= 2.34) [amd64 arm64] <!nocheck>,
    pkgconf | pkg-config,
    pkgconf,
    debhelper-compat (= 13)
Build-Depends-Indep: python3:any (>> 3.9)
Build-Conflicts: libfoo-dev (<< 1.0), libbar-dev, libfoo-dev (<< 2.0)
Standards-Version: 4.6.2
Homepage: https://example.org/hello
Vcs-Git: https://example.org/hello.git
Vcs-Browser: https://example.org/hello
Rules-Requires-Root: no
XS-Custom-Field: kept
XSBC-Original-Maintainer: Someone <someone@example.org>

Package: hello-pkgme
Architecture: any
Depends: \${shlibs:Depends}, \${misc:Depends}
Description: greeting tool
 Says hello.

Package: hello-pkgme-doc
Architecture: all
Section: doc
Build-Profiles: <!nodoc> <stage1 !cross>
Description: documentation
 Docs.

Package: hello-pkgme-extra
Architecture: amd64 i386
Priority: extra
Essential: yes
Description: extra
 Extra.
`;

export const CHANGELOG_DATE = 'Mon, 01 Jan 2024 00:00:00 +0000';
export const MTIME = Date.parse(CHANGELOG_DATE) / 1000;

export function makeTree(dir: string, opts: { version: string; format: string }): void {
  const w = (rel: string, content: string, mode = 0o644) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), content);
    chmodSync(join(dir, rel), mode);
  };
  w('README', 'hello\n');
  w('src/main.c', 'int main(void) { return 0; }\n');
  w('bin/hello', '#!/bin/sh\necho hello\n', 0o755);
  w(`${'deep/'.repeat(22)}file-with-a-long-path.txt`, 'long\n');
  w('docs/héllo wörld.txt', 'unicode\n');
  mkdirSync(join(dir, 'empty'), { recursive: true });
  symlinkSync('../README', join(dir, 'docs', 'README.link'));
  w('debian/control', CONTROL);
  w(
    'debian/changelog',
    `hello-pkgme (${opts.version}) unstable; urgency=medium\n\n  * Initial release.\n\n -- Jane Doe <jane@example.org>  ${CHANGELOG_DATE}\n`,
  );
  w('debian/rules', '#!/usr/bin/make -f\n%:\n\tdh $@\n', 0o755);
  w('debian/source/format', `${opts.format}\n`);
  w(
    'debian/tests/control',
    '# comment\nTests: smoke\nDepends: @, python3 (>= 3.9) | python3-minimal, @builddeps@\n\n' +
      'Test-Command: hello-pkgme --version\nDepends: hello-pkgme, bash\nRestrictions: superficial\n',
  );
  w('debian/copyright', 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n');
}

/** path → type, permission bits, content or link target, for every entry below `root` (sorted). */
export function describeTree(root: string, skip: string[] = []): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const path = rel === '' ? name : `${rel}/${name}`;
      if (skip.includes(path)) continue;
      const st = lstatSync(join(root, path));
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out.push(`${path} link ${readlinkSync(join(root, path))}`);
      else if (st.isDirectory()) {
        out.push(`${path} dir ${mode}`);
        visit(path);
      } else out.push(`${path} file ${mode} ${readFileSync(join(root, path)).toString('base64')}`);
    }
  };
  visit('');
  return out;
}

/**
 * Runs dpkg-source -x; returns the stderr lines that mention a warning. Unless `signed`, the one about extracting an
 * unsigned package is expected and left out. `home` points dpkg-source's gpgv at `<home>/.gnupg/trustedkeys.gpg`.
 */
export function dpkgSourceExtract(
  dsc: string,
  into: string,
  cwd: string,
  opts: { signed?: boolean; home?: string } = {},
): { warnings: string[]; stderr: string } {
  const env = opts.home === undefined ? process.env : { ...process.env, HOME: opts.home };
  const r = spawnSync('dpkg-source', ['-x', dsc, into], { cwd, encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`dpkg-source -x failed (${r.status}): ${r.stderr}`);
  const warnings = r.stderr
    .split('\n')
    .filter(
      (l) => /warning/i.test(l) && (opts.signed === true || !/extracting unsigned source package/.test(l)),
    );
  return { warnings, stderr: r.stderr };
}

/** makeTree + writeSourcePackage into `<dir>/tree` and `<dir>/<out>`. */
export async function writeFixturePackage(
  dir: string,
  version: string,
  format: SourceFormat,
  out = 'out',
): Promise<WrittenSource> {
  const tree = join(dir, 'tree');
  makeTree(tree, { version, format });
  return writeSourcePackage({ tree, outDir: join(dir, out), format, version, mtime: MTIME });
}
