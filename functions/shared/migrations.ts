import { Client } from "pg";
import { migrate } from "postgres-migrations";

/** postgres-migrations runs a file that contains this marker outside a transaction. */
const noTransactionMarker = "-- postgres-migrations disable-transaction";

/**
 * The statements of a file run outside a transaction, one per `;` ending a line. PostgreSQL runs a
 * query string of several statements as one implicit transaction, in which CREATE INDEX
 * CONCURRENTLY is refused, so each is sent alone.
 */
export function statementsOf(text: string): string[] {
  return text
    .split(/;[ \t]*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement.split("\n").some((line) => line.trim() !== "" && !line.trim().startsWith("--")));
}

/** The migration client: a query of a no-transaction file is sent statement by statement. */
function statementByStatement(client: Client): Client {
  const query = client.query.bind(client) as (text: unknown) => Promise<unknown>;
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== "query") return Reflect.get(target, property, receiver) as unknown;
      return async (text: unknown) => {
        if (typeof text !== "string" || !text.includes(noTransactionMarker)) return query(text);
        let result: unknown;
        for (const statement of statementsOf(text)) result = await query(statement);
        return result;
      };
    },
  });
}

/**
 * Applies the SQL files of `directory` in order, each once, recorded in the `migrations` table.
 * postgres-migrations holds an advisory lock, refuses edited or renumbered files (their hashes are
 * recorded), and runs each file in a transaction unless it carries the no-transaction marker.
 */
export async function applyMigrations(connectionUrl: string, directory: string): Promise<string[]> {
  const client = new Client({ connectionString: connectionUrl });
  await client.connect();
  try {
    const applied = await migrate({ client: statementByStatement(client) }, directory, { logger: () => undefined });
    return applied.map((migration) => migration.fileName);
  } finally {
    await client.end();
  }
}
