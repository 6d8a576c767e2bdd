import { Client } from "pg";
import { migrate } from "postgres-migrations";

/**
 * Applies the SQL files of `directory` in order, each once, recorded in the `migrations` table.
 * postgres-migrations holds an advisory lock, refuses edited or renumbered files (their hashes are
 * recorded), and runs each file in a transaction.
 */
export async function applyMigrations(connectionUrl: string, directory: string): Promise<string[]> {
  const client = new Client({ connectionString: connectionUrl });
  await client.connect();
  try {
    const applied = await migrate({ client }, directory, { logger: () => undefined });
    return applied.map((migration) => migration.fileName);
  } finally {
    await client.end();
  }
}
