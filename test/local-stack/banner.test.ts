import assert from "node:assert/strict";
import { banner } from "../../scripts/local-stack/banner";
import type { LocalStack } from "../../scripts/local-stack/local-stack";
import { topologySizing } from "../../scripts/local-stack/sizing";

const stack = {
  apiUrl: "http://127.0.0.1:3000",
  dataDir: "/tmp/fluxa banner",
  sources: [
    { name: "web", keys: ["key-web-1", "key-web-2"] },
    { name: "mobile", keys: ["key-mob-1"] },
  ],
  databaseUrl: "postgres://127.0.0.1:5432/fluxa",
  awsEndpointUrl: "http://127.0.0.1:4566",
  region: "us-east-1",
  queueUrl: "http://127.0.0.1:4566/000000000000/fluxa-events",
  dlqUrl: "http://127.0.0.1:4566/000000000000/fluxa-events-dlq",
  topicArn: "arn:aws:sns:us-east-1:000000000000:fluxa-events",
  lambdaEndpointUrl: "http://127.0.0.1:4567",
  sizing: topologySizing(),
} as unknown as LocalStack;

describe("local stack: banner", () => {
  it("lists each source with its keys, the SNS topic, and a curl with the first source's key", () => {
    const lines = banner(stack).split("\n");
    assert.ok(lines.includes("  sources    web: key-web-1, key-web-2"), lines.join("\n"));
    assert.ok(lines.includes("             mobile: key-mob-1"), lines.join("\n"));
    assert.ok(lines.some((line) => line.startsWith("  SNS topic  arn:aws:sns:us-east-1:000000000000:fluxa-events")));
    assert.ok(lines.some((line) => line.includes("curl -i -X POST http://127.0.0.1:3000/events -H \"x-api-key: key-web-1\"")));
    assert.ok(lines.includes("  FLUXA_DATA_DIR='/tmp/fluxa banner' npm run dlq -- list"), lines.join("\n"));
    assert.ok(lines.includes("  FLUXA_DATA_DIR='/tmp/fluxa banner' npm run erase -- --user-id user123 --dry-run"), lines.join("\n"));
  });
});
