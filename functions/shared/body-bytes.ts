/** The bytes a value adds to a Lambda proxy result when written into its body: its JSON, escaped as a string. */
export function bodyBytesOf(value: unknown): number {
  return escapedJsonBytes(JSON.stringify(value));
}

/** `bodyBytesOf` for a value already written as JSON: the bytes of that text escaped as a string. */
export function escapedJsonBytes(json: string): number {
  return Buffer.byteLength(JSON.stringify(json)) - '""'.length;
}
