/**
 * `pkgme package UPLOAD [--set f=v]… [--overrides FILE] [--release R] --out DIR [--build] [--db PATH|URL | --depdb URL]
 * [--json]`:
 * the source package (.dsc, .orig.tar.*, .debian.tar.xz) and the report `<pkg>_<version>.pkgme.json`, plus the
 * binary .deb with --build. `pkgme build` (build.ts) shares these options and always builds the .deb.
 *
 * The JSON document (README "CLI contract") is `{package, version, architecture, release, files: [{kind, path,
 * size, sha256}], problems}`; the full decision record is the report file it lists.
 *
 * Without --db/--depdb/DATABASE_URL the default database is read only if it exists (DEPDB_NO_DATABASE otherwise):
 * nothing is written outside --out (src/cli/depdb-reader.ts).
 */
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { packageUpload, STAGES, type PackageResult, type Stage } from '../../packaging/pipeline.ts';
import { declareReaderOptions, withReader, type ReaderOptions } from '../depdb-reader.ts';
import { declareOverrideOptions, readOverrides, type OverrideOptions } from '../overrides.ts';

export interface PackageCommandOptions extends OverrideOptions, ReaderOptions {
  release?: string;
  out: string;
  build?: boolean;
  json?: boolean;
}

/** The options `package` and `build` share. */
export function declarePackageOptions(cmd: Command): Command {
  return declareReaderOptions(
    declareOverrideOptions(cmd)
      .argument('<upload>', 'a tarball, zip file, directory or .deb')
      .option(
        '--release <release>',
        'target release (default: the only imported release, else this machine’s)',
      )
      .requiredOption('--out <dir>', 'directory for the outputs (created if missing)'),
  ).option('--json', 'print the files written as JSON');
}

/** A bar of STAGES on a TTY (not with --json; the value counts stages started), one plain line per stage otherwise. */
function progressReporter(json: boolean): { onProgress: (s: Stage) => void; stop: () => void } {
  if (json) return { onProgress: () => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      { format: 'packaging [{bar}] {value}/{total} {stage}', stream: process.stderr },
      Presets.shades_classic,
    );
    bar.start(STAGES.length, 0, { stage: '' });
    return {
      onProgress: (s) => bar.update(STAGES.indexOf(s) + 1, { stage: s }),
      stop: () => bar.stop(),
    };
  }
  return { onProgress: (s) => process.stderr.write(`pkgme: ${s}\n`), stop: () => {} };
}

export async function runPackage(upload: string, o: PackageCommandOptions): Promise<PackageResult> {
  const overrides = readOverrides(o);
  const progress = progressReporter(o.json === true);
  try {
    return await withReader(o, (store) =>
      packageUpload(upload, {
        overrides,
        out: o.out,
        build: o.build === true,
        store,
        onProgress: progress.onProgress,
        ...(o.release !== undefined ? { release: o.release } : {}),
      }),
    );
  } finally {
    progress.stop();
  }
}

/** Prints the outcome; `extra` adds command-specific keys to the JSON document (build's `deb`). */
export function printResult(r: PackageResult, json: boolean, extra: Record<string, unknown> = {}): void {
  const { plan } = r;
  if (json) {
    const doc = {
      ...extra,
      package: plan.package,
      version: plan.version,
      architecture: plan.architecture,
      release: plan.release,
      files: r.files,
      problems: plan.problems,
    };
    process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    return;
  }
  const out: string[] = [`${plan.package} ${plan.version} (${plan.architecture}, ${plan.release})`];
  out.push(`Depends: ${plan.depends || '(none)'}`);
  for (const p of plan.problems) out.push(`${p.severity}: ${p.code}: ${p.message}`);
  for (const f of r.files) out.push(`${f.kind.padEnd(6)} ${f.path}  ${f.size} bytes`);
  process.stdout.write(out.join('\n') + '\n');
}

export function register(program: Command): void {
  declarePackageOptions(
    program
      .command('package')
      .description(
        'Write the Debian source package (and with --build the .deb) and the report for an upload',
      ),
  )
    .option('--build', 'also build the binary .deb')
    .action(async (upload: string, o: PackageCommandOptions) => {
      printResult(await runPackage(upload, o), o.json === true);
    });
}
