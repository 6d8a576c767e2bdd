import type { StoredEvent } from "./ports";

/** A stored event served or published without its metadata, flagged so the reader knows it was left out. */
export type EventWithoutMetadata = Omit<StoredEvent, "metadata"> & { readonly metadata: null; readonly metadata_omitted: true };

export function withoutMetadata(event: StoredEvent): EventWithoutMetadata {
  return { ...event, metadata: null, metadata_omitted: true };
}
