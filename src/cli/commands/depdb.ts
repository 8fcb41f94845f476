/**
 * `pkgme depdb …`: the dependency database (issue 3). Each subcommand lives in its own module
 * (depdb-<name>.ts, exporting `register(depdb)`) and is added here with one import and one call line.
 */
import type { Command } from 'commander';
import { register as registerImport } from './depdb-import.ts';
import { register as registerReleases } from './depdb-releases.ts';
import { register as registerResolve } from './depdb-resolve.ts';
import { register as registerServe } from './depdb-serve.ts';

export function register(program: Command): void {
  const depdb = program
    .command('depdb')
    .description('The dependency database: import library metadata, resolve Depends, serve lookups');
  registerImport(depdb);
  registerReleases(depdb);
  registerResolve(depdb);
  registerServe(depdb);
}
