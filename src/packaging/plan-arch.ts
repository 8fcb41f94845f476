/**
 * Architecture decisions for the plan (issue 4, "Architecture" and "Bad input: mixed architectures").
 *
 * One .deb holds one architecture. An upload whose ELF files mix architectures is an error, except when it holds one
 * tree per architecture (`x86_64/…` and `aarch64/…`, as many vendors ship): then one tree is packaged (the
 * architecture the user set, else the machine's) and the others are reported, so the developer can package each
 * with `--set architecture=…`.
 */
import type { InventoryEntry } from '../inspect/inventory.ts';

/** Node's process.arch → Debian architecture (the machine's own, without spawning dpkg). */
const NODE_TO_DEBIAN: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  ia32: 'i386',
  arm: 'armhf',
  ppc64: 'ppc64el',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  mips64el: 'mips64el',
};

export function machineArchitecture(): string {
  return NODE_TO_DEBIAN[process.arch] ?? process.arch;
}

/** The single top directory every entry lives under (`foo-1.0`), or '' when the upload has several top entries. */
export function singleTopDir(entries: readonly InventoryEntry[]): string {
  const top = entries.filter((e) => !e.path.includes('/'));
  return top.length === 1 && top[0]!.type === 'directory' ? top[0]!.path : '';
}

/**
 * The per-architecture trees of an upload: architecture → the upload directory holding all of its ELF files, when
 * every ELF file sits in a directory (below the single top directory, if any) whose ELF files are all of one
 * architecture, each architecture has exactly one such directory, and no other directory sits beside them.
 * Undefined when the upload is not shaped that way (one architecture, or a real mix).
 */
export function archTrees(entries: readonly InventoryEntry[]): Record<string, string> | undefined {
  const base = singleTopDir(entries);
  const prefix = base === '' ? '' : `${base}/`;
  const treeArches = new Map<string, Set<string>>();
  const archTree = new Map<string, Set<string>>();
  for (const e of entries) {
    const arch = e.elf?.arch;
    if (arch === undefined || arch === null) continue;
    const rel = e.path.slice(prefix.length);
    const slash = rel.indexOf('/');
    if (slash < 0) return undefined; // an ELF file beside the trees belongs to none of them
    const tree = prefix + rel.slice(0, slash);
    (treeArches.get(tree) ?? treeArches.set(tree, new Set()).get(tree)!).add(arch);
    (archTree.get(arch) ?? archTree.set(arch, new Set()).get(arch)!).add(tree);
  }
  if (archTree.size < 2) return undefined;
  for (const arches of treeArches.values()) if (arches.size !== 1) return undefined;
  for (const trees of archTree.values()) if (trees.size !== 1) return undefined;
  // The chosen tree becomes the application root, so a shared directory beside the trees (share/, data the programs
  // find through $ORIGIN/..) would be lost: only loose files (README, LICENSE) may sit beside them.
  const treeSet = new Set(treeArches.keys());
  for (const e of entries) {
    const rel = e.path.slice(prefix.length);
    if (
      e.path.startsWith(prefix) &&
      rel !== '' &&
      !rel.includes('/') &&
      e.type === 'directory' &&
      !treeSet.has(e.path)
    )
      return undefined;
  }
  const out: Record<string, string> = {};
  for (const [arch, trees] of [...archTree].sort(([a], [b]) => (a < b ? -1 : 1))) out[arch] = [...trees][0]!;
  return out;
}

/** Whether an upload path lies in `tree` (an upload directory; '' is the whole upload). */
export function inTree(path: string, tree: string): boolean {
  return tree === '' || path === tree || path.startsWith(`${tree}/`);
}
