/**
 * `pkgme version compare|check|satisfies` and `pkgme relation format`: the version and relation-field code from the
 * command line, so a user (or a script) can ask the same questions pkgme's resolver asks, with dpkg's answers.
 *
 *   pkgme version compare 1.0~rc1 1.0        → "<"   (--json: {"a","b","result":-1})
 *   pkgme version check 1:2.3-4 [--lax]       → the parts, or VERSION_INVALID with dpkg's reason (exit 1)
 *   pkgme version satisfies 2.36-9 '>=' 2.34  → "yes" / "no" (exit 0 either way: the answer is not an error)
 *   pkgme relation format 'a(>=1),b|c' [--field F] [--simplify]  → canonical text
 */
import type { Command } from 'commander';
import { PkgmeError } from '../../errors.ts';
import { formatRelations } from '../../formats/relation/format.ts';
import { parseRelations } from '../../formats/relation/parse.ts';
import { simplifyRelations } from '../../formats/relation/simplify.ts';
import { compareVersions, satisfies, type RelationOp } from '../../formats/version/compare.ts';
import { formatVersion, parseVersion, parseVersionLax } from '../../formats/version/parse.ts';

const OPS: RelationOp[] = ['<<', '<=', '=', '>=', '>>', '<', '>'];

function print(json: boolean | undefined, value: unknown, text: string): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : text + '\n');
}

export function register(program: Command): void {
  const version = program.command('version').description('Debian version strings (dpkg rules and ordering)');

  version
    .command('compare')
    .description('Compare two versions like dpkg --compare-versions; prints <, = or >')
    .argument('<a>')
    .argument('<b>')
    .option('--json', 'print JSON')
    .action((a: string, b: string, opts: { json?: boolean }) => {
      const result = compareVersions(a, b);
      print(opts.json, { a, b, result }, result < 0 ? '<' : result > 0 ? '>' : '=');
    });

  version
    .command('check')
    .description(
      'Parse a version strictly (as in a control file), or with --lax as dpkg --compare-versions does',
    )
    .argument('<version>')
    .option('--lax', 'accept what dpkg only warns about')
    .option('--json', 'print JSON')
    .action((text: string, opts: { lax?: boolean; json?: boolean }) => {
      const r = opts.lax ? parseVersionLax(text) : { version: parseVersion(text) };
      const canonical = formatVersion(r.version);
      const warning = 'warning' in r ? r.warning?.reason : undefined;
      print(
        opts.json,
        { ...r.version, canonical, ...(warning === undefined ? {} : { warning }) },
        `epoch ${r.version.epoch}, upstream ${r.version.upstream}, revision ${r.version.revision || '(none)'}` +
          (warning === undefined ? '' : ` (warning: ${warning})`),
      );
    });

  version
    .command('satisfies')
    .description('Does VERSION satisfy "OP REF" (<<, <=, =, >=, >>)? Prints yes or no')
    .argument('<version>')
    .argument('<op>')
    .argument('<ref>')
    .option('--json', 'print JSON')
    .action((v: string, op: string, ref: string, opts: { json?: boolean }) => {
      if (!OPS.includes(op as RelationOp)) {
        throw new PkgmeError('USAGE_BAD_OPERATOR', `unknown relation operator '${op}'`, 'usage', {
          hint: `Use one of ${OPS.join(' ')} (quote them in the shell).`,
        });
      }
      const yes = satisfies(v, op as RelationOp, ref);
      print(opts.json, { version: v, op, ref, satisfied: yes }, yes ? 'yes' : 'no');
    });

  program
    .command('relation')
    .description('Depends-style relation fields')
    .command('format')
    .description("Parse a relation field and print dpkg's canonical form")
    .argument('<text>')
    .option('--field <name>', 'apply the rules of this field (Depends, Provides, Build-Depends…)')
    .option('--simplify', 'merge lower bounds per package and sort, like dpkg-shlibdeps output')
    .option('--json', 'print the model as JSON')
    .action((text: string, opts: { field?: string; simplify?: boolean; json?: boolean }) => {
      let list = parseRelations(text, opts.field === undefined ? {} : { field: opts.field });
      if (opts.simplify) list = simplifyRelations(list);
      const canonical = formatRelations(list);
      print(opts.json, { canonical, relations: list }, canonical);
    });
}
