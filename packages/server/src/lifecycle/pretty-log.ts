/** pino's numeric levels, as words of one width. */
const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};

/** Fields every line has, or that the pretty form shows in its own place. */
const SHOWN = new Set([
  'level',
  'time',
  'pid',
  'hostname',
  'msg',
  'reqId',
  'method',
  'url',
  'route',
  'status',
  'ms',
]);

/**
 * One JSON log line as one readable line, for a person at a terminal (GATEHOUSE_LOG_FORMAT=pretty):
 * `12:00:01 INFO  GET /api/me 200 3.1ms` for a request, `12:00:01 WARN  message key=value …` otherwise.
 * It formats what pino already redacted; a line that is not JSON passes through as it is.
 */
export function prettyLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time =
    typeof entry['time'] === 'number' ? new Date(entry['time']).toISOString().slice(11, 19) : '--:--:--';
  const level = LEVELS[entry['level'] as number] ?? String(entry['level']);
  const head =
    entry['msg'] === 'request'
      ? `${entry['method']} ${entry['url']} ${entry['status']} ${entry['ms']}ms`
      : String(entry['msg'] ?? '');
  const rest = Object.entries(entry)
    .filter(([key]) => !SHOWN.has(key) && !(entry['msg'] === 'request' && key === 'msg'))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return `${[time, level, head, ...rest].join(' ')}\n`;
}

/** Wraps a log stream so each line is written in the pretty form. */
export function prettyStream(stream: { write(line: string): void }): { write(line: string): void } {
  return { write: (line) => stream.write(prettyLogLine(line)) };
}
