/**
 * The import journal: which package builds (name, version, SHA256) are already in the sink for one
 * (source, suite, arch). It is what makes an import resumable (a killed import skips what it had stored) and
 * incremental (a re-import fetches only builds it has not stored). Append-only lines, written after the sink
 * accepted the records, so a kill at any point loses at most work, never correctness; a torn last line is ignored.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class ImportJournal {
  readonly done = new Set<string>();

  constructor(readonly file: string) {
    if (!existsSync(file)) return;
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    // The last element is either '' (complete file) or a line torn by a kill: skip it either way.
    for (const l of lines.slice(0, -1)) if (l.split('\t').length === 3) this.done.add(l);
  }

  add(keys: string[]): void {
    if (keys.length === 0) return;
    mkdirSync(dirname(this.file), { recursive: true });
    appendFileSync(this.file, keys.map((k) => k + '\n').join(''));
    for (const k of keys) this.done.add(k);
  }

  /** Rewrites the journal with only `keys` (after a complete import: drops builds no longer in the index). */
  compact(keys: Iterable<string>): void {
    const kept = [...keys].filter((k) => this.done.has(k));
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(`${this.file}.tmp`, kept.map((k) => k + '\n').join(''));
    renameSync(`${this.file}.tmp`, this.file);
    this.done.clear();
    for (const k of kept) this.done.add(k);
  }
}
