import * as t from "io-ts";
import { isLeft } from "fp-ts/Either";

/** One reason an input was rejected, with the JSON path of the field it concerns. */
export interface ValidationDetail {
  readonly path: string;
  readonly message: string;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

const maxMetadataDepth = 32;

/** A codec that accepts a value when `problem` finds nothing wrong with it. */
function checked<A>(name: string, problem: (u: unknown) => string | undefined): t.Type<A, A, unknown> {
  return new t.Type<A, A, unknown>(
    name,
    (u): u is A => problem(u) === undefined,
    (u, c) => {
      const found = u === undefined ? "is required" : problem(u);
      return found === undefined ? t.success(u as A) : t.failure(u, c, found);
    },
    t.identity,
  );
}

/**
 * PostgreSQL rejects NUL in text and jsonb, lone UTF-16 surrogates cannot be stored as UTF-8, and
 * SQS refuses two noncharacters: all are refused here so that nothing accepted can fail later in the processor.
 */
function unstorableText(s: string): string | undefined {
  if (s.includes("\u0000")) return "must not contain NUL characters";
  if (!s.isWellFormed()) return "must be well-formed Unicode";
  // SQS refuses a message body holding U+FFFE or U+FFFF (outside its allowed XML character set).
  if (/[\uFFFE\uFFFF]/.test(s)) return "must not contain U+FFFE or U+FFFF";
  return undefined;
}

function boundedString(min: number, max: number) {
  return checked<string>(`string(${min}..${max})`, (u) => {
    if (typeof u !== "string") return "must be a string";
    const length = [...u].length;
    if (length < min || length > max) return `must be ${min} to ${max} characters long`;
    return unstorableText(u);
  });
}

const finiteNumber = checked<number>("FiniteNumber", (u) =>
  typeof u === "number" && Number.isFinite(u) ? undefined : "must be a finite number",
);

const currencyCode = checked<string>("CurrencyCode", (u) =>
  typeof u === "string" && /^[A-Z]{3}$/.test(u) ? undefined : "must be an ISO 4217 code of 3 capital letters",
);

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** RFC 3339 date-time that names a real instant (no 31 February, no leap second, year 0001+). */
export function isRfc3339DateTime(value: string): boolean {
  const m = rfc3339.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const offsetHours = m[10] === undefined ? 0 : Number(m[10]);
  const offsetMinutes = m[11] === undefined ? 0 : Number(m[11]);
  if (year < 1 || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return false;
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const dateTime = checked<string>("DateTime", (u) =>
  typeof u === "string" && isRfc3339DateTime(u) ? undefined : "must be an RFC 3339 date-time, e.g. 2024-01-15T10:30:00Z",
);

function jsonProblem(value: unknown, depth: number): string | undefined {
  if (depth > maxMetadataDepth) return `must not nest deeper than ${maxMetadataDepth} levels`;
  if (typeof value === "string") return unstorableText(value);
  // JSON.parse reads 1e400 as Infinity, which JSON.stringify would silently store as null.
  if (typeof value === "number" && !Number.isFinite(value)) return "must not hold numbers beyond the range of a double";
  if (value === null || typeof value !== "object") return undefined;
  const entries = Array.isArray(value) ? value.map((v) => ["", v] as const) : Object.entries(value);
  for (const [key, child] of entries) {
    const problem = unstorableText(key) ?? jsonProblem(child, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

const metadataObject = checked<JsonObject>("JsonObject", (u) => {
  if (u === null || typeof u !== "object" || Array.isArray(u)) return "must be a JSON object";
  return jsonProblem(u, 1);
});

const eventFields = {
  user_id: boundedString(1, 128),
  amount: finiteNumber,
  currency: currencyCode,
  merchant: boundedString(1, 256),
  timestamp: dateTime,
};

/** Why a value is not a valid user_id (the same rule as an event's), or undefined when it is one. */
export function userIdProblem(value: unknown): string | undefined {
  const decoded = eventFields.user_id.decode(value);
  return isLeft(decoded) ? (decoded.left[0]?.message ?? "is invalid") : undefined;
}

export const EventInput = t.intersection([t.type(eventFields), t.partial({ metadata: metadataObject })]);
export type EventInput = t.TypeOf<typeof EventInput>;

const knownFields = new Set([...Object.keys(eventFields), "metadata"]);

function pathOf(context: t.Context): string {
  return context
    .map((entry) => entry.key)
    .filter((key) => key !== "" && !/^\d+$/.test(key))
    .join(".");
}

/** Decodes a parsed JSON body into an event, or every reason it is not one. */
export function decodeEventInput(body: unknown): { ok: true; event: EventInput } | { ok: false; details: ValidationDetail[] } {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return { ok: false, details: [{ path: "", message: "body must be a JSON object" }] };
  }
  const details: ValidationDetail[] = Object.keys(body)
    .filter((key) => !knownFields.has(key))
    .map((key) => ({ path: key, message: "is not a known field" }));
  const decoded = EventInput.decode(body);
  if (isLeft(decoded)) {
    for (const error of decoded.left) details.push({ path: pathOf(error.context), message: error.message ?? "is invalid" });
  }
  if (details.length > 0 || isLeft(decoded)) return { ok: false, details };
  return { ok: true, event: canonicalEvent(decoded.right) };
}

/** The event with its fields in one fixed order: the bytes that are hashed, queued and stored. */
export function canonicalEvent(event: EventInput): EventInput {
  const { user_id, amount, currency, merchant, timestamp, metadata } = event;
  return metadata === undefined
    ? { user_id, amount, currency, merchant, timestamp }
    : { user_id, amount, currency, merchant, timestamp, metadata };
}
