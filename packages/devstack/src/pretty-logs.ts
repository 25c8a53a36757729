import PinoPretty from "pino-pretty";

/** Prints the services' JSON log lines for a person: time, level, service, message. */
export function prettyLogSink(minLevel = 30): (service: string, line: string) => void {
  const pretty = PinoPretty({
    colorize: process.stdout.isTTY,
    ignore: "pid,hostname,service",
    translateTime: "SYS:HH:MM:ss",
    messageFormat: "[{service}] {msg}",
    destination: 1,
  });
  return (service, line) => {
    try {
      const record = JSON.parse(line) as { level?: number };
      if ((record.level ?? 30) < minLevel) return;
      pretty.write(`${line}\n`);
    } catch {
      if (line.trim()) process.stdout.write(`[${service}] ${line}\n`);
    }
  };
}
