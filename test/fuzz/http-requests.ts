import fc from "fast-check";
import { readFileSync } from "node:fs";
import * as path from "node:path";

/**
 * Generators of HTTP requests for the fuzz of the API. A request is either valid by construction
 * (its answer must be 202 and the event stored exactly as sent) or hostile by construction (its
 * answer must be a 4xx with a JSON error body, and nothing of it may reach the queue or the table).
 */

export interface FuzzRequest {
  readonly label: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** UTF-8 text, or raw bytes when `bodyBase64` is set. */
  readonly body?: string;
  readonly bodyBase64?: string;
  readonly mustReject: boolean;
}

/** Every request here carries the test's API key unless it sets `x-api-key` itself (to "" for none). */
export const apiKeyPlaceholder = "<api-key>";

const json = { "Content-Type": "application/json", "x-api-key": apiKeyPlaceholder };

const sqlLooking = ["'; DROP TABLE events; --", "1 OR 1=1", "\" OR \"\"=\"", "$$; COPY events TO PROGRAM 'id'; $$", "%' --", "\\x00\\'"];
const nanLike = ["NaN", "Infinity", "-Infinity", "1e999", "0x1F", "", " 12 ", "1,50", "99.99", "-0", "null", "undefined"];
const pathTraversal = ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2f", "..\\..\\windows", "not-a-uuid", "1 OR 1=1", "01a21393-3846-7825-a33f-d85a9023584", "01a21393384678252a33fd85a90235848g", "%00", "{id}"];

/** Text Fluxa accepts: well-formed Unicode of `min..max` code points without NUL, U+FFFE or U+FFFF. */
function storableText(min: number, max: number): fc.Arbitrary<string> {
  const unicode = fc.string({ unit: "binary", minLength: min, maxLength: max });
  const ascii = fc.string({ minLength: min, maxLength: max });
  return fc
    .oneof(ascii, unicode, fc.constantFrom(...sqlLooking), fc.constantFrom("__proto__", "constructor", "<script>alert(1)</script>", "../../etc/passwd"))
    .filter((s) => !/[\u0000\uFFFE\uFFFF]/.test(s) && s.isWellFormed() && [...s].length >= min && [...s].length <= max);
}

const metadataValue: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 }).filter((v) => JSON.stringify(v) !== undefined && !JSON.stringify(v).includes("\\u0000"));
const metadataKey = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("__proto__", "constructor", "prototype", "toString", ...sqlLooking)).filter((k) => !k.includes("\u0000"));
const metadata = fc.dictionary(metadataKey, metadataValue, { maxKeys: 6 });

export const validEvent = fc.record(
  {
    user_id: storableText(1, 128),
    amount: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.constantFrom(0, -1e308, 1e308, 5e-324, 0.1)),
    currency: fc.stringMatching(/^[A-Z]{3}$/),
    merchant: storableText(1, 256),
    timestamp: fc
      .date({ min: new Date("0001-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true })
      .map((d) => d.toISOString()),
    metadata,
  },
  { requiredKeys: ["user_id", "amount", "currency", "merchant", "timestamp"] },
);

const validRequest: fc.Arbitrary<FuzzRequest> = validEvent.map((event) => ({
  label: "valid event",
  method: "POST",
  path: "/events",
  headers: json,
  body: JSON.stringify(event),
  mustReject: false,
}));

const hostile = (label: string, body: string, extra: Partial<FuzzRequest> = {}): FuzzRequest => ({
  label,
  method: "POST",
  path: "/events",
  headers: json,
  body,
  mustReject: true,
  ...extra,
});

const notAString = fc.oneof(fc.constant(null), fc.boolean(), fc.double(), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }));
const notANumber = fc.oneof(notAString.filter((v) => typeof v !== "number"), fc.constantFrom(...nanLike));

