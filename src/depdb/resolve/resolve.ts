/**
 * The resolver: the ELF files of an upload + a DepDbReader → the Depends of each release, with a reason for every
 * dependency. It follows dpkg-shlibdeps (scripts/dpkg-shlibdeps.pl, Dpkg::Shlibs::SymbolFile) step by step, with the
 * package database in place of the installed system; docs/resolver.md lists the rules and the deliberate
 * differences. Per binary:
 *  1. each NEEDED soname the upload bundles is skipped (reported as bundled);
 *  2. else the provider rule (provider.ts) picks a package; its symbols section, if any, becomes an object of the
 *     binary's "symfile", and its dep-id 0 template is raised to the smallest minver of the section (an unversioned
 *     dependency is never right when a symbols file exists: the library may be younger than the package);
 *  3. else the package's shlibs template applies as is; else (only a file is known) the bare package name,
 *     unversioned, marked so;
 *  4. every import `name@version` (`name@Base` when unversioned; weak ones too) is looked up in the symfile objects
 *     in NEEDED order — the first library whose symbols file lists it (not deprecated) is the one that provides it,
 *     and the template of that symbol's dep-id is raised to its minver. Imports no symbols file lists change nothing.
 * Build-Depends-Package is never applied (a binary upload has no Build-Depends); a note says so.
 */
import { PkgmeError } from '../../errors.ts';
import type { DepDbReader, ReleaseKey, SonameProviders } from '../types.ts';
import { DependencySet, finalDepends } from './depends.ts';
import type {
  ArchVerdict,
  Bundled,
  Reason,
  ReleaseVerdict,
  ResolveResult,
  UploadElf,
  Unresolved,
} from './model.ts';
import { chooseProvider, type ProviderChoice } from './provider.ts';
import { suggest } from './suggest.ts';
import {
  compareLax,
  isDeprecated,
  shlibsDependency,
  symbolsView,
  type SymbolsView,
} from './symbols-object.ts';
import type { UploadSet } from './upload.ts';

const LISTED_SYMBOLS = 5;

export interface ResolveOptions {
  /** Releases to answer for (default: every imported release). */
  releases?: string[];
  /** Only resolve the ELF files of this architecture. */
  arch?: string;
}

/** Parsed symbols sections, shared across calls (a warm resolver re-parses nothing). */
const symbolsCache = new Map<string, SymbolsView>();

function symbolsObject(pkg: string, version: string, soname: string, text: string): SymbolsView {
  const key = `${pkg}\0${version}\0${soname}\0${text.length}`;
  let o = symbolsCache.get(key);
  if (!o || symbolsCache.size > 50_000) {
    if (symbolsCache.size > 50_000) symbolsCache.clear();
    o = symbolsView(soname, text);
    symbolsCache.set(key, o);
  }
  return o;
}

interface SymfileEntry {
  soname: string;
  view: SymbolsView;
  choice: ProviderChoice;
}

function baseNotes(choice: ProviderChoice): string[] {
  const notes: string[] = [];
  if (choice.others.length > 0) {
    notes.push(`also provided by ${choice.others.join(', ')}; ${choice.package} chosen: ${choice.rule}`);
  }
  return notes;
}

function reasonText(r: Omit<Reason, 'text'>): string {
  const lib = r.library ?? '(no file known)';
  let how: string;
  if (r.source === 'symbols') {
    how =
      r.minimum !== undefined && r.minimum !== ''
        ? `symbols: ${r.template} → minimum ${r.minimum}` +
          (r.symbols && r.symbols.length > 0
            ? ` set by ${r.symbols.join(', ')}${(r.symbolCount ?? 0) > r.symbols.length ? ` (+${r.symbolCount! - r.symbols.length} more)` : ''}`
            : ' (smallest version in the symbols file)')
        : `symbols: ${r.template} (no version)`;
  } else if (r.source === 'shlibs') how = `shlibs template: ${r.template}`;
  else how = 'contents: unversioned (no symbols or shlibs for this soname)';
  return `${r.binary} → ${r.soname} → ${lib} → ${r.package} → ${how}`;
}

function makeReason(r: Omit<Reason, 'text'>): Reason {
  return { ...r, text: reasonText(r) };
}

