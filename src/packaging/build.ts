/**
 * The binary .deb, built in-process: no root, no debhelper, reproducible (SOURCE_DATE_EPOCH = plan.date), and equal
 * in content to what `dpkg-buildpackage -b` builds from the generated source package (build.equivalence.test.ts).
 *
 * The staged tree is a list of entries, not a copy on disk: upload files are streamed from the unpacked upload into
 * the data member (memory does not grow with the upload), generated files are small and kept in memory, and only
 * the few files dh_compress gzips (docs, man pages) are written to a scratch directory. The steps follow dh's
 * binary sequence in order (install, installdocs, installchangelogs, installman, lintian, link, compress, fixperms,
 * installdeb, gencontrol, md5sums, builddeb); src/packaging/dh.ts holds each mirrored rule.
 */
import { lstat, mkdtemp, readFile, readlink, rm, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join, posix } from 'node:path';
import { PkgmeError } from '../errors.ts';
import type { Problem, Upload } from '../backends/types.ts';
import { formatParagraph, Paragraph, parseDeb822 } from '../formats/deb822/index.ts';
import { installedSizeKiB } from '../formats/deb/installed-size.ts';
import { writeDeb } from '../formats/deb/write.ts';
import { sortTarEntries, type TarEntry } from '../formats/tar/write.ts';
import {
  formatRelations,
  groupImplies,
  parseRelations,
  relationFieldType,
  simplifyDeps,
  simplifyLikeDpkg,
  type RelationList,
} from '../formats/relation/index.ts';
import { parseVersion } from '../formats/version/parse.ts';
import { debianTexts, extraConffiles } from './debian-dir.ts';
import { appRootOf } from './layout.ts';
import {
  dhCompresses,
  dhManRecode,
  dhRecodesManPage,
  dhScriptSources,
  dhLinkTarget,
  fixpermsMode,
  gzip9n,
  upstreamChangelog,
} from './dh.ts';
import type { Layout, PackagePlan } from './types.ts';

/** The debian/ texts the build needs (the same ones written into the source package). */
export interface DebianTexts {
  control: string;
  changelog: string;
  copyright: string;
  rules: string;
  /** debian/<pkg>.lintian-overrides, when there are overrides. */
  lintianOverrides?: string;
  /** debian/source/lintian-overrides (tags lintian reports on the source package). */
  sourceLintianOverrides?: string;
}

export interface BuiltDeb {
  path: string;
  /** The control file as written into the .deb. */
  control: string;
  size: number;
  sha256: string;
  installedSize: number;
  /** Entries of the data member (directories included). */
  dataEntries: number;
  /** Where dpkg-buildpackage's .deb would differ (a debian/rules that lets dh add maintainer scripts). */
  warnings: Problem[];
}

type Staged =
  | { type: 'dir'; mode: number }
  | { type: 'file'; mode: number; content: Buffer }
  /** `inode` ("dev:ino/destination dir") is set for upload files with several links, to keep them hard links. */
  | { type: 'file'; mode: number; source: string; size: number; inode?: string }
  | { type: 'symlink'; target: string };

/** The staged package tree: path (relative, no leading "/") → entry. */
type Tree = Map<string, Staged>;

function rel(to: string): string {
  return to.replace(/^\/+/, '');
}

function addDirs(tree: Tree, path: string): void {
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const d = parts.slice(0, i).join('/');
    if (!tree.has(d)) tree.set(d, { type: 'dir', mode: 0o755 });
  }
}

function put(tree: Tree, path: string, e: Staged): void {
  addDirs(tree, path);
  tree.set(path, e);
}

function fileSize(e: Extract<Staged, { type: 'file' }>): number {
  return 'content' in e ? e.content.length : e.size;
}

