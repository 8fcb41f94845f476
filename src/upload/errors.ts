/** The one constructor for extraction rejections, so every one carries the member and the limit or rule broken. */
import { PkgmeError, type ErrorKind } from '../errors.ts';

export function uploadError(
  code: string,
  message: string,
  hint: string,
  details: Record<string, unknown>,
  kind: ErrorKind = 'input',
): PkgmeError {
  return new PkgmeError(code, message, kind, { hint, details });
}

/** A limit was exceeded: `what` names the limit as the CLI option does, `member` the member being read. */
export function limitError(
  code: string,
  member: string,
  limit: string,
  max: number,
  value: number,
  message: string,
): PkgmeError {
  return uploadError(
    code,
    `${message} (member "${member}", limit ${limit} = ${max})`,
    `raise ${limit} if the upload is legitimate, or make it smaller`,
    { member, limit, max, value },
    'limit',
  );
}
