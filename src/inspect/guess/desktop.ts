/**
 * Desktop entries (issue 4, "Desktop entry"): parse an uploaded .desktop file, validate the rules that make
 * desktop-file-validate fail, fix what pkgme knows better than the upload (the installed launcher, the package's
 * icon name, categories), and generate one when the upload has none.
 *
 * Why our own parser: the uploaded file is untrusted text and pkgme must explain its problems in --json, not only
 * pass/fail from a tool. desktop-file-validate stays the oracle in tests and in `pkgme check`.
 * Spec: freedesktop Desktop Entry Specification 1.5 and the Desktop Menu Specification's category registry.
 */
import { PkgmeError } from '../../errors.ts';

export interface DesktopEntryLine {
  key: string;
  /** `de` for `Name[de]`, undefined for the unlocalized key. */
  locale?: string;
  /** Raw value (escapes kept), so serialising writes back exactly what was read. */
  raw: string;
}

export interface DesktopGroup {
  name: string;
  entries: DesktopEntryLine[];
}

export interface DesktopFile {
  groups: DesktopGroup[];
}

export interface DesktopProblem {
  level: 'error' | 'warning';
  code: string;
  message: string;
}

/** Main categories (Desktop Menu Spec, Appendix A). */
export const MAIN_CATEGORIES = [
  'AudioVideo',
  'Audio',
  'Video',
  'Development',
  'Education',
  'Game',
  'Graphics',
  'Network',
  'Office',
  'Science',
  'Settings',
  'System',
  'Utility',
] as const;

/** Additional categories (Appendix B) and reserved ones (Appendix C) that desktop-file-validate accepts. */
const ADDITIONAL_CATEGORIES =
  `Building Debugger IDE GUIDesigner Profiling RevisionControl Translation Calendar ContactManagement
Database Dictionary Chart Email Finance FlowChart PDA ProjectManagement Presentation Spreadsheet WordProcessor 2DGraphics
VectorGraphics RasterGraphics 3DGraphics Scanning OCR Photography Publishing Viewer TextTools DesktopSettings
HardwareSettings Printing PackageManager Dialup InstantMessaging Chat IRCClient Feed FileTransfer HamRadio News P2P
RemoteAccess Telephony TelephonyTools VideoConference WebBrowser WebDevelopment Midi Mixer Sequencer Tuner TV
AudioVideoEditing Player Recorder DiscBurning ActionGame AdventureGame ArcadeGame BoardGame BlocksGame CardGame
KidsGame LogicGame RolePlaying Shooter Simulation SportsGame StrategyGame Art Construction Music Languages
ArtificialIntelligence Astronomy Biology Chemistry ComputerScience DataVisualization Economy Electricity Geography
Geology Geoscience History Humanities ImageProcessing Literature Maps Math NumericalAnalysis MedicalSoftware Physics
Robotics Spirituality Sports ParallelComputing Amusement Archiving Compression Electronics Emulator Engineering
FileTools FileManager TerminalEmulator Filesystem Monitor Security Accessibility Calculator Clock TextEditor
Documentation Adult Core KDE GNOME XFCE DDE GTK Qt Motif Java ConsoleOnly Screensaver TrayIcon Applet Shell`.split(
    /\s+/,
  );

/**
 * Keys of [Desktop Entry] (spec §6) plus the deprecated ones desktop-file-validate still accepts (§11).
 * SingleMainWindow (spec 1.5) is left out on purpose: bookworm's desktop-file-validate 0.26 rejects it, and the
 * generated package must pass that tool (audacious.desktop in bookworm shows it).
 */
const KNOWN_KEYS = new Set(
  `Type Version Name GenericName NoDisplay Comment Icon Hidden OnlyShowIn NotShowIn DBusActivatable TryExec Exec Path
Terminal Actions MimeType Categories Implements Keywords StartupNotify StartupWMClass URL PrefersNonDefaultGPU
Encoding MiniIcon TerminalOptions Protocols Extensions BinaryPattern MapNotify SwallowTitle
SwallowExec SortOrder FilePattern`.split(/\s+/),
);
/** Exec field codes (spec §7): the current ones and the deprecated ones that are still accepted. */
const FIELD_CODES = new Set('fFuUickdDnNvm%'.split(''));

const KNOWN_CATEGORIES = new Set<string>([...MAIN_CATEGORIES, ...ADDITIONAL_CATEGORIES]);
const MAIN_SET = new Set<string>(MAIN_CATEGORIES);
const TYPES = new Set(['Application', 'Link', 'Directory']);
/** A .desktop file is a few KiB; a bound keeps a hostile upload from costing memory or time. */
export const MAX_DESKTOP_BYTES = 1 << 20;