/** dh_install (cp -a of the upload), plus the generated files and launcher links of the Layout. */
async function install(tree: Tree, upload: Upload, layout: Layout): Promise<void> {
  for (const p of layout.placements) {
    const to = rel(p.to);
    if (p.kind === 'generated') {
      put(tree, to, { type: 'file', mode: p.mode, content: Buffer.from(p.data) });
    } else if (p.kind === 'symlink') {
      put(tree, to, { type: 'symlink', target: p.target });
    } else {
      if (upload.root === null) {
        throw new PkgmeError(
          'BUILD_NO_TREE',
          `upload file ${p.from} cannot be read: the upload was not unpacked`,
          'internal',
          {
            hint: 'Unpack the upload (openUpload) before building.',
            details: { from: p.from },
          },
        );
      }
      const abs = join(upload.root, p.from);
      const st = await lstat(abs);
      if (st.isDirectory()) put(tree, to, { type: 'dir', mode: st.mode & 0o7777 });
      else if (st.isSymbolicLink()) put(tree, to, { type: 'symlink', target: await readlink(abs) });
      else {
        // dh_install copies all sources of one destination with a single `cp -a`, which keeps hard links among them.
        const group = to.startsWith(rel(layout.appDir) + '/') ? layout.appDir : posix.dirname(to);
        const inode = st.nlink > 1 ? `${st.dev}:${st.ino}/${group}` : undefined;
        put(tree, to, {
          type: 'file',
          mode: st.mode & 0o7777,
          source: abs,
          size: st.size,
          ...(inode ? { inode } : {}),
        });
      }
    }
  }
}

/** dh_installdocs, dh_installchangelogs, dh_lintian. */
async function installDocs(
  tree: Tree,
  plan: PackagePlan,
  upload: Upload,
  layout: Layout,
  texts: DebianTexts,
): Promise<void> {
  const doc = `usr/share/doc/${plan.package}`;
  put(tree, `${doc}/copyright`, { type: 'file', mode: 0o644, content: Buffer.from(texts.copyright) });
  put(tree, `${doc}/changelog.Debian`, { type: 'file', mode: 0o644, content: Buffer.from(texts.changelog) });
  // debian/rules may keep dh_installchangelogs from picking an upstream changelog (`-X/` excludes every path).
  const upstreamOff = /^\s*dh_installchangelogs\b[^\n]*\s-X\/(\s|$)/m.test(texts.rules);
  if (upload.root !== null && plan.fixedPlacements === undefined && !upstreamOff) {
    const sourceTree = join(upload.root, appRootOf(upload));
    const upstream = upstreamChangelog(sourceTree);
    if (upstream !== undefined) {
      const st = await stat(join(sourceTree, upstream));
      put(tree, `${doc}/changelog`, {
        type: 'file',
        mode: 0o644,
        source: join(sourceTree, upstream),
        size: st.size,
      });
    }
  }
  if (texts.lintianOverrides !== undefined) {
    put(tree, `usr/share/lintian/overrides/${plan.package}`, {
      type: 'file',
      mode: 0o644,
      content: Buffer.from(texts.lintianOverrides),
    });
  }
}

/** dh_link: every symlink in the policy form. */
function link(tree: Tree): void {
  for (const [path, e] of tree) {
    if (e.type !== 'symlink') continue;
    const target = dhLinkTarget(`/${path}`, e.target);
    if (target !== undefined) tree.set(path, { type: 'symlink', target });
  }
}

/** dh_compress: gzip -9n the selected files into `scratch`, rename them .gz, then re-point links to them. */
async function compress(tree: Tree, pkg: string, scratch: string): Promise<void> {
  let n = 0;
  for (const [path, e] of [...tree]) {
    if (e.type !== 'file') continue;
    const page = dhRecodesManPage(path);
    if (!page && !dhCompresses(path, fileSize(e), pkg)) continue;
    const out = join(scratch, `${n++}.gz`);
    let input: { data: Uint8Array } | { path: string } =
      'content' in e ? { data: e.content } : { path: e.source };
    if (page) {
      // dh_installman first (man-recode: a gzipped page comes out plain, re-encoded), then dh_compress.
      const raw = 'content' in e ? e.content : await readFile(e.source);
      input = { data: dhManRecode(path.endsWith('.gz') ? gunzipSync(raw) : raw) };
    }
    await gzip9n(input, out);
    tree.delete(path);
    tree.set(`${path.replace(/\.gz$/, '')}.gz`, {
      type: 'file',
      mode: e.mode & ~0o111,
      source: out,
      size: (await stat(out)).size,
    });
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (const [path, e] of [...tree]) {
      if (e.type !== 'symlink') continue;
      const dir = posix.dirname(path);
      const resolved = posix.normalize(e.target.startsWith('/') ? rel(e.target) : `${dir}/${e.target}`);
      if (!tree.has(resolved) && tree.has(`${resolved}.gz`)) {
        tree.delete(path);
        tree.set(path.endsWith('.gz') ? path : `${path}.gz`, { type: 'symlink', target: `${e.target}.gz` });
        changed = true;
      }
    }
  }
}

