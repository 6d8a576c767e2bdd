import { expect } from "chai";
import { readJsonBody } from "../../../functions/ingest/request-body";
import { apiRequest } from "../../../scripts/lib/factories";

describe("reading a JSON request body", () => {
  it("requires application/json, with or without a UTF-8 charset", () => {
    expect(readJsonBody(apiRequest({ headers: { "content-type": "application/json; charset=UTF-8" } }), 1000).ok).to.equal(true);
    for (const contentType of ["text/plain", "application/jsonx", "application/json; charset=latin1"]) {
      const result = readJsonBody(apiRequest({ headers: { "Content-Type": contentType } }), 1000);
      expect(result.ok ? 200 : result.problem.status, contentType).to.equal(415);
    }
    const missing = readJsonBody(apiRequest({ headers: {} }), 1000);
    expect(missing.ok ? 200 : missing.problem.status).to.equal(415);
  });

  it("refuses bodies over the limit with 413 before parsing them", () => {
    const result = readJsonBody(apiRequest({ body: `"${"x".repeat(2000)}"` }), 1000);
    expect(result.ok ? 200 : result.problem.status).to.equal(413);
  });

  it("answers invalid JSON and invalid UTF-8 with invalid_json", () => {
    const broken = readJsonBody(apiRequest({ body: '{"user_id": ' }), 1000);
    expect(broken.ok ? "" : broken.problem.error).to.equal("invalid_json");
    const latin1 = readJsonBody(apiRequest({ body: Buffer.from([0x7b, 0xff, 0x7d]).toString("base64"), isBase64Encoded: true }), 1000);
    expect(latin1.ok ? "" : latin1.problem.message).to.match(/UTF-8/);
  });

  it("decodes base64 bodies", () => {
    const result = readJsonBody(apiRequest({ body: Buffer.from('{"a":1}').toString("base64"), isBase64Encoded: true }), 1000);
    expect(result.ok && result.value).to.deep.equal({ a: 1 });
  });
});
