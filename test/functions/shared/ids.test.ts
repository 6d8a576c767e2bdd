import { expect } from "chai";
import { uuidPattern } from "../../../functions/shared/id-formats";
import { uuidv5, uuidv7 } from "../../../functions/shared/ids";

describe("UUIDv7", () => {
  it("has version 7, the RFC variant, and the time in its first 48 bits", () => {
    const id = uuidv7(0x0123456789ab, Buffer.alloc(10, 0xff));
    expect(id).to.match(uuidPattern);
    expect(id.startsWith("01234567-89ab-7")).to.equal(true);
    expect(id[19]).to.equal("b");
  });

  it("sorts by creation time", () => {
    expect(uuidv7(1000) < uuidv7(1001)).to.equal(true);
  });
});

describe("UUIDv5", () => {
  it("matches RFC 9562's example (DNS namespace, www.example.com)", () => {
    expect(uuidv5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com")).to.equal("2ed6657d-e927-568b-95e1-2665a8aea6a2");
  });
});
