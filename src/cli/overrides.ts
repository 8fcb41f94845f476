/**
 * `--set field=value` and `--overrides FILE`, shared by every command that plans a package (inspect, package,
 * build), so the corrections a user tries with `pkgme inspect` are read exactly as `pkgme package` reads them.
 */
import type { Command } from 'commander';
import { parseSetArgs, readOverridesFile } from '../packaging/overrides.ts';
import type { Overrides } from '../packaging/types.ts';

export interface OverrideOptions {
  set: string[];
  overrides?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function declareOverrideOptions(cmd: Command): Command {
  return cmd
    .option('--set <field=value>', 'correct a guessed field (repeatable; lists comma-separated)', collect, [])
    .option('--overrides <file>', 'a JSON object of field corrections (--set wins over it)');
}

/** The user's corrections: the overrides file first, then each --set on top (the command line wins). */
export function readOverrides(o: OverrideOptions): Overrides {
  return { ...(o.overrides !== undefined ? readOverridesFile(o.overrides) : {}), ...parseSetArgs(o.set) };
}
