const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * An RFC 3339 date-time with its offset, as epoch milliseconds, or undefined. JavaScript's
 * Date.parse rolls impossible dates over (2024-02-30 becomes March 1), so each field is checked.
 * PostgreSQL keeps microseconds; they are allowed here and passed on as written.
 */
export function parseInstant(text: string): number | undefined {
  const match = rfc3339.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const fields = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const valid =
    fields.getUTCFullYear() === year && fields.getUTCMonth() === month - 1 && fields.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  return valid ? Date.parse(text.toUpperCase().replace(" ", "T")) : undefined;
}

const durationUnits: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90s`, `10m`, `2h`, `7d` as seconds, or undefined. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,7})([smhd])$/.exec(text);
  return match ? Number(match[1]) * durationUnits[match[2]] : undefined;
}
