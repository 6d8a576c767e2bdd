import type * as t from "io-ts";
import { isLeft } from "fp-ts/Either";
import { PathReporter } from "io-ts/PathReporter";

/** An operator function's request (replay, erase, maintain), decoded; a malformed one is answered with why, never thrown. */
export function decodeInvocationRequest<A>(codec: t.Type<A, unknown>, what: string, input: unknown): { ok: true; request: A } | { ok: false; problem: string } {
  const decoded = codec.decode(input);
  if (isLeft(decoded)) return { ok: false, problem: `not ${what}: ${PathReporter.report(decoded).join("; ")}` };
  return { ok: true, request: decoded.right };
}
