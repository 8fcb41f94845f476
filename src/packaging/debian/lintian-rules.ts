/**
 * lintian 2.116's own rules for the tags it raises about the upload's file contents, re-stated so the overrides name
 * exactly the files lintian flags (an override for a file lintian does not flag is its `unused-override`, and a file
 * it flags without an override fails the check). Pure: the callers read the files (src/packaging/lintian-scan.ts).
 *
 * - Check/Scripts.pm: the tags of a file that starts with `#!`. Only those of NON-EXECUTABLE files are wanted here
 *   (scripts the upload ships as data; their #! line is never used), see dataScriptHints.
 * - Check/Executable.pm: executable-not-elf-or-script.
 * - Check/Files/SourceMissing.pm: source-is-missing in the source package (sourceMissing).
 */
import { posix } from 'node:path';

/** The tags lintian's Scripts check raises from the #! line alone (all reachable for a non-executable file). */
export type ScriptTag =
  | 'script-not-executable'
  | 'script-uses-bin-env'
  | 'unusual-interpreter'
  | 'interpreter-not-absolute'
  | 'script-without-interpreter'
  | 'wrong-path-for-interpreter'
  | 'incorrect-path-for-interpreter'
  | 'interpreter-in-usr-local'
  | 'php-script-with-unusual-interpreter'
  | 'script-uses-deprecated-nodejs-location';

/** A hint as lintian prints it: its tag and note (the text before the `[pointer]`), if any. */
export interface ScriptHint {
  tag: ScriptTag;
  note?: string;
}

/**
 * lintian's data/scripts/interpreters (2.116): interpreter base name → the directory it must be called from.
 * A test compares it with the machine's lintian data.
 */
const FOLDERS: Record<string, string[]> = {
  '/bin': ['ash', 'bash', 'csh', 'dash', 'ksh', 'mksh', 'sed', 'sh', 'tcsh', 'zsh'],
  '/lib/init': ['init-d-script'],
  '/lib/runit': ['invoke-run'],
  '/lib/runit/invoke': ['run'],
  '/usr/sbin': ['cfagent', 'magicfilter'],
  '/usr/bin': (
    'awk bltwish clisp cwl-runner escript expect expectk falcon fish fontforge gawk gbr2 gbr3 gbx gbx2 gforth gjs ' +
    'gjs-console gnuplot gosh hhvm icmake install-menu ir jed jed-script julia jython kaptain lefty liquidsoap make ' +
    'mawk mscgen newlisp ngraph nickle node ocamlrun pagsh parrot perl perl6 perl6-m php plackup procmail pypy3 ' +
    'python2 python3 pforth racket rake raku r rackup rc regina rep rexx rrdcgi Rscript ruby runhaskell runhugs ' +
    'seed slsh speedy stap swipl texlua tixwish trs xjed yforth yorick'
  ).split(' '),
};
export const INTERPRETERS: ReadonlyMap<string, string> = new Map(
  Object.entries(FOLDERS).flatMap(([folder, names]) => names.map((n): [string, string] => [n, folder])),
);

/** lintian's data/scripts/versioned-interpreters (2.116): base name → [directory, pattern of a versioned name]. */
export const VERSIONED_INTERPRETERS: ReadonlyMap<string, { folder: string; pattern: string }> = new Map(
  (
    [
      ['guile', 'guile-([\\d.]+)'],
      ['jruby', 'jruby([\\d.]+)'],
      ['lua', 'lua([\\d.]+)'],
      ['octave', 'octave([\\d.]+)'],
      ['pike', 'pike([\\d.]+)'],
      ['python2', 'python([\\d.]+)'],
      ['python3', 'python3([\\d.]+)'],
      ['ruby', 'ruby([\\d.]+)'],
      ['runghc', 'runghc(\\d+)'],
      ['scsh', 'scsh-([\\d.]+)'],
      ['tclsh', 'tclsh([\\d.]+)'],
      ['wish', 'wish([\\d.]+)'],
    ] as const
  ).map(([name, pattern]) => [name, { folder: '/usr/bin', pattern }]),
);

/** Whether lintian's Lintian::Index::Item is_script holds for a file starting with these bytes. */
export function isScript(head: Uint8Array): boolean {
  const s = Buffer.from(head.subarray(0, 6)).toString('latin1');
  return s.startsWith('#!') && s !== '#!#!#!';
}

/**
 * The #! line as lintian reads it (Item.pm `hashbang`): the bytes after `#!` up to the end of the first line,
 * trimmed; '' when nothing follows. `head` is the file's first bytes (at least its first line).
 */
export function hashbang(head: Uint8Array): string {
  const s = Buffer.from(head).toString('latin1');
  if (!s.startsWith('#!') || s.length === 2) return '';
  const nl = s.indexOf('\n', 2);
  return s.slice(2, nl < 0 ? undefined : nl + 1).replace(/^\s+|\s+$/g, '');
}

