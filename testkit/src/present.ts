// vi.waitFor retries its callback until the callback stops throwing, and takes any value it
// returns, undefined included, as the answer. `present` turns "nothing yet" (undefined, null or
// false) into a throw that names what was awaited, so that a probe reads as one expression and
// a timeout says what never arrived:
//
//   const page = await vi.waitFor(() => present('the page in Slack', slack.callsOf('chat.postMessage')[0]), { timeout: 20_000 });
export function present<T>(what: string, value: T | undefined | null | false): T {
  if (value === undefined || value === null || value === false) throw new Error(`${what}: not seen yet`);
  return value;
}
