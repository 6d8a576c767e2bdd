import { postgresErasureStoreOnFirstUse } from "../adapters/postgres-on-first-use";
import { openS3PayloadEraser } from "../adapters/s3-payload-eraser";
import { lazyDatabasePool } from "../shared/database";
import { requireString } from "../shared/env";
import { createLogger } from "../shared/logger";
import { knownSources, sourceDirectoryFromEnv } from "../shared/sources";
import { envNames } from "../topology";
import { createEraseHandler } from "./invocation";

const env = process.env;
const log = createLogger("erase", env);
const pool = lazyDatabasePool(env);

export const handler = createEraseHandler({
  ports: {
    erasures: postgresErasureStoreOnFirstUse(pool),
    payloads: openS3PayloadEraser(env, requireString(env, envNames.payloadBucket)),
    clock: { now: () => new Date() },
    newErasureId: () => crypto.randomUUID(),
    log,
  },
  settings: { sources: knownSources(sourceDirectoryFromEnv(env, envNames.sourceKeys)) },
  log,
});
