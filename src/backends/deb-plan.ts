/**
 * What a re-packaged .deb contributes to the PackagePlan: its own tree as fixed placements (same paths), the merged
 * Depends, and the problems of both.
 *
 * Kept as they are: every file, symlink and empty directory of the data tree, /opt included (moving a vendor's
 * /opt/<app> breaks programs that hard-code their paths; docs/packaging.md lists the lintian override this needs).
 * Dropped, because pkgme writes its own: DEBIAN/ (control, md5sums, scripts), /usr/share/doc/<package>/copyright and
 * changelog.Debian.gz (regenerated), the whole /usr/share/doc/<old name>/ when the package was renamed, and
 * /usr/share/lintian/overrides/ (the vendor's overrides are not ours to vouch for).
 */
import type { ReleaseVerdict } from '../depdb/resolve/index.ts';
import { guess, type Guess } from '../inspect/guess/field.ts';
import type { InventoryEntry } from '../inspect/inventory.ts';
import type { DebRelationField, Placement } from '../packaging/types.ts';
import { RELATION_FIELDS } from './deb-control.ts';
import { checkDebDepends } from './deb-depends.ts';
import { unpackNotes } from './deb-unpack.ts';
import type { BackendInfo, Problem, Upload } from './types.ts';

/** The top directory of an unpacked .deb inside the upload ('' when DEBIAN/ is at the root), or undefined. */
export function debTreePrefix(entries: readonly InventoryEntry[]): string | undefined {
  const control = entries.find((e) => e.type === 'file' && /^(?:[^/]+\/)?DEBIAN\/control$/.test(e.path));
  return control?.path.slice(0, -'DEBIAN/control'.length);
}

export interface DebPlanParts {
  fixedPlacements: Placement[];
  /**
   * The .deb's other relation fields, by control field name (Pre-Depends, Recommends, Suggests, Enhances, Conflicts,
   * Breaks, Replaces, Provides): what it says, minus library relations in Pre-Depends/Recommends. For
   * PackagePlan.relations.
   */
  relations: Partial<Record<DebRelationField, string>>;
  /** The .deb's conffiles, when valid (absolute paths of files it ships). For PackagePlan.conffiles. */
  conffiles?: string[];
  /** Top directories under /opt the package ships (each needs lintian's dir-or-file-in-opt override). */
  optDirs: string[];
  /** Fields to add to (or replace in) the inspected ones: `depends` (merged) and `dependsCheck`. */
  fields: Record<string, Guess<unknown>>;
  problems: Problem[];
}

export interface DebPlanOptions {
  /** The final package name (after reshaping and overrides): when it differs, the old doc dir is dropped. */
  package: string;
  /** The resolver's verdict for the target release; without it the .deb's Depends are kept unchecked. */
  verdict?: ReleaseVerdict;
  release?: string;
}

function dropped(path: string, oldName: string, renamed: boolean): boolean {
  if (path === 'DEBIAN' || path.startsWith('DEBIAN/')) return true;
  if (path === 'usr/share/lintian/overrides' || path.startsWith('usr/share/lintian/overrides/')) return true;
  const doc = `usr/share/doc/${oldName}`;
  if (renamed) return path === doc || path.startsWith(`${doc}/`);
  return path === `${doc}/copyright` || path === `${doc}/changelog.Debian.gz`;
}

/** The re-packaged .deb's placements, merged Depends and problems (see the module comment for the rules). */
export function debPlanParts(upload: Upload, info: BackendInfo, opts: DebPlanOptions): DebPlanParts {
  const out: DebPlanParts = { fixedPlacements: [], relations: {}, optDirs: [], fields: {}, problems: [] };
  for (const [key, name] of Object.entries(RELATION_FIELDS)) {
    const v = info.fields[name]?.value;
    if (key !== 'Depends' && typeof v === 'string' && v !== '') out.relations[key as DebRelationField] = v;
  }
  const conffiles = info.fields.conffiles?.value;
  if (Array.isArray(conffiles)) out.conffiles = conffiles.map(String);
  const prefix = debTreePrefix(upload.inventory.entries) ?? '';
  const oldName = String(info.fields.controlName?.value ?? info.fields.name?.value ?? opts.package);
  const renamed = oldName !== opts.package;
  const inTree = upload.inventory.entries.filter((e) => e.path.startsWith(prefix) && e.path !== prefix);
  const rel = (e: InventoryEntry) => e.path.slice(prefix.length);
  const kept = inTree.filter((e) => !dropped(rel(e), oldName, renamed) && e.type !== 'other');
  // Directories are implied by what they hold; only one empty in the .deb itself is placed on its own.
  const parents = new Set(inTree.map((e) => rel(e).split('/').slice(0, -1).join('/')));
  for (const e of kept) {
    const to = `/${rel(e)}`;
    if (e.type === 'directory' && parents.has(rel(e))) continue;
    out.fixedPlacements.push({ kind: 'upload', from: e.path, to });
  }
  for (const l of unpackNotes(upload).links)
    if (!dropped(l.path, oldName, renamed))
      out.fixedPlacements.push({ kind: 'symlink', to: `/${l.path}`, target: l.target });
  const opt = kept.filter((e) => rel(e).startsWith('opt/') && e.type !== 'directory').length;
  out.optDirs = [
    ...new Set(kept.filter((e) => rel(e).startsWith('opt/')).map((e) => `/opt/${rel(e).split('/')[1]}`)),
  ].sort();
  if (opt > 0)
    out.problems.push({
      severity: 'warning',
      code: 'DEB_FILES_IN_OPT',
      message: `the .deb ships ${opt} files under /opt; they stay there (moving them breaks programs that hard-code their paths)`,
      hint: 'lintian’s dir-or-file-in-opt is overridden for re-packaged .debs only (docs/packaging.md); move the app to /usr/lib/<package> in your own build to drop it.',
    });
  const depends = String(info.fields.controlDepends?.value ?? '');
  const preDepends = String(info.fields.controlPreDepends?.value ?? '');
  if (opts.verdict === undefined) {
    out.fields.depends = guess(depends, 'file:DEBIAN/control', 0.5);
    out.problems.push({
      severity: 'warning',
      code: 'DEPENDS_NOT_RECHECKED',
      message: 'the .deb’s Depends are kept as written: no release to check them against',
      hint: 'Import a release (`pkgme depdb import`) and pass --release to have them re-checked.',
    });
    return out;
  }
  const { check, problems } = checkDebDepends({ depends, preDepends }, opts.verdict, opts.release ?? '');
  out.fields.depends = guess(check.final, 'heuristic:deb-depends-merge', 1);
  out.fields.dependsCheck = guess(check, 'heuristic:deb-depends-check', 1);
  out.problems.push(...problems);
  return out;
}
