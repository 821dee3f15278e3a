// Redis spans carry the command name only (`GET`, `HSET`): keys and values are the app's data
// (session ids, cart contents, e-mail addresses) and never leave the process.
export function redisCommandOnly(command: string): string {
  return command.toUpperCase();
}
