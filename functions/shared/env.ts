/**
 * Environment reading for cold start: every function reads its settings once, at module scope,
 * and a missing or malformed variable fails with its name before the first event is handled.
 */
export type Environment = Readonly<Record<string, string | undefined>>;

export class EnvironmentError extends Error {
  constructor(variable: string, reason: string) {
    super(`environment variable ${variable} ${reason}`);
    this.name = "EnvironmentError";
  }
}

export function requireString(env: Environment, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new EnvironmentError(name, "is required but not set");
  return value;
}

export function optionalString(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function optionalInteger(
  env: Environment,
  name: string,
  fallback: number,
  bounds: { readonly min: number; readonly max: number },
): number {
  const raw = optionalString(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new EnvironmentError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < bounds.min || value > bounds.max) {
    throw new EnvironmentError(name, `must be between ${bounds.min} and ${bounds.max}, got ${value}`);
  }
  return value;
}

export function requireInteger(env: Environment, name: string, bounds: { readonly min: number; readonly max: number }): number {
  requireString(env, name);
  return optionalInteger(env, name, bounds.min, bounds);
}

export function optionalBoolean(env: Environment, name: string, fallback: boolean): boolean {
  const raw = optionalString(env, name);
  if (raw === undefined) return fallback;
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw new EnvironmentError(name, `must be "true" or "false", got "${raw}"`);
}
