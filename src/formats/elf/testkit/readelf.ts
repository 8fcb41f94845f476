/**
 * Test-only: runs GNU readelf (the oracle) over many files and turns its text into the same facts parseElf gives,
 * so the oracle tests can compare field by field. Only the spelling of readelf's output is decoded here (its words
 * for symbol types, bindings, flags); no expected value is written by hand.
 */
import { spawn } from 'node:child_process';

export interface ReadelfSymbol {
  value: bigint;
  size: number;
  type: number;
  bind: number;
  vis: number;
  ndx: number;
  /** Name as printed, with the version suffix (`free@GLIBC_2.2.5 (2)`, `f@@V`, `g@V`). */
  display: string;
}

export interface ReadelfFacts {
  file: string;
  /** From -d. null when "There is no dynamic section". */
  dynamicTags: number[] | null;
  needed: string[];
  soname: string[];
  rpath: string[];
  runpath: string[];
  symbols: ReadelfSymbol[] | null;
  verdef: { index: number; flags: number; name: string; parents: string[] }[];
  verneed: { file: string; versions: { name: string; flags: number; index: number }[] }[];
}

export interface ReadelfHeader {
  file: string;
  class: number;
  endian: string;
  type: string;
  machineName: string;
  flags: number;
  entry: bigint;
  interpreter: string | null;
  phnum: number;
  shnum: number;
  hasSymtab: boolean;
}

const TYPES: Record<string, number> = {
  NOTYPE: 0,
  OBJECT: 1,
  FUNC: 2,
  SECTION: 3,
  FILE: 4,
  COMMON: 5,
  TLS: 6,
  IFUNC: 10,
};
const BINDS: Record<string, number> = { LOCAL: 0, GLOBAL: 1, WEAK: 2, UNIQUE: 10 };
const VIS: Record<string, number> = { DEFAULT: 0, INTERNAL: 1, HIDDEN: 2, PROTECTED: 3 };
const NDX: Record<string, number> = { UND: 0, ABS: 0xfff1, COM: 0xfff2 };

function word(map: Record<string, number>, s: string, what: string): number {
  const m = /^<[^>]*>: (\d+)$/.exec(s);
  if (m) return Number(m[1]);
  const v = map[s];
  if (v === undefined) throw new Error(`readelf: unknown ${what} ${JSON.stringify(s)}`);
  return v;
}

function verFlags(s: string): number {
  if (s === 'none') return 0;
  let f = 0;
  for (const w of s.split(' | ')) {
    if (w === 'BASE') f |= 1;
    else if (w === 'WEAK') f |= 2;
    else if (w === 'INFO') f |= 4;
    else {
      const m = /^<unknown: ([0-9a-f]+)>$/.exec(w);
      if (!m) throw new Error(`readelf: unknown version flag ${w}`);
      f |= parseInt(m[1]!, 16);
    }
  }
  return f;
}

const SYM =
  /^\s*\d+: ([0-9a-f]+)\s+(0x[0-9a-f]+|\d+) (<[^>]*>: \d+|\S+)\s+(<[^>]*>: \d+|\S+)\s+(\S+)(?: \[[^\]]*\])?\s+(UND|ABS|COM|\d+|PRC\[0x[0-9a-f]+\]|OS \[0x[0-9a-f]+\]|RSV\[0x[0-9a-f]+\]) ?(.*)$/;

/** Splits multi-file readelf output at its `File: name` lines. */
function splitFiles(out: string, files: string[]): Map<string, string> {
  const res = new Map<string, string>();
  if (files.length === 1) {
    res.set(files[0]!, out);
    return res;
  }
  const parts = out.split(/^File: (.*)$/m);
  for (let i = 1; i < parts.length; i += 2) res.set(parts[i]!, parts[i + 1]!);
  return res;
}

