/**
 * Progress of a long run on stderr (stdout keeps the report): one line rewritten in place on a
 * terminal, a line per tenth of the work when piped to a log. Each line shows the rate so far and
 * the time left at that rate.
 */
export function progress(
  label: string,
  total: number,
  stream: Pick<NodeJS.WriteStream, "write" | "isTTY"> = process.stderr,
  now: () => number = Date.now,
): { tick(): void; advance(count: number): void; done(): void } {
  const started = now();
  let count = 0;
  let lastTenth = 0;
  const line = () => {
    const seconds = (now() - started) / 1000;
    const rate = seconds > 0 ? count / seconds : 0;
    const left = Math.max(0, total - count);
    const eta = rate > 0 ? formatDuration(left / rate) : "?";
    return `${label} ${count}/${total}  ${rate.toFixed(1)}/s  ETA ${eta}`;
  };
  const advance = (by: number) => {
    count += by;
    if (stream.isTTY) {
      stream.write(`\r${line()}\x1b[K`);
      return;
    }
    const tenth = total > 0 ? Math.floor((count * 10) / total) : 10;
    if (tenth > lastTenth || count >= total) {
      lastTenth = tenth;
      stream.write(`${line()}\n`);
    }
  };
  return {
    tick: () => advance(1),
    advance,
    done() {
      if (stream.isTTY && count > 0) stream.write("\n");
    },
  };
}

/** `42s`, `3m05s`, `2h07m`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
