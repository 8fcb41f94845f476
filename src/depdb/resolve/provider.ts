/**
 * Choosing the package that provides a soname when a release has several (libsystemd.so.0: libsystemd0 and
 * libelogind0; libjack.so.0: libjack0 and libjack-jackd2-0; libavcodec.so.59: libavcodec59 and
 * libavcodec-extra59). dpkg-shlibdeps never has to choose: it asks dpkg which installed package owns the file it
 * found. A database holds every candidate, so the rule below stands in for "what a normal system has installed".
 *
 * Candidates are compared on these keys, in order; the first difference decides:
 *  1. declares the soname (symbols or shlibs) AND ships a real file (not a symlink) by that name in a library
 *     directory of the architecture — the library's own package;
 *  2. declares it AND ships the name at all (a symlink, e.g. a compat package pointing at another library);
 *  3. declares it (its symbols/shlibs name the soname; no file seen, e.g. Contents-less imports);
 *  4. ships it in a library directory (Contents / file list only);
 *  5. its name is the one Debian policy 8.1 derives from the soname, as lintian derives it (libfoo.so.1 →
 *     libfoo1, libfoo-2.0.so.3 → libfoo-2.0-3, libfoo2.so.3 → libfoo2-3, libstk-4.6.2.so → libstk-4.6.2, with the
 *     t64 suffix of the 64-bit time_t transition allowed);
 *  6. it has a symbols file for the soname (finer minimum versions) rather than only shlibs;
 *  7. the shorter package name (variants such as -extra, -compat, -nvidia add to the name of the default);
 *  8. finally the package name in byte order, only so the answer is deterministic.
 * The losers are named in the reason's notes, so a maintainer can see the alternative and override it.
 */
import type { SonameProviders } from '../types.ts';

export interface ProviderChoice {
  package: string;
  version: string;
  /** symbols section of the chosen package, if any. */
  symbols?: SonameProviders['symbols'][number];
  /** shlibs line of the chosen package, if any. */
  shlibs?: SonameProviders['shlibs'][number];
  /** The chosen package's file for the soname (real file preferred). */
  file?: SonameProviders['files'][number];
  /** Other candidates, best first. */
  others: string[];
  /** Why the winner won over the runner-up (the first key that differed), when there were several. */
  rule?: string;
}

const MULTIARCH: Record<string, string> = {
  amd64: 'x86_64-linux-gnu',
  i386: 'i386-linux-gnu',
  arm64: 'aarch64-linux-gnu',
  armhf: 'arm-linux-gnueabihf',
  armel: 'arm-linux-gnueabi',
  mips64el: 'mips64el-linux-gnuabi64',
  mipsel: 'mipsel-linux-gnu',
  ppc64el: 'powerpc64le-linux-gnu',
  ppc64: 'powerpc64-linux-gnu',
  powerpc: 'powerpc-linux-gnu',
  s390x: 's390x-linux-gnu',
  riscv64: 'riscv64-linux-gnu',
  loong64: 'loongarch64-linux-gnu',
  x32: 'x86_64-linux-gnux32',
  hppa: 'hppa-linux-gnu',
  m68k: 'm68k-linux-gnu',
  sh4: 'sh4-linux-gnu',
  alpha: 'alpha-linux-gnu',
  ia64: 'ia64-linux-gnu',
  sparc64: 'sparc64-linux-gnu',
};

/** The Debian multiarch triplet of an architecture (the library directory name), if known. */
export function multiarchOf(arch: string): string | undefined {
  return MULTIARCH[arch];
}

/**
 * True when `path` lies in a directory ld.so searches by default for `arch`: the multiarch directories, the
 * traditional /lib and /usr/lib, and the lib32/lib64/libx32 multilib ones (what dpkg-shlibdeps searches besides RPATH
 * and ld.so.conf). Cross-toolchain trees (/usr/aarch64-linux-gnu/lib) are not, so their packages lose to the real one.
 */
