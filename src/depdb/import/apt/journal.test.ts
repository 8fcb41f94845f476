import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ImportJournal } from './journal.ts';

test('the journal ignores a line torn by a kill and compacts to the current builds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pkgme-journal-'));
  try {
    const file = join(dir, 'j.tsv');
    const j = new ImportJournal(file);
    j.add(['a\t1\taa', 'b\t1\tbb']);
    writeFileSync(file, readFileSync(file, 'utf8') + 'c\t1\tc'); // torn: no newline
    const k = new ImportJournal(file);
    assert.deepEqual([...k.done].sort(), ['a\t1\taa', 'b\t1\tbb']);
    k.compact(['b\t1\tbb', 'd\t1\tdd']);
    assert.deepEqual([...new ImportJournal(file).done], ['b\t1\tbb']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
