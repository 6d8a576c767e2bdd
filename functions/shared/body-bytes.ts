/** The bytes a value adds to a Lambda proxy result when written into its body: its JSON, escaped as a string. */
export function bodyBytesOf(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(JSON.stringify(value))) - '""'.length;
}
