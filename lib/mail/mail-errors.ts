// What a mail server said when it refused, in its own words: "[AUTHENTICATIONFAILED] Authentication
// failed." tells a person more than "Command failed". Never includes the password (neither library
// puts it in an error), and everything still passes the redactor on its way to the timeline.
export function serverMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const details = error as Error & { responseText?: string; response?: string; code?: string };
  const said = details.responseText ?? details.response;
  if (said) return said.trim();
  if (details.code === "ECONNREFUSED") return `${error.message} (nothing listens there)`;
  return error.message;
}
