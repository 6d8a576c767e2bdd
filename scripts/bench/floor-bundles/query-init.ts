/** What query must do at cold start: open its database pool (not awaited, as lazyDatabasePool does). */
import { createDatabasePool } from "../../../functions/shared/database";

const pool = createDatabasePool(process.env);
pool.catch(() => undefined);

export const handler = async () => ({ statusCode: 200, body: String(Boolean(await pool)) });
