/**
 * `pkgme check DEB|DSC… [--install] [--release R] [--json]`: issue 4's checks on built packages (lintian,
 * desktop-file-validate, appstreamcli, and with --install the chroot install + ldd test), through checkPackage
 * (src/packaging/check). A .deb and a .dsc of the same package (`foo_1.0-1_amd64.deb`, `foo_1.0-1.dsc`) are checked
 * together, so lintian runs once on both.
 *
 * Exit 0 when every check passes. When one fails the command exits 1 with the error CHECK_FAILED, whose message
 * names each failed check and its first errors; with --json the error's details hold the full reports, so a script
 * reads the same document whichever way it went.
 */
import type { Command } from 'commander';
import { basename } from 'node:path';
import { PkgmeError } from '../../errors.ts';
import { checkPackage, type CheckReport } from '../../packaging/check/index.ts';

export interface PackageCheck extends CheckReport {
  deb?: string;
  dsc?: string;
}

/** Pairs each .deb with the .dsc of the same source name and version; what is left is checked alone. */
export function pairInputs(paths: string[]): Array<{ deb?: string; dsc?: string }> {
  const debs = paths.filter((p) => p.endsWith('.deb'));
  const dscs = paths.filter((p) => p.endsWith('.dsc'));
  const other = paths.filter((p) => !p.endsWith('.deb') && !p.endsWith('.dsc'));
  if (other.length > 0)
    throw new PkgmeError('CHECK_INPUT', `not a .deb or .dsc: ${other.join(', ')}`, 'usage', {
      hint: 'Give the .deb and/or .dsc files that pkgme package --build wrote.',
      details: { files: other },
    });
  const left = new Set(dscs);
  const pairs: Array<{ deb?: string; dsc?: string }> = [];
  for (const deb of debs) {
    // foo_1.0-1_amd64.deb ↔ foo_1.0-1.dsc (the binary and source names are the same for pkgme's packages).
    const stem = basename(deb).split('_').slice(0, 2).join('_');
    const dsc = [...left].find((d) => basename(d) === `${stem}.dsc`);
    if (dsc !== undefined) left.delete(dsc);
    pairs.push(dsc !== undefined ? { deb, dsc } : { deb });
  }
  for (const dsc of left) pairs.push({ dsc });
  return pairs;
}

function text(results: PackageCheck[]): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(`== ${[r.deb, r.dsc].filter(Boolean).join(' + ')}: ${r.ok ? 'ok' : 'FAILED'}`);
    for (const c of r.checks) {
      out.push(`${c.ok ? 'ok    ' : 'FAILED'} ${c.name}`);
      for (const e of c.errors) out.push(`  error: ${e}`);
      for (const w of c.warnings) out.push(`  warning: ${w}`);
    }
  }
  return out.join('\n') + '\n';
}

/** "lintian (2 errors: tag-a, tag-b), install (1 error: …)" for the CHECK_FAILED message. */
function failures(results: PackageCheck[]): string {
  const parts: string[] = [];
  for (const r of results)
    for (const c of r.checks.filter((x) => !x.ok)) {
      const shown = c.errors.slice(0, 3).join('; ');
      const more = c.errors.length > 3 ? `; … ${c.errors.length - 3} more` : '';
      const n = `${c.errors.length} error${c.errors.length === 1 ? '' : 's'}`;
      parts.push(`${basename(r.deb ?? r.dsc ?? '')}: ${c.name} (${n}${shown ? `: ${shown}${more}` : ''})`);
    }
  return parts.join(', ');
}

export function register(program: Command): void {
  program
    .command('check')
    .description(
      'Check built packages: lintian, desktop-file-validate, appstreamcli, and --install in a chroot',
    )
    .argument('<files...>', '.deb and/or .dsc files')
    .option(
      '--install',
      'also install the .deb into a cached minbase chroot and check every ELF file with ldd',
    )
    .option('--release <release>', 'release of the install chroot (default: this machine’s)')
    .option('--json', 'print the reports as JSON')
    .action(async (files: string[], o: { install?: boolean; release?: string; json?: boolean }) => {
      const results: PackageCheck[] = [];
      for (const pair of pairInputs(files)) {
        const report = await checkPackage({
          ...pair,
          install: o.install === true,
          ...(o.release !== undefined ? { release: o.release } : {}),
        });
        results.push({ ...pair, ...report });
      }
      const ok = results.every((r) => r.ok);
      if (ok) {
        process.stdout.write(o.json ? JSON.stringify({ ok, results }, null, 2) + '\n' : text(results));
        return;
      }
      if (!o.json) process.stdout.write(text(results));
      throw new PkgmeError('CHECK_FAILED', `check failed: ${failures(results)}`, 'input', {
        hint: 'Fix what each failed check names, rebuild with pkgme build, and check again.',
        details: { ok, results },
      });
    });
}
