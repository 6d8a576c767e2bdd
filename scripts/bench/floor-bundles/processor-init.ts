/** What the processor must do at cold start: construct its SNS client and open its database pool (not awaited, as lazyDatabasePool does). */
import { SNSClient } from "@aws-sdk/client-sns";
import { createDatabasePool } from "../../../functions/shared/database";

const sns = new SNSClient({});
const pool = createDatabasePool(process.env);
pool.catch(() => undefined);

export const handler = async () => ({ statusCode: 200, body: String(Boolean(sns) && Boolean(await pool)) });
