import { type Logger, pino } from 'pino';

export type { Logger };

export function createLogger(level: string = 'info'): Logger {
  return pino({
    level,
    redact: {
      paths: ['*.token', '*.secret', '*.webhookSecret', '*.signingSecret', 'token', 'secret'],
      remove: true,
    },
  });
}

export const silentLogger: Logger = pino({ level: 'silent' });