/** Resolves the files of one architecture against one (release, arch). */
async function resolveArch(
  reader: DepDbReader,
  key: ReleaseKey,
  keyImported: boolean,
  imported: ReleaseKey[],
  files: UploadElf[],
  upload: UploadSet,
): Promise<ArchVerdict> {
  const bundledOut = new Map<string, Bundled>();
  const bundledOf = new Map<UploadElf, Set<string>>();
  const external = new Set<string>();
  for (const f of files) {
    const b = upload.bundled.get(f) ?? [];
    bundledOf.set(f, new Set(b.map((x) => x.soname)));
    for (const x of b) {
      const k = `${x.soname}\0${x.path}\0${x.via}`;
      const seen = bundledOut.get(k);
      if (seen) seen.neededBy.push(...x.neededBy.filter((n) => !seen.neededBy.includes(n)));
      else bundledOut.set(k, { ...x, neededBy: [...x.neededBy] });
    }
    for (const s of f.needed) if (!bundledOf.get(f)!.has(s)) external.add(s);
  }
  const providers: Map<string, SonameProviders> = keyImported
    ? await reader.providers(key, [...external].sort())
    : new Map();
  const choices = new Map<string, ProviderChoice | undefined>();
  const choose = (s: string): ProviderChoice | undefined => {
    if (!choices.has(s)) {
      const p = providers.get(s);
      choices.set(s, p ? chooseProvider(p, key.arch) : undefined);
    }
    return choices.get(s);
  };

  const set = new DependencySet();
  const unresolved = new Map<string, string[]>();
  for (const f of files) {
    const bundled = bundledOf.get(f)!;
    const symfile: SymfileEntry[] = [];
    for (const soname of f.needed) {
      if (bundled.has(soname)) continue;
      const choice = choose(soname);
      if (!choice) {
        const users = unresolved.get(soname) ?? [];
        if (!users.includes(f.path)) users.push(f.path);
        unresolved.set(soname, users);
        continue;
      }
      const library = choice.file?.path ?? null;
      const notes = baseNotes(choice);
      if (choice.symbols) {
        const view = symbolsObject(choice.package, choice.version, soname, choice.symbols.section.text);
        if (view.obj.dependencies.length > 0) {
          symfile.push({ soname, view, choice });
          continue;
        }
        notes.push(
          `symbols file of ${choice.package} unreadable (${view.problem ?? 'no template'}): shlibs used`,
        );
      }
      const dep = choice.shlibs ? shlibsDependency(soname, [choice.shlibs.line]) : undefined;
      if (dep !== undefined && dep !== '') {
        set.addFixed(
          dep,
          makeReason({
            binary: f.path,
            soname,
            library,
            package: choice.package,
            source: 'shlibs',
            template: dep,
            ...(notes.length ? { notes } : {}),
          }),
        );
      } else {
        set.addFixed(
          choice.package,
          makeReason({
            binary: f.path,
            soname,
            library,
            package: choice.package,
            source: 'contents',
            template: choice.package,
            notes: [...notes, 'unversioned: no symbols or shlibs information for this soname'],
          }),
          true,
        );
      }
    }

    // Which library provides each import, and the highest minver per (soname, dep-id).
    const best = new Map<string, { entry: SymfileEntry; depId: number; max: string; syms: string[] }>();
    for (const imp of f.imports) {
      const name = `${imp.name}@${imp.version ?? 'Base'}`;
      for (const entry of symfile) {
        const sym = entry.view.obj.symbols.get(name);
        if (!sym || isDeprecated(sym)) continue;
        if (entry.view.obj.dependencies[sym.depId] === undefined) break;
        const k = `${entry.soname}\0${sym.depId}`;
        const b = best.get(k);
        if (!b) best.set(k, { entry, depId: sym.depId, max: sym.minver, syms: [name] });
        else {
          const c = compareLax(sym.minver, b.max);
          if (c > 0) {
            b.max = sym.minver;
            b.syms = [name];
          } else if (c === 0 && !b.syms.includes(name)) b.syms.push(name);
        }
        break;
      }
    }
    for (const entry of symfile) {
      const { view, choice, soname } = entry;
      const notes = baseNotes(choice);
      const bdp = view.obj.fields['Build-Depends-Packages'] ?? view.obj.fields['Build-Depends-Package'];
      if (bdp !== undefined) {
        notes.push(`Build-Depends-Package: ${bdp} not applied (a binary upload has no Build-Depends)`);
      }
      const depIds = new Set([0, ...[...best.values()].filter((b) => b.entry === entry).map((b) => b.depId)]);
      for (const depId of [...depIds].sort((a, b) => a - b)) {
        const template = view.obj.dependencies[depId]!;
        const used = best.get(`${soname}\0${depId}`);
        let minimum = depId === 0 ? view.smallest : '';
        let syms: string[] = [];
        if (used && (minimum === '' || compareLax(used.max, minimum) >= 0)) {
          syms = used.syms;
          minimum = used.max;
        }
        const reason = makeReason({
          binary: f.path,
          soname,
          library: choice.file?.path ?? null,
          package: choice.package,
          source: 'symbols',
          template,
          ...(minimum !== '' ? { minimum } : {}),
          ...(syms.length ? { symbols: syms.slice(0, LISTED_SYMBOLS), symbolCount: syms.length } : {}),
          ...(notes.length ? { notes } : {}),
        });
        set.raise(template, minimum, reason);
      }
    }
  }

  const final = finalDepends(set);
  const unresolvedOut: Unresolved[] = [];
  for (const [soname, neededBy] of [...unresolved].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    unresolvedOut.push({
      soname,
      neededBy,
      suggestions: await suggest(reader, key, soname, imported, keyImported),
    });
  }
  const why: string[] = [];
  if (!keyImported && files.some((f) => f.needed.length > 0)) {
    why.push(`architecture ${key.arch} was not imported for ${key.release}`);
  }
  for (const bad of final.invalid) {
    const pkgs = [...new Set(bad.reasons.map((r) => r.package))].join(', ');
    why.push(`dependency template "${bad.text}" of ${pkgs || 'a provider'} does not parse (${bad.error})`);
  }
  for (const u of unresolvedOut) {
    why.push(
      `${u.soname} (needed by ${u.neededBy.join(', ')}) is provided by no package of ${key.release}/${key.arch}`,
    );
  }
  return {
    arch: key.arch,
    depends: final.depends,
    dependencies: final.groups.map((g) => ({
      package: (g.group[0] as { name: string }).name,
      relation: g.text,
      ...(g.unversioned && g.reasons.every((r) => r.source === 'contents') ? { unversioned: true } : {}),
      reasons: g.reasons,
    })),
    bundled: [...bundledOut.values()].sort((a, b) =>
      a.soname < b.soname ? -1 : a.soname > b.soname ? 1 : 0,
    ),
    unresolved: unresolvedOut,
    satisfiable: why.length === 0,
    why,
    dpkgShlibdeps: final.dpkgShlibdeps,
  };
}

