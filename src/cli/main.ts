/**
 * The `pkgme` command. A thin shell: it parses arguments, calls the core, and prints (plain lines, a progress bar on
 * a TTY, or `--json`). Exit codes follow DESIGN.md §2: 0 ok, 1 the input could not be handled (explained),
 * 2 bad usage, 3 environment (a tool or server failed), 4 internal error.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { PkgmeError, exitCodeFor } from '../errors.ts';
import { registerCommands } from './commands.ts';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export function buildProgram(): Command {
  const program = new Command('pkgme')
    .description('Turn a built application (binary tarball) into a correct Debian package.')
    .version(pkg.version, '-V, --version')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  return program;
}

/** Prints an error the way every command does: one clear line plus the hint, or the JSON shape with --json. */
export function reportError(err: unknown, json: boolean): number {
  const code = exitCodeFor(err);
  if (json) {
    const body =
      err instanceof PkgmeError
        ? err.toJSON()
        : { code: 'INTERNAL', kind: 'internal', message: String((err as Error)?.message ?? err) };
    process.stdout.write(JSON.stringify({ error: body }, null, 2) + '\n');
  } else if (err instanceof PkgmeError) {
    process.stderr.write(`pkgme: ${err.message}\n`);
    if (err.hint) process.stderr.write(`  hint: ${err.hint}\n`);
  } else {
    process.stderr.write(`pkgme: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  }
  return code;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? 0 : 2;
    }
    return reportError(err, argv.includes('--json'));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
