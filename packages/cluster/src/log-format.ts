const levelNames: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

interface LogLine {
  level?: number;
  time?: string;
  msg?: string;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  err?: { message?: string; stack?: string };
}

/** Turns a service's JSON log line into one short readable line for the terminal. */
export function formatLogLine(service: string, line: string): string {
  const label = service.padEnd(12);
  let entry: LogLine;
  try {
    entry = JSON.parse(line) as LogLine;
  } catch {
    return `${label} ${line}`;
  }
  const level = (levelNames[entry.level ?? 30] ?? 'info').padEnd(5);
  const time = entry.time?.slice(11, 19) ?? '';
  const request = entry.req ? ` ${entry.req.method} ${entry.req.url}` : '';
  const status = entry.res?.statusCode ? ` ${entry.res.statusCode}` : '';
  const duration = entry.responseTime === undefined ? '' : ` ${entry.responseTime.toFixed(1)}ms`;
  const error = entry.err ? `\n${entry.err.stack ?? entry.err.message}` : '';
  return `${label} ${time} ${level} ${entry.msg ?? ''}${request}${status}${duration}${error}`;
}
