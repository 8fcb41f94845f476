/**
 * Real Debian package indices for tests: the machine's own apt lists (apt keeps them lz4-compressed in
 * /var/lib/apt/lists). Tests that need "what Debian has" (package names, versions, relations) read them rather than
 * hand-written excerpts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const APT_LISTS = '/var/lib/apt/lists';

/** Whether every command exists (for a `before` hook, which has no TestContext for requireTools). */
export function haveCommands(commands: readonly string[]): boolean {
  return commands.every((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0);
}

/**
 * The largest main-component Packages index of the machine's apt lists (the release itself, not -updates or
 * -security), decompressed to `dest` (`list` is the apt lists file it came from); undefined when there is none (apt-get update never ran) or lz4 is missing.
 */
export function mainPackagesIndex(dest: string): { release: string; file: string; list: string } | undefined {
  if (!haveCommands(['lz4'])) return undefined;
  let best: { name: string; data: Buffer } | undefined;
  let names: string[];
  try {
    names = readdirSync(APT_LISTS).filter((n) => /_main_binary-[^_]+_Packages\.lz4$/.test(n));
  } catch {
    return undefined;
  }
  for (const name of names) {
    const data = execFileSync('lz4', ['-dc', join(APT_LISTS, name)], { maxBuffer: 1 << 30 });
    if (best === undefined || data.length > best.data.length) best = { name, data };
  }
  if (best === undefined) return undefined;
  writeFileSync(dest, best.data);
  return { release: /_dists_([^_]+)_main_/.exec(best.name)![1]!, file: dest, list: best.name };
}