function syntax(name: string, line: number, what: string): PkgmeError {
  return new PkgmeError('DESKTOP_SYNTAX', `${name}:${line}: ${what}`, 'input', {
    hint: 'Fix the line to `[Group]`, `Key=Value`, `Key[locale]=Value` or a `#` comment (Desktop Entry spec §3).',
    details: { file: name, line },
  });
}

/** Parses a .desktop file. Throws DESKTOP_SYNTAX / DESKTOP_ENCODING / DESKTOP_TOO_LARGE (PkgmeError) only. */
export function parseDesktop(bytes: Uint8Array, name = 'desktop file'): DesktopFile {
  if (bytes.length > MAX_DESKTOP_BYTES)
    throw new PkgmeError(
      'DESKTOP_TOO_LARGE',
      `${name}: ${bytes.length} bytes, limit ${MAX_DESKTOP_BYTES}`,
      'limit',
      {
        hint: 'A desktop entry is a few lines; ship the real .desktop file.',
        details: { size: bytes.length, limit: MAX_DESKTOP_BYTES },
      },
    );
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PkgmeError('DESKTOP_ENCODING', `${name}: not valid UTF-8`, 'input', {
      hint: 'Desktop entries must be UTF-8 (spec §2); convert it with iconv.',
      details: { file: name },
    });
  }
  const groups: DesktopGroup[] = [];
  const lines = text.split('\n');
  for (const [i, rawLine] of lines.entries()) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      // Spec §3: a group name is printable ASCII other than '[' and ']'.
      const m = /^\[([ -Z\\^-~]+)\]\s*$/.exec(line);
      if (!m) throw syntax(name, i + 1, `malformed group header ${JSON.stringify(line.slice(0, 80))}`);
      groups.push({ name: m[1]!, entries: [] });
      continue;
    }
    const m = /^([A-Za-z0-9-]+)(?:\[([^\]\s]+)\])?\s*=\s*(.*)$/.exec(line);
    if (!m) throw syntax(name, i + 1, `not a key=value line: ${JSON.stringify(line.slice(0, 80))}`);
    const group = groups.at(-1);
    if (!group) throw syntax(name, i + 1, `key ${m[1]} before the first group header`);
    group.entries.push({ key: m[1]!, ...(m[2] === undefined ? {} : { locale: m[2] }), raw: m[3]! });
  }
  return { groups };
}

/** Spec §4: the escapes \s \n \t \r \\ in string values (and \; inside lists, kept for the list splitter). */
export function unescapeValue(raw: string): string {
  return raw.replace(/\\([sntr\\;])/g, (_, c: string) =>
    c === 's' ? ' ' : c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c === '\\' ? '\\' : '\\;',
  );
}

export function escapeValue(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t')
    .replace(/\r/g, '\\r')
    .replace(/^ /, '\\s');
}

/** A `;`-separated list value (Categories, MimeType…), honouring `\;`. */
export function listValue(raw: string): string[] {
  return raw
    .split(/(?<!\\);/)
    .map((s) => unescapeValue(s).replace(/\\;/g, ';'))
    .filter((s) => s !== '');
}

export function mainGroup(file: DesktopFile): DesktopGroup | undefined {
  return file.groups.find((g) => g.name === 'Desktop Entry');
}

export function getKey(group: DesktopGroup, key: string): string | undefined {
  return group.entries.find((e) => e.key === key && e.locale === undefined)?.raw;
}

function setKey(group: DesktopGroup, key: string, raw: string): void {
  const e = group.entries.find((x) => x.key === key && x.locale === undefined);
  if (e) e.raw = raw;
  else group.entries.push({ key, raw });
}

/** Spec §7: quoting must be closed and every % starts a known field code. */
function execProblem(exec: string): string | null {
  let quoted = false;
  for (let i = 0; i < exec.length; i++) {
    const c = exec[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === '%') {
      const code = exec[i + 1];
      if (code === undefined || !FIELD_CODES.has(code)) return `invalid field code %${code ?? ''}`;
      i++;
    }
  }
  return quoted ? 'a quote is not closed' : null;
}

