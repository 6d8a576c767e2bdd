import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { envNames } from "../topology";
import { EnvironmentError, optionalBoolean, optionalInteger, optionalString, requireString, type Environment } from "./env";

/**
 * Where the database is: `DATABASE_URL` (local stack, any existing server), or host, port, name
 * and the RDS-managed master secret (`DB_SECRET_ARN`), whose password RDS rotates.
 */
export type DatabaseLocation =
  | { readonly kind: "url"; readonly url: string }
  | {
      readonly kind: "secret";
      readonly host: string;
      readonly port: number;
      readonly database: string;
      readonly secretArn: string;
      readonly ssl: boolean;
    };

export function databaseLocationFromEnv(env: Environment): DatabaseLocation {
  const url = optionalString(env, envNames.databaseUrl);
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new EnvironmentError(envNames.databaseUrl, "must be a postgres:// URL");
    return { kind: "url", url };
  }
  if (!optionalString(env, envNames.databaseHost)) {
    throw new EnvironmentError(envNames.databaseUrl, `is required but not set (or set ${envNames.databaseHost} and ${envNames.databaseSecretArn})`);
  }
  return {
    kind: "secret",
    host: requireString(env, envNames.databaseHost),
    port: optionalInteger(env, envNames.databasePort, 5432, { min: 1, max: 65535 }),
    database: requireString(env, envNames.databaseName),
    secretArn: requireString(env, envNames.databaseSecretArn),
    ssl: optionalBoolean(env, envNames.databaseSsl, true),
  };
}

/** Resolves the location to a connection URL, reading the secret when there is one. */
export async function connectionUrl(location: DatabaseLocation): Promise<string> {
  if (location.kind === "url") return location.url;
  const secrets = new SecretsManagerClient({});
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: location.secretArn })).finally(() => secrets.destroy());
  const { username, password } = JSON.parse(secret.SecretString ?? "{}") as { username?: string; password?: string };
  if (!username || !password) throw new Error(`secret ${location.secretArn} has no username and password`);
  const user = `${encodeURIComponent(username)}:${encodeURIComponent(password)}`;
  // sslmode=require makes pg verify the server certificate against Node's trust store.
  const sslMode = location.ssl ? "require" : "disable";
  return `postgresql://${user}@${location.host}:${location.port}/${encodeURIComponent(location.database)}?sslmode=${sslMode}`;
}
