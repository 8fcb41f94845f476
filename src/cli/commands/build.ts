/**
 * `pkgme build UPLOAD [--set f=v]… [--overrides FILE] [--release R] --out DIR [--db PATH|URL | --depdb URL] [--json]`:
 * the same run as `pkgme package --build`, for a user whose goal is the binary package: the .deb is the main output
 * (the first line of the text output, `deb` in the JSON), the source package and the report are written beside it.
 */
import type { Command } from 'commander';
import { declarePackageOptions, printResult, runPackage, type PackageCommandOptions } from './package.ts';

export function register(program: Command): void {
  declarePackageOptions(
    program
      .command('build')
      .description('Build the binary .deb of an upload (with its source package and report beside it)'),
  ).action(async (upload: string, o: PackageCommandOptions) => {
    const r = await runPackage(upload, { ...o, build: true });
    const deb = r.files.find((f) => f.kind === 'deb')!;
    if (!o.json) process.stdout.write(`${deb.path}\n`);
    printResult(r, o.json === true, { deb: deb.path });
  });
}