/** The rules desktop-file-validate treats as errors (and a few of its warnings) that matter for a package. */
export function validateDesktop(file: DesktopFile): DesktopProblem[] {
  const out: DesktopProblem[] = [];
  const err = (code: string, message: string) => out.push({ level: 'error', code, message });
  const warn = (code: string, message: string) => out.push({ level: 'warning', code, message });
  if (file.groups[0]?.name !== 'Desktop Entry')
    err('DESKTOP_FIRST_GROUP', 'the first group must be [Desktop Entry]');
  const seenGroups = new Set<string>();
  const keysByGroup = new Map<string, Set<string>>();
  for (const g of file.groups) {
    if (g.name !== 'Desktop Entry' && !/^(Desktop Action |X-)/.test(g.name))
      err('DESKTOP_BAD_GROUP', `group [${g.name}] is not registered: extensions must start with X-`);
    if (seenGroups.has(g.name)) err('DESKTOP_DUPLICATE_GROUP', `group [${g.name}] appears twice`);
    seenGroups.add(g.name);
    // Like GLib's key file (and desktop-file-validate), repeated groups merge: their keys clash with each other.
    const seenKeys = keysByGroup.get(g.name) ?? new Set<string>();
    keysByGroup.set(g.name, seenKeys);
    for (const e of g.entries) {
      const k = e.locale === undefined ? e.key : `${e.key}[${e.locale}]`;
      if (seenKeys.has(k)) err('DESKTOP_DUPLICATE_KEY', `key ${k} appears twice in [${g.name}]`);
      seenKeys.add(k);
    }
  }
  const main = mainGroup(file);
  if (!main) return out;
  for (const e of main.entries)
    if (!KNOWN_KEYS.has(e.key) && !e.key.startsWith('X-'))
      err('DESKTOP_UNKNOWN_KEY', `key ${e.key} is not registered: extensions must start with X-`);
  const exec = getKey(main, 'Exec');
  if (exec !== undefined) {
    const problem = execProblem(exec);
    if (problem) err('DESKTOP_BAD_EXEC', `Exec=${exec}: ${problem}`);
  }
  const type = getKey(main, 'Type');
  if (type === undefined) err('DESKTOP_MISSING_KEY', 'required key Type is missing');
  else if (!TYPES.has(type)) err('DESKTOP_BAD_TYPE', `Type=${type} is not Application, Link or Directory`);
  if (getKey(main, 'Name') === undefined) err('DESKTOP_MISSING_KEY', 'required key Name is missing');
  if (
    type === 'Application' &&
    getKey(main, 'Exec') === undefined &&
    getKey(main, 'DBusActivatable') !== 'true'
  )
    // desktop-file-validate 0.26 accepts this, but the menu cannot start the app: pkgme's fix adds the launcher.
    warn('DESKTOP_NO_EXEC', 'Type=Application has no Exec: the menu entry cannot start anything');
  for (const key of ['Terminal', 'NoDisplay', 'Hidden', 'StartupNotify', 'DBusActivatable']) {
    const v = getKey(main, key);
    if (v !== undefined && v !== 'true' && v !== 'false')
      err('DESKTOP_BAD_BOOLEAN', `${key}=${v} is not true or false`);
  }
  const cats = getKey(main, 'Categories');
  if (cats !== undefined) {
    const list = listValue(cats);
    for (const c of list)
      if (!KNOWN_CATEGORIES.has(c) && !c.startsWith('X-'))
        err(
          'DESKTOP_BAD_CATEGORY',
          `category ${JSON.stringify(c)} is not registered (use a registered one or X-${c})`,
        );
    for (const c of ['Audio', 'Video'])
      if (list.includes(c) && !list.includes('AudioVideo'))
        warn('DESKTOP_CATEGORY_NEEDS_AUDIOVIDEO', `category ${c} requires AudioVideo too`);
    if (!list.some((c) => MAIN_SET.has(c)))
      warn('DESKTOP_NO_MAIN_CATEGORY', 'Categories has no main category');
  } else if (type === 'Application')
    warn('DESKTOP_NO_CATEGORIES', 'no Categories: menus will file it under "Other"');
  const icon = getKey(main, 'Icon');
  if (icon !== undefined && !icon.startsWith('/') && /\.(png|svg|xpm)$/i.test(icon))
    warn('DESKTOP_ICON_EXTENSION', `Icon=${icon} is a themed name and must not have an extension`);
  return out;
}

export interface DesktopFacts {
  /** Absolute path of the installed launcher, e.g. /usr/bin/foo. */
  exec: string;
  /** The icon's themed name (no extension), e.g. the package name. */
  icon: string;
  name: string;
  comment?: string;
  categories: string[];
  terminal?: boolean;
}

/** Keeps the field codes (%U, %f…) of an Exec line while pointing it at the installed launcher. */
function fieldCodes(exec: string | undefined): string {
  const codes = (exec ?? '').match(/%[fFuU]/g) ?? [];
  return codes.length > 0 ? ` ${codes[0]}` : '';
}