/** Resolves a read upload for every requested release (see the module comment). */
export async function resolveUpload(
  reader: DepDbReader,
  upload: UploadSet,
  opts: ResolveOptions = {},
): Promise<ResolveResult> {
  const imported = (await reader.releases()).map((r) => ({ release: r.release, arch: r.arch }));
  const known = [...new Set(imported.map((r) => r.release))].sort();
  if (known.length === 0) {
    throw new PkgmeError('DEPDB_EMPTY', 'the dependency database has no release imported', 'input', {
      hint: 'Import one first, e.g. `pkgme depdb import --local` or `pkgme depdb import` (apt sources).',
    });
  }
  const releases = opts.releases && opts.releases.length > 0 ? [...new Set(opts.releases)] : known;
  for (const r of releases) {
    if (!known.includes(r)) {
      throw new PkgmeError('DEPDB_RELEASE_NOT_IMPORTED', `release ${r} was never imported`, 'input', {
        hint: `Imported releases: ${known.join(', ')}. Import it with \`pkgme depdb import\`, or choose another --release.`,
        details: { release: r, imported: known },
      });
    }
  }
  const skipped = [...upload.skipped];
  const byArch = new Map<string, UploadElf[]>();
  for (const f of upload.files) {
    if (f.arch === null) {
      skipped.push({ path: f.path, reason: 'no Debian architecture for this ELF machine' });
      continue;
    }
    if (opts.arch !== undefined && f.arch !== opts.arch) {
      skipped.push({ path: f.path, reason: `architecture ${f.arch}, not the requested ${opts.arch}` });
      continue;
    }
    const list = byArch.get(f.arch) ?? [];
    list.push(f);
    byArch.set(f.arch, list);
  }
  if (byArch.size === 0) {
    throw new PkgmeError('RESOLVE_NO_ELF', 'the upload has no ELF file to resolve', 'input', {
      hint:
        opts.arch !== undefined
          ? `No ELF file of architecture ${opts.arch}; drop --arch or pass other files.`
          : 'Pass the executables and libraries of the upload (or its directory).',
      details: { skipped },
    });
  }
  const arches = [...byArch.keys()].sort(
    (a, b) => byArch.get(b)!.length - byArch.get(a)!.length || (a < b ? -1 : 1),
  );
  const out: ResolveResult = { releases: {}, files: upload.files.map((f) => f.path), skipped };
  for (const release of releases) {
    const perArch: Record<string, ArchVerdict> = {};
    for (const arch of arches) {
      const key = { release, arch };
      const keyImported = imported.some((k) => k.release === release && k.arch === arch);
      perArch[arch] = await resolveArch(reader, key, keyImported, imported, byArch.get(arch)!, upload);
    }
    const main = perArch[arches[0]!]!;
    const verdict: ReleaseVerdict = {
      ...main,
      satisfiable: arches.every((a) => perArch[a]!.satisfiable),
      why: arches.flatMap((a) => perArch[a]!.why),
      architectures: perArch,
    };
    out.releases[release] = verdict;
  }
  return out;
}
