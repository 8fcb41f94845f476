/**
 * The one place where CLI commands are registered. Each command lives in its own module under src/cli/commands/
 * and exports `register(program)`.
 */
import type { Command } from 'commander';
import { register as registerBuild } from './commands/build.ts';
import { register as registerCheck } from './commands/check.ts';
import { register as registerDeb } from './commands/deb.ts';
import { register as registerDeb822 } from './commands/deb822.ts';
import { register as registerDepdb } from './commands/depdb.ts';
import { register as registerElf } from './commands/elf.ts';
import { register as registerExtract } from './commands/extract.ts';
import { register as registerInspect } from './commands/inspect.ts';
import { register as registerPackage } from './commands/package.ts';
import { register as registerScan } from './commands/scan.ts';
import { register as registerVersion } from './commands/version.ts';

export function registerCommands(program: Command): void {
  registerBuild(program);
  registerCheck(program);
  registerDeb(program);
  registerDeb822(program);
  registerDepdb(program);
  registerElf(program);
  registerExtract(program);
  registerInspect(program);
  registerPackage(program);
  registerScan(program);
  registerVersion(program);
  // Commands are added here as the core grows.
}
