/**
 * Progress of a long run on stderr (stdout keeps the report): one line rewritten in place on a
 * terminal, a line per tenth of the work when piped to a log.
 */
export function progress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): { tick(): void; done(): void } {
  let count = 0;
  let lastTenth = 0;
  return {
    tick() {
      count++;
      if (stream.isTTY) {
        stream.write(`\r${label} ${count}/${total}`);
        return;
      }
      const tenth = Math.floor((count * 10) / total);
      if (tenth > lastTenth || count === total) {
        lastTenth = tenth;
        stream.write(`${label} ${count}/${total}\n`);
      }
    },
    done() {
      if (stream.isTTY && count > 0) stream.write("\n");
    },
  };
}