export function parseDynOutput(file: string, text: string): ReadelfFacts {
  const r: ReadelfFacts = {
    file,
    dynamicTags: null,
    needed: [],
    soname: [],
    rpath: [],
    runpath: [],
    symbols: null,
    verdef: [],
    verneed: [],
  };
  let mode = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('Dynamic section at')) {
      mode = 'dyn';
      r.dynamicTags = [];
      continue;
    }
    if (line.startsWith("Symbol table '.dynsym'")) {
      mode = 'sym';
      r.symbols = [];
      continue;
    }
    if (line.startsWith('Version symbols section')) {
      mode = 'versym';
      continue;
    }
    if (line.startsWith('Version definition section')) {
      mode = 'verdef';
      continue;
    }
    if (line.startsWith('Version needs section')) {
      mode = 'verneed';
      continue;
    }
    if (mode === 'dyn') {
      const m = /^ 0x([0-9a-f]+) \((\w+)\)\s+(.*)$/.exec(line);
      if (!m) continue;
      r.dynamicTags!.push(Number(BigInt('0x' + m[1])));
      const val = /\[(.*)\]$/.exec(m[3]!)?.[1] ?? '';
      if (m[2] === 'NEEDED') r.needed.push(val);
      else if (m[2] === 'SONAME') r.soname.push(val);
      else if (m[2] === 'RPATH') r.rpath.push(val);
      else if (m[2] === 'RUNPATH') r.runpath.push(val);
    } else if (mode === 'sym') {
      if (line.startsWith('   Num:') || line === '') continue;
      if (!line.startsWith(' ')) {
        mode = '';
        continue;
      }
      const m = SYM.exec(line);
      if (!m) throw new Error(`${file}: cannot read readelf symbol line ${JSON.stringify(line)}`);
      const ndxs = m[6]!;
      const hex = /\[0x([0-9a-f]+)\]/.exec(ndxs);
      r.symbols!.push({
        value: BigInt('0x' + m[1]),
        size: m[2]!.startsWith('0x') ? parseInt(m[2]!.slice(2), 16) : Number(m[2]),
        type: word(TYPES, m[3]!, 'type'),
        bind: word(BINDS, m[4]!, 'binding'),
        vis: word(VIS, m[5]!, 'visibility'),
        ndx: hex
          ? parseInt(hex[1]!, 16)
          : /^\d+$/.test(ndxs)
            ? Number(ndxs)
            : word(NDX, ndxs, 'section index'),
        display: m[7]!,
      });
    } else if (mode === 'verdef') {
      const d =
        /^\s+(?:0x)?[0-9a-f]+: Rev: (\d+)\s+Flags: (.*?)\s+Index: (\d+)\s+Cnt: (\d+)\s+Name: (.*)$/.exec(
          line,
        );
      if (d) {
        r.verdef.push({ index: Number(d[3]), flags: verFlags(d[2]!), name: d[5]!, parents: [] });
        continue;
      }
      const p = /^\s+(?:0x)?[0-9a-f]+: Parent \d+: (.*)$/.exec(line);
      if (p) r.verdef[r.verdef.length - 1]!.parents.push(p[1]!);
    } else if (mode === 'verneed') {
      const n = /^\s+(?:0x)?[0-9a-f]+: Version: \d+\s+File: (.*?)\s+Cnt: \d+$/.exec(line);
      if (n) {
        r.verneed.push({ file: n[1]!, versions: [] });
        continue;
      }
      const a = /^\s+(?:0x)?[0-9a-f]+:\s+Name: (.*?)\s+Flags: (.*?)\s+Version: (\d+)$/.exec(line);
      if (a)
        r.verneed[r.verneed.length - 1]!.versions.push({
          name: a[1]!,
          flags: verFlags(a[2]!),
          index: Number(a[3]),
        });
    }
  }
  return r;
}

export function parseHeaderOutput(file: string, text: string): ReadelfHeader {
  const get = (label: string) => new RegExp(`^\\s+${label}:\\s+(.*)$`, 'm').exec(text)?.[1] ?? '';
  return {
    file,
    class: get('Class') === 'ELF64' ? 64 : get('Class') === 'ELF32' ? 32 : 0,
    endian: /little endian/.test(get('Data')) ? 'little' : /big endian/.test(get('Data')) ? 'big' : '?',
    type: get('Type'),
    machineName: get('Machine'),
    flags: parseInt(get('Flags'), 16),
    entry: BigInt(get('Entry point address')),
    interpreter: /\[Requesting program interpreter: (.*)\]/.exec(text)?.[1] ?? null,
    phnum: Number(get('Number of program headers')),
    shnum: Number(/^\d+/.exec(get('Number of section headers'))?.[0]),
    hasSymtab: /^\s+\[\s*\d+\] .*\sSYMTAB\s/m.test(text),
  };
}

function runReadelf(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('readelf', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', () => {});
    child.on('error', reject);
    child.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/**
 * Runs readelf over `files` in batches, `parallel` processes at a time, and calls `onFile` with each file's facts
 * as soon as its batch is done (so the whole output of thousands of files is never held at once).
 */
export async function readelfBatches(
  files: string[],
  opts: { batch?: number; parallel?: number },
  onFile: (dyn: ReadelfFacts, hdr: ReadelfHeader) => void,
): Promise<void> {
  const batch = opts.batch ?? 100;
  const batches: string[][] = [];
  for (let i = 0; i < files.length; i += batch) batches.push(files.slice(i, i + batch));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const b = batches[next++]!;
      const [dynOut, hdrOut] = await Promise.all([
        runReadelf(['-dW', '--dyn-syms', '-V', ...b]),
        runReadelf(['-hlSW', ...b]),
      ]);
      const dyn = splitFiles(dynOut, b);
      const hdr = splitFiles(hdrOut, b);
      for (const f of b) {
        onFile(parseDynOutput(f, dyn.get(f) ?? ''), parseHeaderOutput(f, hdr.get(f) ?? ''));
      }
    }
  };
  await Promise.all(Array.from({ length: opts.parallel ?? 2 }, worker));
}
