import type { APIGatewayProxyEvent } from "aws-lambda";
import { headerValue } from "../shared/http";

export type BodyProblem =
  | { status: 415; error: "unsupported_media_type"; message: string }
  | { status: 413; error: "payload_too_large"; message: string }
  | { status: 400; error: "invalid_json"; message: string };

const utf8 = new TextDecoder("utf-8", { fatal: true });

function isJsonMediaType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [mediaType, ...parameters] = contentType.split(";").map((part) => part.trim().toLowerCase());
  const charset = parameters.find((p) => p.startsWith("charset="))?.slice("charset=".length).replace(/"/g, "");
  return mediaType === "application/json" && (charset === undefined || charset === "utf-8" || charset === "utf8");
}

/** Reads a JSON request body: content type, size limit, UTF-8 and JSON syntax, in that order. */
export function readJsonBody(
  event: Pick<APIGatewayProxyEvent, "headers" | "body" | "isBase64Encoded">,
  maxBodyBytes: number,
): { ok: true; value: unknown; bytes: number } | { ok: false; problem: BodyProblem } {
  if (!isJsonMediaType(headerValue(event, "content-type"))) {
    return {
      ok: false,
      problem: { status: 415, error: "unsupported_media_type", message: "Content-Type must be application/json (UTF-8)" },
    };
  }
  const raw = event.body ?? "";
  const bytes = event.isBase64Encoded ? Buffer.from(raw, "base64") : Buffer.from(raw, "utf8");
  if (bytes.length > maxBodyBytes) {
    return {
      ok: false,
      problem: { status: 413, error: "payload_too_large", message: `body is ${bytes.length} bytes; the limit is ${maxBodyBytes}` },
    };
  }
  let text: string;
  try {
    text = event.isBase64Encoded ? utf8.decode(bytes) : raw;
  } catch {
    return { ok: false, problem: { status: 400, error: "invalid_json", message: "body is not valid UTF-8" } };
  }
  try {
    return { ok: true, value: JSON.parse(text), bytes: bytes.length };
  } catch (error) {
    return { ok: false, problem: { status: 400, error: "invalid_json", message: `body is not valid JSON: ${(error as Error).message}` } };
  }
}
