/**
 * The one redaction of secrets in URLs, for everything that is logged or written (logs, capture
 * headers and status lines, the journal's run config, error messages).
 *
 * A WebSocket or REST endpoint may carry credentials: `wss://user:pass@host/ws` (user info) or
 * `https://host/?key=…` (query parameters). Both are replaced by `***`: the user info as a whole,
 * every query parameter's value (its name is kept, so a reader sees which one was set). The scheme,
 * host, port and path stay, which is what a reader needs to know where the monitor connected.
 *
 * Works on any text: every URL inside it (`scheme://…` up to whitespace or a quote) is redacted,
 * the rest is left as it is. Pure and idempotent.
 */

/** What a redacted part is replaced with. */
export const REDACTED = "***";

// Trailing punctuation (`,`, `.`, `;`, `:`, `)`) ends a URL in prose.
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]*[^\s"'<>`.,;:)]/gi;
const USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i;
const QUERY_VALUE = /([?&][^=&#]*)=[^&#]*/g;

function redactUrl(url: string): string {
  const withoutUser = url.replace(USER_INFO, `$1${REDACTED}@`);
  const queryAt = withoutUser.indexOf("?");
  if (queryAt < 0) return withoutUser;
  return withoutUser.slice(0, queryAt) + withoutUser.slice(queryAt).replace(QUERY_VALUE, `$1=${REDACTED}`);
}

/**
 * `text` with the user info and query parameter values of every URL in it replaced by `***`.
 * `redactSecrets("wss://bob:hunter2@api.example/ws?key=abc&x=1")` →
 * `"wss://***@api.example/ws?key=***&x=***"`.
 */
export function redactSecrets(text: string): string {
  return text.replace(URL_IN_TEXT, redactUrl);
}
