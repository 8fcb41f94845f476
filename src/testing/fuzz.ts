/**
 * A small mutation fuzzer for parsers of untrusted bytes.
 *
 * Why hand-written: fast-check generates structured values well but does not mutate real sample files, and a
 * coverage-guided fuzzer would need native tooling CI lacks. This one takes real seeds (an ELF from /usr/bin, a real
 * .deb…), applies the classic byte mutations (flip, set interesting values, truncate, splice, duplicate, insert) and
 * also feeds pure random bytes. The contract it checks: the parser returns, or throws a PkgmeError. Any other
 * exception, a hang (per-input time budget) or runaway memory is a finding.
 *
 * Budget: PKGME_FUZZ_SECONDS per target (default 3 s in `npm test`; `npm run fuzz` sets 60). Deterministic for a
 * given PKGME_FUZZ_SEED, and every failure prints the seed and the input (hex, first bytes) to reproduce it.
 */
import { isPkgmeError } from '../errors.ts';

export interface FuzzTarget {
  name: string;
  /** Real samples to mutate. */
  seeds: Uint8Array[];
  /** The parser under test. May be async. Must return or throw a PkgmeError. */
  run: (input: Uint8Array) => unknown | Promise<unknown>;
  /** Max time one input may take (ms) before it counts as a hang. Default 2000. */
  perInputMs?: number;
  /** Max heap growth (bytes) one input may cause. Default 256 MiB. */
  maxHeapGrowth?: number;
  /** Seconds to run; defaults to PKGME_FUZZ_SECONDS or 3. */
  seconds?: number;
  /** Upper bound on input size produced by mutation. Default 4 MiB. */
  maxLen?: number;
}

export interface FuzzReport {
  name: string;
  inputs: number;
  typedErrors: number;
  ok: number;
  seconds: number;
}

/** Deterministic PRNG (mulberry32): reproducible runs from a seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

export function mutate(seed: Uint8Array, rnd: () => number, seeds: Uint8Array[], maxLen: number): Uint8Array {
  const int = (n: number) => Math.floor(rnd() * n);
  // A copy, never a view: Buffer#slice returns a view, and mutating it would corrupt the seed for later rounds.
  let buf: Uint8Array = Uint8Array.prototype.slice.call(seed);
  const rounds = 1 + int(8);
  for (let r = 0; r < rounds; r++) {
    const op = int(9);
    const len = buf.length;
    if (op === 0 && len > 0) {
      buf[int(len)]! ^= 1 << int(8);
    } else if (op === 1 && len > 0) {
      buf[int(len)] = int(256);
    } else if (op === 2 && len >= 4) {
      // Write an interesting 16/32-bit value, either endianness: lengths, offsets and counts live there.
      const v = INTERESTING[int(INTERESTING.length)]!;
      const at = int(len - 3);
      const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      if (rnd() < 0.5) view.setUint32(at, v >>> 0, rnd() < 0.5);
      else view.setUint16(at, v & 0xffff, rnd() < 0.5);
    } else if (op === 3 && len > 1) {
      buf = buf.slice(0, int(len));
    } else if (op === 4 && len > 0) {
      const at = int(len);
      const n = Math.min(int(64) + 1, len - at);
      const copy = buf.slice(at, at + n);
      const dst = int(len);
      const out = new Uint8Array(len + n);
      out.set(buf.subarray(0, dst));
      out.set(copy, dst);
      out.set(buf.subarray(dst), dst + n);
      buf = out;
    } else if (op === 5 && len > 0) {
      const at = int(len);
      const n = Math.min(int(256) + 1, len - at);
      const out = new Uint8Array(len - n);
      out.set(buf.subarray(0, at));
      out.set(buf.subarray(at + n), at);
      buf = out;
    } else if (op === 6 && seeds.length > 0) {
      const other = seeds[int(seeds.length)]!;
      if (other.length > 0 && len > 0) {
        const at = int(len);
        const from = int(other.length);
        const n = Math.min(int(4096) + 1, other.length - from, len - at);
        buf.set(other.subarray(from, from + n), at);
      }
    } else if (op === 7 && len > 0) {
      const at = int(len);
      const n = Math.min(int(32) + 1, len - at);
      buf.fill(int(2) === 0 ? 0 : 0xff, at, at + n);
    } else {
      const at = int(len + 1);
      const n = int(16) + 1;
      const out = new Uint8Array(len + n);
      out.set(buf.subarray(0, at));
      for (let i = 0; i < n; i++) out[at + i] = int(256);
      out.set(buf.subarray(at), at + n);
      buf = out;
    }
    if (buf.length > maxLen) buf = buf.slice(0, maxLen);
  }
  return buf;
}

function hex(b: Uint8Array, n = 64): string {
  return Buffer.from(b.subarray(0, n)).toString('hex') + (b.length > n ? `… (${b.length} bytes)` : '');
}

/** Runs the fuzz loop; throws an Error describing the first finding. */
export async function fuzz(target: FuzzTarget): Promise<FuzzReport> {
  const envSeconds = Number(process.env.PKGME_FUZZ_SECONDS);
  const seconds = target.seconds ?? (Number.isFinite(envSeconds) && envSeconds > 0 ? envSeconds : 3);
  const seed = Number(process.env.PKGME_FUZZ_SEED ?? Date.now() % 1_000_000);
  const rnd = prng(seed);
  const perInputMs = target.perInputMs ?? 2000;
  const maxHeap = target.maxHeapGrowth ?? 256 * 1024 * 1024;
  const maxLen = target.maxLen ?? 4 * 1024 * 1024;
  const deadline = Date.now() + seconds * 1000;
  const report: FuzzReport = { name: target.name, inputs: 0, typedErrors: 0, ok: 0, seconds };
  while (Date.now() < deadline) {
    let input: Uint8Array;
    if (target.seeds.length === 0 || rnd() < 0.05) {
      input = new Uint8Array(Math.floor(rnd() * 2048));
      for (let i = 0; i < input.length; i++) input[i] = Math.floor(rnd() * 256);
    } else {
      input = mutate(target.seeds[Math.floor(rnd() * target.seeds.length)]!, rnd, target.seeds, maxLen);
    }
    const heapBefore = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    try {
      await target.run(input);
      report.ok++;
    } catch (err) {
      if (!isPkgmeError(err)) {
        const e = err as Error;
        throw new Error(
          `fuzz ${target.name}: untyped ${e?.name ?? typeof err}: ${e?.message ?? String(err)} ` +
            `(PKGME_FUZZ_SEED=${seed}, input #${report.inputs}: ${hex(input)})\n${e?.stack ?? ''}`,
        );
      }
      report.typedErrors++;
    }
    const ms = performance.now() - t0;
    if (ms > perInputMs) {
      throw new Error(
        `fuzz ${target.name}: one input took ${ms.toFixed(0)} ms (budget ${perInputMs} ms): a hang ` +
          `(PKGME_FUZZ_SEED=${seed}, input #${report.inputs}: ${hex(input)})`,
      );
    }
    const growth = process.memoryUsage().heapUsed - heapBefore;
    if (growth > maxHeap) {
      throw new Error(
        `fuzz ${target.name}: one input grew the heap by ${(growth / 1048576).toFixed(0)} MiB: runaway allocation ` +
          `(PKGME_FUZZ_SEED=${seed}, input #${report.inputs}: ${hex(input)})`,
      );
    }
    report.inputs++;
  }
  console.log(
    `fuzz ${target.name}: ${report.inputs} inputs in ${seconds}s (${report.ok} parsed, ${report.typedErrors} typed errors), seed ${seed}`,
  );
  return report;
}
