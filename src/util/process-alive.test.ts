/** processAlive on real processes: this one, init, and a child that has exited and been reaped. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { processAlive } from './process-alive.ts';

test('processAlive: this process and init are alive; a reaped child is not', () => {
  assert.equal(processAlive(process.pid), true);
  assert.equal(processAlive(1), true);
  const child = spawnSync(process.execPath, ['-e', '0']);
  assert.equal(child.status, 0);
  assert.ok(child.pid !== undefined && child.pid > 0);
  assert.equal(processAlive(child.pid), false);
});
