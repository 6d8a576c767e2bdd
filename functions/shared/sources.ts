import type { APIGatewayProxyEvent } from "aws-lambda";
import { EnvironmentError, type Environment } from "./env";

/**
 * Sources: the producers a stack serves, each with its own API keys, limits and events. The
 * functions learn which source an API key id belongs to from deploy-time configuration (one
 * environment variable), so resolving a caller costs no network call.
 */

/** The one source of a stack whose config declares none (and of every event stored before sources). */
export const defaultSourceName = "default";

export const sourceNamePattern = /^[a-z][a-z0-9-]{0,31}$/;
export const sourceNameRule = "must match ^[a-z][a-z0-9-]{0,31}$ (a lower-case letter, then up to 31 lower-case letters, digits or '-')";

/** API key id → source name. */
export type SourceDirectory = ReadonlyMap<string, string>;

/** The environment variable's text: a JSON object of API key id → source name. */
export function encodeSourceDirectory(entries: Iterable<readonly [keyId: string, source: string]>): string {
  return JSON.stringify(Object.fromEntries([...entries].sort(([a], [b]) => a.localeCompare(b))));
}

/** Reads the directory at cold start; a malformed one fails with the variable's name. */
export function sourceDirectoryFromEnv(env: Environment, name: string): SourceDirectory {
  const raw = env[name]?.trim();
  if (!raw) throw new EnvironmentError(name, "is required but not set");
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new EnvironmentError(name, "must be a JSON object of API key id to source name");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new EnvironmentError(name, "must be a JSON object of API key id to source name");
  const entries = Object.entries(parsed as Record<string, unknown>);
  const bad = entries.find(([, source]) => typeof source !== "string" || !sourceNamePattern.test(source));
  if (bad) throw new EnvironmentError(name, `names source ${JSON.stringify(bad[1])} for key ${bad[0]}: a source name ${sourceNameRule}`);
  if (entries.length === 0) throw new EnvironmentError(name, "names no API key");
  return new Map(entries as [string, string][]);
}

/** Every source the directory knows, sorted. */
export function knownSources(directory: SourceDirectory): string[] {
  return [...new Set(directory.values())].sort();
}

/**
 * The caller's source, from the id of the API key API Gateway admitted the request with; undefined
 * for a key the deployment does not know (answered as a missing key is).
 */
export function sourceOfRequest(request: Pick<APIGatewayProxyEvent, "requestContext">, directory: SourceDirectory): string | undefined {
  const keyId = request.requestContext?.identity?.apiKeyId;
  return keyId ? directory.get(keyId) : undefined;
}
