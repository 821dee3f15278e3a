// What SHOPSCOPE_PROFILE changes. Everything here can be overridden by its own variable.

export const profileNames = ['local', 'dev', 'stage', 'prod'] as const;
export type ProfileName = (typeof profileNames)[number];

export interface Profile {
  /** Share of root traces exported (the rest are still recorded for metrics, not exported). */
  sampleRatio: number;
  logLevel: LogLevel;
  prettyLogs: boolean;
}

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export const profiles: Readonly<Record<ProfileName, Readonly<Profile>>> = Object.freeze({
  local: Object.freeze({ sampleRatio: 1, logLevel: 'debug', prettyLogs: true }),
  dev: Object.freeze({ sampleRatio: 1, logLevel: 'debug', prettyLogs: false }),
  stage: Object.freeze({ sampleRatio: 0.5, logLevel: 'info', prettyLogs: false }),
  prod: Object.freeze({ sampleRatio: 0.1, logLevel: 'info', prettyLogs: false }),
});
