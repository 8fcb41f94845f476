/**
 * One Duplex shape for every (de)compression engine: node:zlib, node-liblzma, unbzip2-stream and child processes
 * (`zstd`, `lz4`, `bzip2`).
 *
 * Why a wrapper: each engine reports failure its own way (zlib destroys itself, node-liblzma emits an LZMAError
 * directly, unbzip2-stream is an old-style `through` stream, a child process exits non-zero with a message on
 * stderr). Callers of the format layer must only ever see a PkgmeError, on the stream they hold, and never an
 * unhandled 'error' event from an inner stream. The wrapper forwards bytes with backpressure in both directions
 * (nothing is buffered beyond the streams' high-water marks), converts every inner failure through `toError`, and
 * runs an optional `verifyEnd` check before it ends, which is where truncation that an engine silently accepts is
 * caught.
 */
import { spawn } from 'node:child_process';
import { Duplex, type Readable, type Writable } from 'node:stream';
import { PkgmeError } from '../../errors.ts';

export interface EngineParts {
  /** Where compressed (or plain, for compressors) bytes are written. */
  sink: Writable | NodeJS.WritableStream;
  /** Where the engine's output is read. */
  source: Readable | NodeJS.ReadableStream;
  /** Turns any inner failure into the PkgmeError the caller sees. */
  toError: (err: unknown) => PkgmeError;
  /** Runs after the source ended and before this stream ends; throwing (or rejecting) fails the stream. */
  verifyEnd?: () => void | Promise<void>;
  /** Releases the engine when this stream is destroyed early (kill the child, close the handle). */
  dispose?: () => void;
  /** A child's stdin fails with EPIPE when the child quits early; its exit status is the real reason then. */
  ignoreSinkErrors?: boolean;
}

export class EngineStream extends Duplex {
  readonly #parts: EngineParts;
  #failed = false;

  constructor(parts: EngineParts) {
    super({ readableHighWaterMark: 1024 * 1024 });
    this.#parts = parts;
    const { sink, source } = parts;
    const fail = (err: unknown) => this.#fail(err);
    source.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) source.pause();
    });
    source.on('end', () => {
      Promise.resolve()
        .then(() => parts.verifyEnd?.())
        .then(
          () => this.push(null),
          (err: unknown) => fail(err),
        );
    });
    source.on('error', fail);
    if ((sink as unknown) !== source) sink.on('error', parts.ignoreSinkErrors ? () => undefined : fail);
  }

  #fail(err: unknown): void {
    if (this.#failed || this.destroyed) return;
    this.#failed = true;
    this.destroy(err instanceof PkgmeError ? err : this.#parts.toError(err));
  }

  override _read(): void {
    this.#parts.source.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const sink = this.#parts.sink;
    if (sink.write(chunk)) cb();
    else sink.once('drain', () => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.#parts.sink.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.#parts.dispose?.();
    cb(err);
  }
}

/**
 * Runs `cmd args…` as a filter: stdin is the input, stdout the output. A non-zero exit fails the stream with the
 * tool's stderr in the message; a missing tool is an environment error, not the user's fault.
 */
export function childEngine(
  cmd: string,
  args: string[],
  toError: (err: unknown) => PkgmeError,
): EngineStream {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    if (stderr.length < 4096) stderr += s;
  });
  let spawnError: Error | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', (err) => {
      spawnError = err;
      resolve(null);
    });
    child.on('close', (code) => resolve(code));
  });
  const stream: EngineStream = new EngineStream({
    sink: child.stdin,
    source: child.stdout,
    toError,
    verifyEnd: async () => {
      const code = await exited;
      if (spawnError) throw toolMissing(cmd, spawnError);
      if (code !== 0) throw toError(new Error(`${cmd} exited with ${code}: ${stderr.trim()}`));
    },
    dispose: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    ignoreSinkErrors: true,
  });
  child.on('error', (err) => stream.destroy(toolMissing(cmd, err)));
  return stream;
}

function toolMissing(cmd: string, err: Error): PkgmeError {
  return new PkgmeError('COMPRESS_TOOL_MISSING', `cannot run ${cmd}: ${err.message}`, 'environment', {
    hint: `install the Debian package that provides ${cmd} (scripts/setup.sh lists it)`,
    details: { tool: cmd },
  });
}