/** dh_fixperms. */
function fixperms(tree: Tree): void {
  for (const [path, e] of tree) {
    if (e.type === 'dir') e.mode = fixpermsMode(path, 'dir', e.mode);
    else if (e.type === 'file') e.mode = fixpermsMode(path, 'file', e.mode);
  }
}

/** dh_installdeb: debian/<pkg>.conffiles as written, then every file under /etc, sorted by bytes. */
function conffiles(tree: Tree, plan: PackagePlan): string {
  const etc = [...tree]
    .filter(([p, e]) => e.type === 'file' && p.startsWith('etc/'))
    .map(([p]) => `/${p}`)
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return [...extraConffiles(plan), ...etc].map((p) => `${p}\n`).join('');
}

/**
 * dh_gencontrol (dpkg-gencontrol): the binary paragraph of debian/control merged with the source paragraph, the
 * version from the changelog, ${misc:Depends} substituted (empty here), Depends simplified as Dpkg::Deps does.
 * Installed-Size as dpkg-gencontrol counts it: the data tree plus DEBIAN/ as it is when dh_gencontrol runs (the
 * directory, and conffiles when dh_installdeb wrote one) — one more KiB than the data tree alone, measured against
 * dpkg-buildpackage (37 vs 38 on the cli fixture before this rule).
 */
export function binaryControl(plan: PackagePlan, controlText: string, installedSize: number): string {
  const [src, bin] = parseDeb822(controlText, { source: 'debian/control' });
  if (src === undefined || bin === undefined) {
    throw new PkgmeError(
      'BUILD_BAD_CONTROL',
      'debian/control needs a source and a binary paragraph',
      'internal',
      {
        hint: 'Generate debian/control with the packaging generators.',
        details: {},
      },
    );
  }
  const pkg = bin.get('Package') ?? plan.package;
  const source = src.get('Source') ?? plan.package;
  const fields = new Map<string, string>();
  fields.set('Package', pkg);
  if (source !== pkg) fields.set('Source', source);
  fields.set('Version', plan.version);
  fields.set('Architecture', bin.get('Architecture') === 'all' ? 'all' : plan.architecture);
  for (const f of ['Essential', 'Protected']) {
    const v = bin.get(f);
    if (v !== undefined) fields.set(f, v);
  }
  const maintainer = src.get('Maintainer');
  if (maintainer !== undefined) fields.set('Maintainer', maintainer);
  fields.set('Installed-Size', String(installedSize));
  const seen: RelationList = [];
  for (const field of RELATION_ORDER) {
    const raw = bin.get(field);
    if (raw === undefined) continue;
    const list = parseRelations(raw.replace(/\$\{misc:(Depends|Pre-Depends)\}/g, ''))
      .map((g) => g.filter((a) => a.type !== 'substvar'))
      .filter((g) => g.length > 0);
    let value: RelationList;
    if (relationFieldType(field) === 'normal') {
      // Dpkg::Deps::AND::simplify_deps(facts, @seen_deps): weaker fields drop what a stronger one already implies.
      value = simplifyDeps(list).filter((g) => !seen.some((s) => groupImplies(s, g) === 1));
      seen.push(...value);
    } else {
      value = simplifyLikeDpkg(list, field);
    }
    const text = formatRelations(value);
    if (text !== '') fields.set(field, text);
  }
  for (const field of ['Section', 'Priority']) {
    const v = bin.get(field) ?? src.get(field);
    if (v !== undefined) fields.set(field, v);
  }
  const multiArch = bin.get('Multi-Arch');
  if (multiArch !== undefined) fields.set('Multi-Arch', multiArch);
  const homepage = bin.get('Homepage') ?? src.get('Homepage');
  if (homepage !== undefined) fields.set('Homepage', homepage);
  const description = bin.get('Description');
  if (description !== undefined) fields.set('Description', description);
  const out = Paragraph.from(fields);
  return formatParagraph(out);
}

