export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An X-Correlation-ID Fluxa keeps: printable ASCII, at most 128 characters. */
export const correlationIdPattern = /^[\x21-\x7e]{1,128}$/;