/** Item.pm's interpreter (env stripped, first word) and calls_env. */
export function interpreterOf(line: string): { interpreter: string; callsEnv: boolean } {
  const callsEnv = /^\/usr\/bin\/env\s+/.test(line);
  const withOptions = line.replace(/^\/usr\/bin\/env\s+/, '');
  return { interpreter: /^\S+/.exec(withOptions)?.[0] ?? withOptions, callsEnv };
}

function known(basename: string): { folder: string } | undefined {
  const plain = INTERPRETERS.get(basename);
  if (plain !== undefined) return { folder: plain };
  const direct = VERSIONED_INTERPRETERS.get(basename);
  if (direct !== undefined) return direct;
  const m = /^(.*[^\d.-])-?[\d.]+$/.exec(basename);
  const v = m ? VERSIONED_INTERPRETERS.get(m[1]!) : undefined;
  return v !== undefined && new RegExp(`^${v.pattern}$`).test(basename) ? v : undefined;
}

/**
 * What lintian's Scripts check says about a NON-EXECUTABLE file that starts with `#!` (visit_installed_files, in
 * its order), at package path `name` (no leading `/`). `executables` holds the package's executable regular files
 * (package paths): a script whose interpreter the package ships itself is not unusual. Tags that need an executable
 * file (the interpreter's Depends) are never raised for one that is not.
 */
