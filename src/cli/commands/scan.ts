/**
 * `pkgme scan UPLOAD`: what pkgme sees in an upload before it guesses anything. Unpacks an archive safely (or reads
 * a directory), then lists the ELF files with their architecture, kind, NEEDED and SONAME, which sonames the upload
 * bundles, and which it needs from the distribution (what the dependency resolver will look up).
 */
import type { Command } from 'commander';
import { scanUpload } from '../../inspect/scan.ts';

export function register(program: Command): void {
  program
    .command('scan')
    .description('List the ELF files of an upload (tarball, zip or directory) and the libraries they need')
    .argument('<upload>')
    .option('--keep <dir>', 'unpack an archive into this new directory and keep it')
    .option('--json', 'print the whole inventory as JSON')
    .action(async (upload: string, opts: { keep?: string; json?: boolean }) => {
      const r = await scanUpload(upload, opts.keep === undefined ? {} : { jobDir: opts.keep });
      if (opts.json) {
        process.stdout.write(JSON.stringify(r, null, 2) + '\n');
        return;
      }
      const inv = r.inventory;
      const files = inv.entries.filter((e) => e.type === 'file');
      const elves = inv.entries.filter((e) => e.elf || e.elfError);
      const out: string[] = [];
      out.push(`${upload}: ${files.length} files, ${elves.length} ELF`);
      out.push(`architectures: ${inv.architectures.join(', ') || '(none)'}`);
      for (const e of elves) {
        if (e.elfError) {
          out.push(`  ${e.path}: unreadable ELF (${e.elfError.code}): ${e.elfError.message}`);
          continue;
        }
        const elf = e.elf!;
        const bits = [elf.arch ?? `machine ${elf.machine}`, elf.kind];
        if (elf.static) bits.push('static');
        if (elf.soname) bits.push(`soname ${elf.soname}`);
        out.push(`  ${e.path}: ${bits.join(', ')}`);
        if (elf.needed.length > 0) out.push(`    needs ${elf.needed.join(', ')}`);
        const paths = [...elf.rpath.map((p) => `RPATH ${p}`), ...elf.runpath.map((p) => `RUNPATH ${p}`)];
        if (paths.length > 0) out.push(`    ${paths.join(', ')}`);
      }
      const bundled = Object.keys(inv.providedSonames);
      out.push(`bundled libraries: ${bundled.join(', ') || '(none)'}`);
      const external = Object.keys(inv.externalSonames);
      out.push(`needed from the distribution: ${external.join(', ') || '(none)'}`);
      for (const w of r.extraction?.warnings ?? []) out.push(`warning: ${w.message}`);
      process.stdout.write(out.join('\n') + '\n');
    });
}
