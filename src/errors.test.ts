import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PkgmeError, exitCodeFor } from './errors.ts';

test('exit codes follow the CLI contract', () => {
  assert.equal(exitCodeFor(new PkgmeError('X', 'bad input')), 1);
  assert.equal(exitCodeFor(new PkgmeError('X', 'too big', 'limit')), 1);
  assert.equal(exitCodeFor(new PkgmeError('X', 'bad flag', 'usage')), 2);
  assert.equal(exitCodeFor(new PkgmeError('X', 'mirror down', 'environment')), 3);
  assert.equal(exitCodeFor(new Error('bug')), 4);
});

test('toJSON carries code, hint and details', () => {
  const e = new PkgmeError('UPLOAD_TOO_BIG', 'too big', 'limit', {
    hint: 'raise --max-bytes',
    details: { limit: 5 },
  });
  assert.deepEqual(e.toJSON(), {
    code: 'UPLOAD_TOO_BIG',
    kind: 'limit',
    message: 'too big',
    hint: 'raise --max-bytes',
    details: { limit: 5 },
  });
});