/** Fixes an uploaded entry in place: Exec, Icon, Type, Name, Categories. Returns what changed, for the report. */
export function fixDesktop(file: DesktopFile, facts: DesktopFacts): string[] {
  const changes: string[] = [];
  let main = mainGroup(file);
  if (!main) {
    main = { name: 'Desktop Entry', entries: [] };
    changes.push('added [Desktop Entry]');
  }
  // Drop duplicate groups and keys (the first one wins, as in GLib's key file) and put [Desktop Entry] first.
  const groups = new Map<string, DesktopGroup>();
  groups.set('Desktop Entry', main);
  for (const g of file.groups) if (!groups.has(g.name)) groups.set(g.name, g);
  if (groups.size !== file.groups.length || file.groups[0] !== main)
    changes.push('reordered/deduplicated groups');
  file.groups = [...groups.values()];
  for (const g of file.groups)
    if (g.name !== 'Desktop Entry' && !/^(Desktop Action |X-)/.test(g.name)) {
      changes.push(`renamed group [${g.name}] to [X-${g.name}]`);
      g.name = `X-${g.name}`;
    }
  for (const g of file.groups) {
    const seen = new Set<string>();
    const before = g.entries.length;
    g.entries = g.entries.filter((e) => {
      const k = `${e.key}[${e.locale ?? ''}]`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    if (g.entries.length !== before) changes.push(`removed duplicate keys in [${g.name}]`);
  }
  for (const e of main.entries)
    if (!KNOWN_KEYS.has(e.key) && !e.key.startsWith('X-')) {
      changes.push(`renamed key ${e.key} to X-${e.key}`);
      e.key = `X-${e.key}`;
    }
  const put = (key: string, raw: string) => {
    if (getKey(main, key) !== raw) {
      changes.push(`${key}=${raw}`);
      setKey(main, key, raw);
    }
  };
  put('Type', 'Application');
  if (getKey(main, 'Name') === undefined) put('Name', escapeValue(facts.name));
  put('Exec', `${facts.exec}${fieldCodes(getKey(main, 'Exec'))}`);
  put('Icon', facts.icon);
  for (const key of ['Terminal', 'NoDisplay', 'Hidden', 'StartupNotify']) {
    const v = getKey(main, key);
    if (v !== undefined && v !== 'true' && v !== 'false') put(key, /^(1|yes)$/i.test(v) ? 'true' : 'false');
  }
  const cats = getKey(main, 'Categories');
  const kept =
    cats === undefined ? [] : listValue(cats).filter((c) => KNOWN_CATEGORIES.has(c) || c.startsWith('X-'));
  const withMain = kept.some((c) => MAIN_SET.has(c))
    ? kept
    : [...facts.categories.filter((c) => MAIN_SET.has(c)), ...kept];
  const next = withMain.length > 0 ? withMain : ['Utility'];
  // Desktop Menu Spec: Audio and Video are only valid together with AudioVideo.
  if (next.some((c) => c === 'Audio' || c === 'Video') && !next.includes('AudioVideo'))
    next.unshift('AudioVideo');
  if (cats === undefined || listValue(cats).join(';') !== next.join(';'))
    put('Categories', `${next.join(';')};`);
  return changes;
}

/** A new entry when the upload ships none. Categories not in the registry are dropped; Utility if none remain. */
export function generateDesktop(facts: DesktopFacts): DesktopFile {
  const cats = facts.categories.filter((c) => KNOWN_CATEGORIES.has(c));
  const main = cats.some((c) => MAIN_SET.has(c)) ? cats : ['Utility', ...cats];
  if (main.some((c) => c === 'Audio' || c === 'Video') && !main.includes('AudioVideo'))
    main.unshift('AudioVideo');
  const entries: DesktopEntryLine[] = [
    { key: 'Type', raw: 'Application' },
    { key: 'Name', raw: escapeValue(facts.name) },
  ];
  if (facts.comment) entries.push({ key: 'Comment', raw: escapeValue(facts.comment.split('\n')[0]!) });
  entries.push(
    { key: 'Exec', raw: facts.exec },
    { key: 'Icon', raw: facts.icon },
    { key: 'Terminal', raw: facts.terminal ? 'true' : 'false' },
    { key: 'Categories', raw: `${main.join(';')};` },
  );
  return { groups: [{ name: 'Desktop Entry', entries }] };
}

export function serializeDesktop(file: DesktopFile): string {
  return file.groups
    .map(
      (g) =>
        `[${g.name}]\n` +
        g.entries.map((e) => `${e.key}${e.locale === undefined ? '' : `[${e.locale}]`}=${e.raw}\n`).join(''),
    )
    .join('\n');
}
