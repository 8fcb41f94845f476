/**
 * The Debian section (issue 4, "Section") from the application's XDG categories (its desktop entry or the metadata
 * file). The section only files the package in archive listings, so a wrong guess costs little, but an unknown one
 * is a lintian warning (unknown-section): the value always comes from DEBIAN_SECTIONS and falls back to 'misc'.
 *
 * Rules go from specific to general (an additional category such as TextEditor beats its main category Utility),
 * because the additional category is what Debian maintainers file by: galculator (Utility;Calculator) is in math,
 * mousepad (Utility;TextEditor) in editors. Desktop-environment sections (gnome, kde, xfce, x11) are what Debian uses
 * for a desktop's own applications; an uploaded application is not one, so they are never guessed.
 */
import { guess, type Guess } from './field.ts';

/**
 * Debian's archive sections, as lintian knows them (/usr/share/lintian/data/fields/archive-sections; the test
 * compares). A section may carry an archive area prefix: `contrib/games`, `non-free/net`.
 */
export const DEBIAN_SECTIONS = [
  'admin',
  'cli-mono',
  'comm',
  'database',
  'debian-installer',
  'debug',
  'devel',
  'doc',
  'editors',
  'education',
  'electronics',
  'embedded',
  'fonts',
  'games',
  'gnome',
  'gnu-r',
  'gnustep',
  'golang',
  'graphics',
  'hamradio',
  'haskell',
  'httpd',
  'interpreters',
  'introspection',
  'java',
  'javascript',
  'kde',
  'kernel',
  'libdevel',
  'libs',
  'lisp',
  'localization',
  'mail',
  'math',
  'metapackages',
  'misc',
  'net',
  'news',
  'ocaml',
  'oldlibs',
  'otherosfs',
  'perl',
  'php',
  'python',
  'raku',
  'ruby',
  'rust',
  'science',
  'shells',
  'sound',
  'tasks',
  'tex',
  'text',
  'utils',
  'vcs',
  'video',
  'web',
  'x11',
  'xfce',
  'zope',
] as const;
export type DebianSection = (typeof DEBIAN_SECTIONS)[number];

const SECTION_SET = new Set<string>(DEBIAN_SECTIONS);
const AREAS = new Set([
  'main',
  'contrib',
  'non-free',
  'non-free-firmware',
  'restricted',
  'universe',
  'multiverse',
]);

/** Whether `s` is a valid Section value: a known section, optionally prefixed by an archive area. */
export function isDebianSection(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return SECTION_SET.has(s);
  return AREAS.has(s.slice(0, slash)) && SECTION_SET.has(s.slice(slash + 1));
}

/** The default when nothing says more: Debian Policy 2.4's catch-all. */
export const DEFAULT_SECTION: DebianSection = 'misc';

/**
 * XDG category → section, most specific first. The first rule whose category the application lists wins, whatever
 * the order of its Categories (desktop files list them in no meaningful order). Measured against Debian's own
 * packages in section.test.ts.
 */
const RULES: ReadonlyArray<readonly [string, DebianSection]> = [
  // Network specialisations Debian files apart from net.
  ['WebBrowser', 'web'],
  ['WebDevelopment', 'web'],
  ['Email', 'mail'],
  ['News', 'news'],
  ['Feed', 'net'],
  ['HamRadio', 'hamradio'],
  ['Telephony', 'comm'],
  // Development specialisations (an IDE is a development tool even when it also lists TextEditor).
  ['RevisionControl', 'vcs'],
  ['IDE', 'devel'],
  ['Database', 'database'],
  // Science specialisations.
  ['Electronics', 'electronics'],
  ['Electricity', 'electronics'],
  ['Math', 'math'],
  ['Calculator', 'math'],
  ['Spreadsheet', 'math'],
  ['NumericalAnalysis', 'math'],
  // Utilities Debian files by what they do.
  ['TextEditor', 'editors'],
  ['WordProcessor', 'editors'],
  ['Emulator', 'otherosfs'],
  ['TerminalEmulator', 'x11'],
  ['PackageManager', 'admin'],
  ['Archiving', 'utils'],
  ['Compression', 'utils'],
  ['FileManager', 'utils'],
  ['Monitor', 'admin'],
  ['Filesystem', 'admin'],
  ['Security', 'admin'],
  ['Documentation', 'doc'],
  ['Dictionary', 'text'],
  ['Publishing', 'text'],
  ['Chat', 'net'],
  ['InstantMessaging', 'net'],
  ['IRCClient', 'net'],
  ['P2P', 'net'],
  ['FileTransfer', 'net'],
  ['RemoteAccess', 'net'],
  // Main categories.
  ['Game', 'games'],
  ['Graphics', 'graphics'],
  // A player that lists Video handles video; Audio alone is sound.
  ['Video', 'video'],
  ['Audio', 'sound'],
  ['AudioVideo', 'sound'],
  ['Development', 'devel'],
  ['Education', 'education'],
  ['Science', 'science'],
  ['Network', 'net'],
  ['Office', 'text'],
  ['System', 'admin'],
  ['Settings', 'admin'],
  ['Utility', 'utils'],
];

/**
 * Category names as the original store's metadata wrote them ("Games", "Sound & Video", "Internet") → XDG
 * categories, so devportal-metadata.json categories go through the same rules.
 */
const ALIASES: Record<string, string> = {
  games: 'Game',
  sound: 'Audio',
  music: 'Audio',
  'sound & video': 'AudioVideo',
  multimedia: 'AudioVideo',
  internet: 'Network',
  accessories: 'Utility',
  utilities: 'Utility',
  tools: 'Utility',
  programming: 'Development',
  'developer tools': 'Development',
  'system tools': 'System',
  productivity: 'Office',
  photography: 'Graphics',
  'science & engineering': 'Science',
};

function toXdg(category: string): string {
  const c = category.trim();
  return ALIASES[c.toLowerCase()] ?? c;
}

/** The section for a list of categories, or undefined when none of them maps. */
export function sectionForCategories(categories: readonly string[]): DebianSection | undefined {
  const have = new Set(categories.map(toXdg));
  for (const [category, section] of RULES) if (have.has(category)) return section;
  return undefined;
}

/**
 * The section guess: from the categories (metadata file or desktop entry), at most 0.7 sure because Debian's own
 * choice often differs (section.test.ts measures how often), else 'misc' with a low confidence so a reviewer sees
 * it was a default.
 */
export function guessSection(categories: Guess<string[]> | undefined): Guess<string> {
  const s = categories === undefined ? undefined : sectionForCategories(categories.value);
  if (s !== undefined && categories !== undefined)
    return guess(s, 'heuristic:xdg-categories', Math.min(categories.confidence, 0.7));
  return guess(DEFAULT_SECTION, 'default', 0.3);
}
