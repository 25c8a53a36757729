const SIGNALS = ["SIGTERM", "SIGINT"] as const;

/**
 * Holds SIGTERM/SIGINT while the worker starts, before its shutdown registry exists (Node would
 * otherwise die at once and leave the first heartbeat behind). The returned function stops holding
 * and raises what arrived again, for the handlers installed by then.
 */
export function holdSignals(): () => void {
  const received = new Set<NodeJS.Signals>();
  const hold = (signal: NodeJS.Signals) => received.add(signal);
  for (const signal of SIGNALS) process.on(signal, hold);
  return () => {
    for (const signal of SIGNALS) process.off(signal, hold);
    for (const signal of received) process.kill(process.pid, signal);
  };
}