export function inLibraryDir(path: string, arch: string): boolean {
  const dir = path.slice(0, path.lastIndexOf('/'));
  const triplet = multiarchOf(arch);
  const dirs = ['/lib', '/usr/lib', '/lib32', '/usr/lib32', '/lib64', '/usr/lib64', '/libx32', '/usr/libx32'];
  if (triplet) dirs.push(`/lib/${triplet}`, `/usr/lib/${triplet}`);
  return dirs.includes(dir);
}

/**
 * The package name policy 8.1 gives a library, derived from its soname as lintian derives it for
 * package-name-doesnt-match-sonames (Lintian::Check::Libraries::Shared::Soname): the first `<digit>.so.` becomes
 * `<digit>-`, then the first `.so` followed by `.` or the end goes, `_` becomes `-`, lower-cased. `libfoo.so.1` →
 * libfoo1, `libfoo2.so.3` → libfoo2-3, and the forms split_soname's first rule cannot name: `libstk-4.6.2.so` →
 * libstk-4.6.2, `libnss3.so` → libnss3.
 */
export function policyName(soname: string): string {
  return soname
    .replace(/([0-9])\.so\./, '$1-')
    .replace(/\.so(?:\.|$)/, '')
    .replace(/_/g, '-')
    .toLowerCase();
}

interface Candidate {
  name: string;
  version: string;
  symbols?: SonameProviders['symbols'][number];
  shlibs?: SonameProviders['shlibs'][number];
  files: SonameProviders['files'];
  keys: number[];
}

const KEY_NAMES = [
  'declares the soname and ships the real file',
  'declares the soname and ships it',
  'declares the soname (symbols/shlibs)',
  'ships the file in a library directory',
  'package name derived from the soname (policy 8.1)',
  'has a symbols file',
  'shorter package name',
];

/** Applies the rule above; undefined when nobody provides the soname in a library directory or declares it. */
export function chooseProvider(p: SonameProviders, arch: string): ProviderChoice | undefined {
  const byName = new Map<string, Candidate>();
  const get = (name: string, version: string): Candidate => {
    let c = byName.get(name);
    if (!c) {
      c = { name, version, files: [], keys: [] };
      byName.set(name, c);
    }
    return c;
  };
  for (const s of p.symbols) get(s.package, s.version).symbols ??= s;
  for (const s of p.shlibs) get(s.package, s.version).shlibs ??= s;
  for (const f of p.files) if (inLibraryDir(f.path, arch)) get(f.package, f.version).files.push(f);
  if (byName.size === 0) return undefined;
  const derived = policyName(p.soname);
  for (const c of byName.values()) {
    const declares = c.symbols !== undefined || c.shlibs !== undefined;
    const real = c.files.some((f) => !f.symlink);
    const ships = c.files.length > 0;
    const nameMatch = c.name === derived || c.name === `${derived}t64`;
    c.keys = [
      declares && real ? 1 : 0,
      declares && ships ? 1 : 0,
      declares ? 1 : 0,
      ships ? 1 : 0,
      nameMatch ? 1 : 0,
      c.symbols ? 1 : 0,
      -c.name.length,
    ];
  }
  const order = (a: Candidate, b: Candidate): number => {
    for (let i = 0; i < a.keys.length; i++) if (a.keys[i] !== b.keys[i]) return b.keys[i]! - a.keys[i]!;
    return Buffer.compare(Buffer.from(a.name), Buffer.from(b.name));
  };
  const sorted = [...byName.values()].sort(order);
  const win = sorted[0]!;
  let rule: string | undefined;
  if (sorted.length > 1) {
    const second = sorted[1]!;
    const i = win.keys.findIndex((k, n) => k !== second.keys[n]);
    rule = i < 0 ? 'package name order (all other keys equal)' : KEY_NAMES[i];
  }
  const file = win.files.find((f) => !f.symlink) ?? win.files[0];
  return {
    package: win.name,
    version: win.version,
    ...(win.symbols ? { symbols: win.symbols } : {}),
    ...(win.shlibs ? { shlibs: win.shlibs } : {}),
    ...(file ? { file } : {}),
    others: sorted.slice(1).map((c) => c.name),
    ...(rule ? { rule } : {}),
  };
}