/** Each hostile request is built from a valid event, so that exactly one thing is wrong with it. */
const hostileRequests: fc.Arbitrary<FuzzRequest>[] = [
  validEvent.chain((event) => {
    const text = JSON.stringify(event);
    return fc.integer({ min: 0, max: text.length - 1 }).map((cut) => hostile("broken JSON (truncated)", text.slice(0, cut)));
  }),
  fc.tuple(validEvent, fc.constantFrom(",", "}", "'", "\\", "/*", "NaN", "undefined")).map(([e, junk]) => hostile("broken JSON (junk)", JSON.stringify(e).replace(":", `:${junk}`))),
  fc.tuple(validEvent, fc.constantFrom("user_id", "currency", "merchant", "timestamp"), notAString).map(([e, field, value]) =>
    hostile(`wrong type for ${field}`, JSON.stringify({ ...e, [field]: value })),
  ),
  fc.tuple(validEvent, notANumber).map(([e, amount]) => hostile("NaN-like amount", JSON.stringify({ ...e, amount }))),
  fc.tuple(validEvent, fc.constantFrom("1e400", "-1e400", "9".repeat(400), "-" + "9".repeat(400))).map(([e, number]) =>
    hostile("huge number", JSON.stringify({ ...e, amount: 0 }).replace('"amount":0', `"amount":${number}`)),
  ),
  fc.tuple(validEvent, fc.integer({ min: 33, max: 2_000 })).map(([e, depth]) =>
    hostile("deep nesting", JSON.stringify({ ...e, metadata: {} }).replace('"metadata":{}', `"metadata":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`)),
  ),
  fc.integer({ min: 1, max: 50_000 }).map((depth) => hostile("deep array body", `${"[".repeat(depth)}${"]".repeat(depth)}`)),
  fc.tuple(validEvent, fc.constantFrom("user_id", "merchant"), fc.integer({ min: 257, max: 20_000 })).map(([e, field, length]) =>
    hostile(`long ${field}`, JSON.stringify({ ...e, [field]: "x".repeat(length) })),
  ),
  fc.tuple(validEvent, fc.constantFrom("user_id", "merchant"), fc.constantFrom("\\u0000", "\\ud800", "\\udfff", "a\\ud83d", "\\ufffe", "\uffff")).map(([e, field, escape]) =>
    hostile(`unstorable text in ${field}`, JSON.stringify({ ...e, [field]: "@@" }).replace('"@@"', `"x${escape}"`)),
  ),
  fc.tuple(validEvent, fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([e, junk]) => {
    const [before, after] = JSON.stringify({ ...e, merchant: "@@" }).split("@@");
    const bytes = Buffer.concat([Buffer.from(before), Buffer.from([0xff, 0xfe]), Buffer.from(junk), Buffer.from(after)]);
    return { ...hostile("non-UTF-8 bytes", ""), body: undefined, bodyBase64: bytes.toString("base64") };
  }),
  fc.tuple(validEvent, fc.constantFrom("__proto__", "constructor", "prototype", "event_id", "id", "' OR 1=1 --")).map(([e, key]) =>
    hostile(`unknown top-level key ${key}`, JSON.stringify(e).replace("{", `{${JSON.stringify(key)}:{"polluted":true},`)),
  ),
  fc.tuple(validEvent, fc.constantFrom(...sqlLooking, "usd", "US", "USDX", "€€€")).map(([e, currency]) => hostile("bad currency", JSON.stringify({ ...e, currency }))),
  fc.tuple(validEvent, fc.constantFrom("2024-02-30T00:00:00Z", "2024-01-15", "1705314600", "2024-01-15T24:00:00Z", "0000-01-01T00:00:00Z", "2024-01-15T10:30:60Z", "now")).map(([e, timestamp]) =>
    hostile("bad timestamp", JSON.stringify({ ...e, timestamp })),
  ),
  fc.tuple(validEvent, fc.constantFrom("user_id", "amount", "currency", "merchant", "timestamp")).map(([e, field]) => {
    const { [field as keyof typeof e]: _dropped, ...rest } = e;
    return hostile(`missing ${field}`, JSON.stringify(rest));
  }),
  fc.constantFrom("[]", '"event"', "42", "null", "true", "{}", " ").map((body) => hostile("not an object", body)),
  fc.tuple(validEvent, fc.constantFrom("text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data", "application/json; charset=latin1", "application/jsonx", "")).map(([e, type]) =>
    hostile(`content type ${type || "(none)"}`, JSON.stringify(e), { headers: { "Content-Type": type, "x-api-key": apiKeyPlaceholder } }),
  ),
  fc.tuple(validEvent, fc.constantFrom("PUT", "DELETE", "PATCH", "OPTIONS")).map(([e, method]) => hostile(`method ${method}`, JSON.stringify(e), { method })),
  fc.constantFrom(...pathTraversal).map((id) => ({ label: `GET /events/${id}`, method: "GET", path: `/events/${id}`, headers: { "x-api-key": apiKeyPlaceholder }, mustReject: true })),
  fc.tuple(validEvent, fc.constantFrom("/events/", "/events/x", "/Events", "/events/../health", "//events", "/events%2F")).map(([e, route]) => hostile(`POST ${route}`, JSON.stringify(e), { path: route })),
  fc.tuple(validEvent, fc.constantFrom("", "wrong-key", "' OR 1=1 --")).map(([e, key]) => hostile(`API key "${key}"`, JSON.stringify(e), { headers: { ...json, "x-api-key": key } })),
  fc.tuple(validEvent, fc.constantFrom("has space", "x".repeat(256), "tab\tinside")).map(([e, key]) =>
    hostile("bad Idempotency-Key", JSON.stringify(e), { headers: { ...json, "Idempotency-Key": key } }),
  ),
  fc.tuple(validEvent, fc.integer({ min: 1, max: 64 * 1024 })).map(([e, extra]) => hostile("oversize body", JSON.stringify({ ...e, metadata: { blob: "x".repeat(oversizeFrom + extra) } }))),
];

/** The ingest function's MAX_BODY_BYTES in the fuzzed stack: small, so oversize bodies stay cheap to send. */
export const fuzzMaxBodyBytes = 64 * 1024;
const oversizeFrom = fuzzMaxBodyBytes;

/** One valid request for every two hostile ones; each hostile kind is equally likely. */
export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.oneof({ arbitrary: validRequest, weight: 1 }, { arbitrary: fc.oneof(...hostileRequests), weight: 2 });

/** The hand-written seed corpus (test/fuzz/corpus/http-requests.json), replayed first on every run. */
export function seedCorpus(): FuzzRequest[] {
  const file = path.join(__dirname, "corpus", "http-requests.json");
  const entries = JSON.parse(readFileSync(file, "utf8")) as Array<Omit<FuzzRequest, "mustReject"> & { mustReject?: boolean; repeatBody?: { text: string; times: number } }>;
  return entries.map(({ repeatBody, ...entry }) => ({
    mustReject: true,
    ...entry,
    body: repeatBody ? repeatBody.text.repeat(repeatBody.times) : entry.body,
  }));
}