/**
 * The data member's entries, in the tar writer's order. Files sharing an inode become hard links to the first of
 * them in that order, as dpkg-deb (GNU tar over the sorted list) stores them.
 */
function toEntries(tree: Tree): TarEntry[] {
  const entries: TarEntry[] = [{ type: 'dir', path: '', mode: 0o755 }];
  const inodes = new Map<string, string>();
  for (const [path, e] of tree) {
    if (e.type === 'dir') entries.push({ type: 'dir', path, mode: e.mode });
    else if (e.type === 'symlink') entries.push({ type: 'symlink', path, target: e.target });
    else if ('content' in e) entries.push({ type: 'file', path, mode: e.mode, content: e.content });
    else {
      entries.push({ type: 'file', path, mode: e.mode, source: e.source, size: e.size });
      if (e.inode !== undefined) inodes.set(path, e.inode);
    }
  }
  const sorted = sortTarEntries(entries);
  const first = new Map<string, string>();
  return sorted.map((e) => {
    const inode = inodes.get(e.path);
    if (inode === undefined || e.type !== 'file') return e;
    const target = first.get(inode);
    if (target === undefined) {
      first.set(inode, e.path);
      return e;
    }
    return { type: 'hardlink', path: e.path, target, mode: e.mode };
  });
}

/** dpkg-gencontrol's relation fields, in its field order (Dpkg::Control::FieldsCore for a binary package). */
const RELATION_ORDER = [
  'Pre-Depends',
  'Depends',
  'Recommends',
  'Suggests',
  'Enhances',
  'Conflicts',
  'Breaks',
  'Replaces',
  'Provides',
];

/** The .deb's file name: <package>_<version without epoch>_<architecture>.deb. */
export function debFileName(plan: PackagePlan): string {
  const v = parseVersion(plan.version);
  return `${plan.package}_${v.upstream}${v.revision === '' ? '' : `-${v.revision}`}_${plan.architecture}.deb`;
}

async function sha256Of(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path) as AsyncIterable<Buffer>) h.update(c);
  return h.digest('hex');
}

/** Builds <outDir>/<package>_<version>_<arch>.deb from the Layout, as dh would from the source package. */
export async function buildDeb(
  plan: PackagePlan,
  upload: Upload,
  layout: Layout,
  outDir: string,
  given?: DebianTexts,
): Promise<BuiltDeb> {
  const texts = given ?? debianTexts(plan, upload, layout);
  const scratch = await mkdtemp(join(outDir, '.pkgme-build-'));
  try {
    const tree: Tree = new Map();
    await install(tree, upload, layout);
    await installDocs(tree, plan, upload, layout, texts);
    link(tree);
    await compress(tree, plan.package, scratch);
    fixperms(tree);
    const conf = conffiles(tree, plan);
    const path = join(outDir, debFileName(plan));
    const entries = toEntries(tree);
    const installedSize = installedSizeKiB(entries) + 1 + Math.ceil(Buffer.byteLength(conf) / 1024);
    const written = await writeDeb(path, {
      control: binaryControl(plan, texts.control, installedSize),
      controlFiles: conf === '' ? [] : [{ name: 'conffiles', data: conf }],
      data: { entries },
      epoch: plan.date,
    });
    // pkgme's debian/rules overrides every such step; only a hand-made rules text can leave one running.
    const warnings: Problem[] = dhScriptSources(tree.keys(), texts.rules).map(({ command, path: p }) => ({
      severity: 'warning',
      code: 'BUILD_DH_SCRIPTS_NOT_MIRRORED',
      message: `${command} would add maintainer scripts or dependencies for /${p}; the in-process .deb has none`,
      hint: `Override ${command} in debian/rules as pkgme's generated rules do, or leave the file out of the upload.`,
    }));
    return {
      path,
      warnings,
      control: written.control,
      size: written.size,
      sha256: await sha256Of(path),
      installedSize,
      dataEntries: written.dataEntries,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
