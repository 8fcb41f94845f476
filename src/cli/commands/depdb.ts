/**
 * `pkgme depdb …`: the dependency database (issue 3). Each subcommand lives in its own module
 * (depdb-<name>.ts, exporting `register(depdb)`) and is added here with one line.
 */
import type { Command } from 'commander';

export function register(program: Command): void {
  const depdb = program
    .command('depdb')
    .description('The dependency database: import library metadata, resolve Depends, serve lookups');
  void depdb; // Subcommands are registered below as they land.
}
