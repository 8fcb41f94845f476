/**
 * An in-memory DepDbReader built from the machine's dpkg database (/var/lib/dpkg: status, info/*.symbols,
 * *.shlibs, *.list): the resolver's test double, and the reference the oracle test compares against dpkg-shlibdeps,
 * which reads the very same files. It exposes one (release, arch): the release is the machine's codename, the
 * architecture dpkg's native one; packages of that architecture and `all` are included (as Contents-<arch> does).
 *
 * Library files are the .list entries whose name looks like a shared library (`*.so.*`, `*-N.so`); a symlink is
 * listed under its own name, a real file under its DT_SONAME (read from the installed file) — the same split the
 * store's importers make.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readElfFile } from '../../../formats/elf/elf.ts';
import { parseDeb822 } from '../../../formats/deb822/index.ts';
import type { DepDbReader, ImportOrigin, LibraryFile, ReleaseKey, SonameProviders } from '../../types.ts';

const SONAME_LIKE = /(\.so\.[^/]+|-[0-9][^/]*\.so)$/;

function codename(): string {
  try {
    const m = /^VERSION_CODENAME=(.+)$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (m) return m[1]!.replace(/"/g, '').trim();
  } catch {
    // fall through
  }
  return 'local';
}

/** Splits a symbols file into its per-soname sections (a header line starts one). */
export function splitSymbols(text: string): Array<{ soname: string; text: string }> {
  const out: Array<{ soname: string; text: string }> = [];
  let cur: { soname: string; lines: string[] } | undefined;
  for (const line of text.split('\n')) {
    const head = /^([^\s#|*]\S*)\s+\S/.exec(line);
    if (head) {
      if (cur) out.push({ soname: cur.soname, text: cur.lines.join('\n') + '\n' });
      cur = { soname: head[1]!, lines: [line] };
    } else if (cur) cur.lines.push(line);
  }
  if (cur) out.push({ soname: cur.soname, text: cur.lines.join('\n') + '\n' });
  return out;
}

export interface DpkgReaderOptions {
  admindir?: string;
  release?: string;
  arch?: string;
}

export class DpkgReader implements DepDbReader {
  readonly key: ReleaseKey;
  readonly index = new Map<string, SonameProviders>();
  packages = 0;
  private readonly origin: ImportOrigin;

  constructor(opts: DpkgReaderOptions = {}) {
    const admindir = opts.admindir ?? '/var/lib/dpkg';
    const arch = opts.arch ?? execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
    this.key = { release: opts.release ?? codename(), arch };
    this.origin = { kind: 'dpkg', location: admindir, importedAt: new Date().toISOString() };
    const status = parseDeb822(readFileSync(join(admindir, 'status'), 'utf8'));
    for (const para of status) {
      const get = (f: string) => para.get(f);
      const name = get('Package');
      const st = get('Status');
      const pkgArch = get('Architecture');
      const version = get('Version');
      if (!name || !version || !pkgArch || !st?.endsWith(' installed')) continue;
      if (pkgArch !== arch && pkgArch !== 'all') continue;
      this.packages++;
      const info = (ext: string): string | undefined => {
        for (const base of [`${name}:${pkgArch}`, name]) {
          const p = join(admindir, 'info', `${base}.${ext}`);
          if (existsSync(p)) return readFileSync(p, 'utf8');
        }
        return undefined;
      };
      const multiArch = get('Multi-Arch');
      const symbols = info('symbols');
      if (symbols) {
        for (const section of splitSymbols(symbols)) {
          this.entry(section.soname).symbols.push({
            package: name,
            version,
            ...(multiArch ? { multiArch } : {}),
            section,
          });
        }
      }
      const shlibs = info('shlibs');
      if (shlibs) {
        for (const line of shlibs.split('\n')) {
          const m = /^\s*(?:(\S+):\s+)?(\S+)\s+(\S+)/.exec(line);
          if (!m || line.startsWith('#') || (m[1] !== undefined && m[1] !== 'deb')) continue;
          this.entry(`${m[2]}.so.${m[3]}`).shlibs.push({ package: name, version, line });
          // `libfoo 3` also answers for libfoo-3.so (split_soname's second form).
          if (/^\d/.test(m[3]!))
            this.entry(`${m[2]}-${m[3]}.so`).shlibs.push({ package: name, version, line });
        }
      }
      const list = info('list');
      if (list) {
        for (const path of list.split('\n')) {
          if (!path.includes('/lib') || !SONAME_LIKE.test(path)) continue;
          for (const lib of libraryFiles(path)) {
            this.entry(lib.soname).files.push({ package: name, version, path, symlink: lib.symlink });
          }
        }
      }
    }
  }

  private entry(soname: string): SonameProviders {
    let e = this.index.get(soname);
    if (!e) {
      e = { soname, symbols: [], shlibs: [], files: [] };
      this.index.set(soname, e);
    }
    return e;
  }

  releases(): Promise<Array<ReleaseKey & { origin: ImportOrigin; packages: number }>> {
    return Promise.resolve([{ ...this.key, origin: this.origin, packages: this.packages }]);
  }

  providers(key: ReleaseKey, sonames: string[]): Promise<Map<string, SonameProviders>> {
    const out = new Map<string, SonameProviders>();
    if (key.release !== this.key.release || key.arch !== this.key.arch) return Promise.resolve(out);
    for (const s of sonames) {
      const e = this.index.get(s);
      if (e && (e.symbols.length || e.shlibs.length || e.files.length)) out.set(s, e);
    }
    return Promise.resolve(out);
  }
}

function libraryFiles(path: string): LibraryFile[] {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return [];
  }
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (st.isSymbolicLink()) return [{ path, soname: base, symlink: true }];
  if (!st.isFile()) return [];
  let soname = base;
  try {
    soname = readElfFile(path, { symbols: 'none' }).soname ?? base;
  } catch {
    // not ELF (a linker script): listed under its name
  }
  return [{ path, soname, symlink: false }];
}
