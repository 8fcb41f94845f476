/**
 * Typed errors shared by every layer.
 *
 * pkgme reads untrusted bytes, so "it threw" is not good enough: every failure a user can cause must come out as a
 * PkgmeError whose `code` a script can branch on, whose message names the problem (the member, the field, the
 * offset…) and whose `hint` says what to do about it. Anything else escaping a parser is a bug, and the fuzz tests
 * treat it as one.
 *
 * This module is a leaf: it imports nothing, so the format layer can use it without depending on the pipeline.
 */

/** Broad classes used for exit codes and for classifying failed submissions. */
export type ErrorKind =
  /** The input is malformed, hostile or unsupported: the user's problem, explained (exit code 1). */
  | 'input'
  /** The command was used wrongly (exit code 2). */
  | 'usage'
  /** A limit was hit (size, entries, ratio, time): the input may be fine, but not within the configured budget. */
  | 'limit'
  /** An external tool, server or mirror failed (exit code 3). */
  | 'environment'
  /** A bug in pkgme (exit code 4). */
  | 'internal';

export interface PkgmeErrorOptions {
  /** What the user can do about it. */
  hint?: string;
  /** Structured facts for --json output (member name, offset, limit, value…). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class PkgmeError extends Error {
  override readonly name: string = 'PkgmeError';
  readonly hint: string | undefined;
  readonly details: Record<string, unknown>;

  constructor(
    /** Stable machine-readable code, e.g. ELF_TRUNCATED, UPLOAD_PATH_TRAVERSAL. */
    readonly code: string,
    message: string,
    readonly kind: ErrorKind = 'input',
    options: PkgmeErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
    this.details = options.details ?? {};
  }

  /** The shape printed by `--json` commands. */
  toJSON(): {
    code: string;
    kind: ErrorKind;
    message: string;
    hint?: string;
    details: Record<string, unknown>;
  } {
    return {
      code: this.code,
      kind: this.kind,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      details: this.details,
    };
  }
}

/** Process exit code for an error, following the CLI contract (0 ok, 1 input, 2 usage, 3+ internal). */
export function exitCodeFor(err: unknown): number {
  if (!(err instanceof PkgmeError)) return 4;
  switch (err.kind) {
    case 'input':
    case 'limit':
      return 1;
    case 'usage':
      return 2;
    case 'environment':
      return 3;
    case 'internal':
      return 4;
  }
}

export function isPkgmeError(err: unknown): err is PkgmeError {
  return err instanceof PkgmeError;
}