export function dataScriptHints(name: string, line: string, executables: ReadonlySet<string>): ScriptHint[] {
  const examples = /^usr\/share\/doc\/[^/]+\/examples\//.test(name);
  if ((/^usr\/share\/doc\//.test(name) || /^usr\/src\//.test(name)) && !examples) return [];
  // Examples get lintian's example-* tags, which nothing here overrides.
  if (examples) return [];
  const { interpreter, callsEnv } = interpreterOf(line);
  const base = posix.basename(interpreter);
  if (base === 'python' && name.startsWith('usr/lib/python3/dist-packages/')) return [];
  if (/\.in$/.test(name) && /^(@|<<)[A-Z_]+(@|>>)$/.test(interpreter)) return [];
  const absolute = interpreter.startsWith('/') || callsEnv;
  const out: ScriptHint[] = [];
  if (callsEnv && interpreter === 'perl')
    out.push({ tag: 'incorrect-path-for-interpreter', note: '/usr/bin/env perl != /usr/bin/perl' });
  // "Skip files that have the #! line, but are not executable and do not have an absolute path and are not in a
  // bin/ directory": lintian's own exception for data files.
  if (!/(?:bin\/|etc\/init\.d\/)/.test(name) && !absolute) return out;
  if (name.startsWith('usr/share/cargo/registry/')) return out;
  if (interpreter === '') return [...out, { tag: 'script-without-interpreter' }];
  if (!absolute) out.push({ tag: 'interpreter-not-absolute', note: interpreter });
  const exempt =
    /^usr\/(?:lib|share)\/.*\.pm/.test(name) ||
    /^usr\/(?:lib|share)\/.*\.py/.test(name) ||
    /^usr\/(?:lib|share)\/ruby\/.*\.rb/.test(name) ||
    /^usr\/share\/debconf\/confmodule(?:\.sh)?$/.test(name) ||
    /\.(?:in|erb|ex)$/.test(name) ||
    name === 'etc/init.d/skeleton' ||
    /^etc\/menu-methods/.test(name) ||
    /^usr\/share\/bash-completion\/completions\/.*/.test(name) ||
    /^etc\/X11\/Xsession\.d/.test(name);
  if (!exempt) out.push({ tag: 'script-not-executable' });
  const data = known(base);
  if (data !== undefined) {
    const expected = `${data.folder}/${base}`;
    if (interpreter !== expected && !callsEnv)
      out.push({ tag: 'wrong-path-for-interpreter', note: `${interpreter} != ${expected}` });
  } else if (interpreter.startsWith('/usr/local/')) {
    out.push({ tag: 'interpreter-in-usr-local', note: interpreter });
  } else if (interpreter === '/bin/env') {
    out.push({ tag: 'script-uses-bin-env', note: interpreter });
  } else if (interpreter === 'nodejs') {
    out.push({ tag: 'script-uses-deprecated-nodejs-location', note: interpreter });
  } else if (base.startsWith('php')) {
    out.push({ tag: 'php-script-with-unusual-interpreter', note: interpreter });
  } else {
    const own = interpreter.startsWith('/')
      ? [interpreter.slice(1)]
      : callsEnv
        ? [`bin/${interpreter}`, `usr/bin/${interpreter}`]
        : [];
    if (!own.some((p) => executables.has(p))) out.push({ tag: 'unusual-interpreter', note: interpreter });
  }
  return out;
}

/**
 * Executable.pm: an executable regular file that is neither ELF nor a script, outside the man directories and not
 * a .exe (mono) or .jar (Java policy).
 */
export function notElfOrScript(
  name: string,
  f: { executable: boolean; elf: boolean; script: boolean },
): boolean {
  return (
    f.executable &&
    !f.elf &&
    !f.script &&
    !/^usr(?:\/X11R6)?\/man\//.test(name) &&
    !/\.(?:exe|jar)$/.test(name)
  );
}

/** What SourceMissing.pm looks at in one file of the source tree. */
export interface SourceFile {
  /** Path in the unpacked source tree. */
  path: string;
  elf: boolean;
  /** file(1)'s description, where known (the callers ask file(1) only about binary files that are not ELF). */
  fileType?: string;
  /** The longest line in bytes (lines split at \n), for .js and HTML files. */
  longestLine?: number;
  /** For a deployJava.js: whether it is lintian's `var deployJava = function` copy. */
  deployJava?: boolean;
}

const ELF_SOURCES = Object.fromEntries(
  ['.asm', '.c', '.cc', '.cpp', '.cxx', '.f', '.F', '.i', '.ml', '.rc', '.S'].map((s) => [
    s,
    '(?i)(?:[\\.-](?:bin|elf|e|hs|linux\\d+|oo?|or|out|so(?:\\.\\d+)*)|static|_o\\.golden)?$',
  ]),
);
const MIN_JS = '(?i)(?:[-._](?:compiled|compressed|lite|min|pack(?:ed)?|prod|umd|yc))?\\.js$';
const MIN_JS_SOURCES = Object.fromEntries(
  ['.js', '_orig.js', '.js.orig', '.src.js', '-src.js', '.debug.js', '-debug.js', '-nc.js'].map((s) => [
    s,
    MIN_JS,
  ]),
);

/** A Perl pattern of SourceMissing.pm (`(?i)` only at its start) as a JavaScript RegExp. */
function perlPattern(p: string): RegExp {
  return p.startsWith('(?i)') ? new RegExp(p.slice(4), 'i') : new RegExp(p);
}

/**
 * SourceMissing.pm's find_source: whether the source tree has a file the check accepts as the source of `path`
 * (beside it, in .., src/, debian/missing-sources…). `exists` answers for any path of the tree.
 */
export function findSource(
  path: string,
  patterns: Record<string, string>,
  exists: (p: string) => boolean,
  nonFree: boolean,
): boolean {
  if (nonFree) return false;
  const base = posix.basename(path);
  const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
  const alternatives = Object.entries(patterns)
    .map(([replacement, pattern]) =>
      pattern === '' ? base : base.replace(perlPattern(pattern), replacement),
    )
    .filter((n) => n !== '');
  const resolve = (p: string): string | undefined => {
    const n = posix.normalize(p);
    return n === '..' || n.startsWith('../') || n.startsWith('/') ? undefined : n.replace(/\/+$/, '');
  };
  const candidates = [`debian/missing-sources/${path}`, `debian/missing-sources/${base}`];
  for (const abs of [
    '.libs',
    `.libs/${dir}`,
    'unpacked',
    'debian',
    'debian/missing-sources',
    `debian/missing-sources/${dir}`,
  ])
    candidates.push(...alternatives.map((a) => `${abs}/${a}`));
  for (const rel of [
    '.',
    '..',
    './src',
    '../src',
    `../../src/${posix.basename(dir)}`,
    './flash-src/src/net/gimite/websocket',
  ])
    candidates.push(...alternatives.map((a) => (dir === '' ? `${rel}/${a}` : `${dir}/${rel}/${a}`)));
  return candidates.some((c) => {
    const r = resolve(c);
    return r !== undefined && r !== path && exists(r);
  });
}

const VERY_LONG_LINE = 512;

/** Whether lintian's SourceMissing check reports source-is-missing for this file of the source package. */
export function sourceMissing(f: SourceFile, exists: (p: string) => boolean, nonFree: boolean): boolean {
  const find = (patterns: Record<string, string>): boolean => findSource(f.path, patterns, exists, nonFree);
  const base = posix.basename(f.path);
  const type = f.fileType ?? '';
  if (
    /^python \d(\.\d+)? byte-compiled/.test(type) &&
    !find({ '.py': '(?i)(?:\\.cpython-\\d{2}|\\.pypy)?\\.py[co]$' })
  )
    return true;
  if (f.elf && !find(ELF_SOURCES)) return true;
  if (/^Macromedia Flash/.test(type) && !find({ '.as': '(?i)\\.swf$' })) return true;
  if (/^Composite Document File/.test(type) && /\.fla$/i.test(f.path) && !find({ '.as': '(?i)\\.fla$' }))
    return true;
  if (base === 'deployJava.js' && f.deployJava === true) return !find({ '.txt': '(?i)\\.js$', '': '' });
  if (/[-._](?:compiled|compressed|lite|min|pack(?:ed)?|prod|umd|yc)\.js$/i.test(f.path))
    return !find(MIN_JS_SOURCES);
  if ((f.longestLine ?? 0) <= VERY_LONG_LINE) return false;
  if (/\.js$/i.test(base) && !find({ '.debug.js': '(?i)\\.js$', '-debug.js': '(?i)\\.js$', '': '' }))
    return true;
  if (/\.(?:x?html?\d?|xht)$/i.test(base) && !find({ '.fragment.js': '$' })) return true;
  return false;
}

/** Whether SourceMissing.pm reads this file's lines (a .js or HTML name): the scan measures only those. */
export function wantsLongestLine(path: string): boolean {
  return /\.(?:js|x?html?\d?|xht)$/i.test(posix.basename(path));
}
