/**
 * `pkgme elf FILE... [--json]`: the facts pkgme's ELF parser reads from binaries (architecture, kind, interpreter,
 * NEEDED, SONAME, RPATH/RUNPATH, symbol versions, imports). Useful to see exactly what the dependency resolver will
 * be given. All files are parsed before anything is printed, so a bad file gives one clear error and no half output.
 */
import type { Command } from 'commander';
import { PkgmeError } from '../../errors.ts';
import { type DynamicSymbol, type ElfInfo, type ParseOptions, readElfFile } from '../../formats/elf/elf.ts';

const SYMBOL_MODES = ['all', 'undefined', 'none'] as const;

function versioned(s: DynamicSymbol): string {
  const v = s.version;
  if (v === null) return s.name;
  return `${s.name}${v.kind === 'default' ? '@@' : '@'}${v.name}`;
}

function summary(path: string, i: ElfInfo, listImports: boolean): string {
  const h = i.header;
  const none = (xs: string[]) => (xs.length === 0 ? '-' : xs.join(', '));
  const lines = [
    `${path}: ELF${h.class} ${h.endian}-endian, e_machine ${h.machine}, ${i.debianArch ?? 'no Debian architecture'}, ${i.kind}`,
    `  interpreter: ${i.interpreter ?? '-'}`,
    `  needed: ${none(i.needed)}`,
    `  soname: ${i.soname ?? '-'}`,
    `  rpath: ${none(i.rpath)}   runpath: ${none(i.runpath)}`,
    `  static: ${i.static ? 'yes' : 'no'}   stripped: ${i.stripped === null ? 'unknown (no section headers)' : i.stripped ? 'yes' : 'no'}   facts from: ${i.dynamicSource}`,
  ];
  for (const n of i.versionNeeds)
    lines.push(`  needs from ${n.file}: ${n.versions.map((v) => v.name).join(', ')}`);
  const defs = i.versionDefinitions.filter((d) => (d.flags & 1) === 0).map((d) => d.name);
  if (defs.length > 0) lines.push(`  defines versions: ${defs.join(', ')}`);
  // With --symbols undefined only the imports were decoded, so the defined ones cannot be counted.
  const onlyImports = i.symbols === i.undefinedSymbols;
  const defined = onlyImports ? '' : `, ${i.symbols.filter((s, n) => s.defined && n > 0).length} defined`;
  lines.push(`  dynamic symbols: ${i.symbolCount} (${i.undefinedSymbols.length} imported${defined})`);
  if (listImports) for (const s of i.undefinedSymbols) lines.push(`    ${versioned(s)}`);
  return lines.join('\n') + '\n';
}

export function register(program: Command): void {
  program
    .command('elf')
    .description(
      'Print what pkgme reads from ELF binaries: architecture, NEEDED, SONAME, RPATH, versions, symbols',
    )
    .argument('<files...>', 'ELF executables, shared libraries or objects')
    .option('--json', 'print JSON (one document with every file)')
    .option('--imports', 'list the imported (undefined) symbols with their versions')
    .option('--symbols <mode>', `which dynamic symbols to decode: ${SYMBOL_MODES.join(', ')}`, 'all')
    .action((files: string[], opts: { json?: boolean; imports?: boolean; symbols: string }) => {
      if (!(SYMBOL_MODES as readonly string[]).includes(opts.symbols)) {
        throw new PkgmeError(
          'USAGE_BAD_OPTION',
          `--symbols must be one of ${SYMBOL_MODES.join(', ')}`,
          'usage',
          {
            hint: `e.g. --symbols undefined`,
            details: { option: 'symbols', value: opts.symbols },
          },
        );
      }
      const parseOpts: ParseOptions = { symbols: opts.symbols as ParseOptions['symbols'] };
      const results = files.map((path) => {
        try {
          return { path, info: readElfFile(path, parseOpts) };
        } catch (err) {
          if (!(err instanceof PkgmeError)) throw err;
          throw new PkgmeError(err.code, `${path}: ${err.message}`, err.kind, {
            ...(err.hint === undefined ? {} : { hint: err.hint }),
            details: { path, ...err.details },
            cause: err,
          });
        }
      });
      if (opts.json) {
        process.stdout.write(JSON.stringify({ files: results }, null, 2) + '\n');
      } else {
        for (const r of results) process.stdout.write(summary(r.path, r.info, opts.imports === true));
      }
    });
}
