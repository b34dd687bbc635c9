/**
 * The one redaction every printed or logged message passes through (errors' oneLine, log lines,
 * reports of every entry point). Two nets, because a password can reach a message in any shape:
 *
 *   1. every password this process was given is remembered (rememberSecrets, called on each
 *      connection URL as it is read, whatever its shape, before it is checked) and removed
 *      wherever it appears, in each spelling it could be printed in: as typed, percent-decoded,
 *      percent-encoded, JSON-escaped;
 *   2. what looks like a password by its place is masked even when it was never remembered:
 *      `user:…@host` inside a token (to the LAST `@`, since a password may hold an unencoded
 *      `@`), `PWD=…` of a DB2 CLI string, `password=…` in a query string.
 *
 * Over-masking is accepted: a message missing a few characters is better than one carrying a secret.
 */

/** Shorter strings are too likely to be ordinary words; passwords that short are caught by shape only. */
const MIN_SECRET_LENGTH = 3;
const remembered = new Set<string>();

/**
 * Remembers every password that `text` (a connection URL, DB2 CLI string, or something malformed
 * like one) could hold.
 */
export function rememberSecrets(text: string): void {
  for (const candidate of passwordCandidates(text)) {
    for (const spelling of spellings(candidate)) {
      if (spelling.length >= MIN_SECRET_LENGTH) remembered.add(spelling);
    }
  }
}

/** For tests: forget what was remembered. */
export function forgetSecrets(): void {
  remembered.clear();
}

/** `text` with every remembered password, and anything shaped like a password, replaced by `***`. */
export function redact(text: string): string {
  let out = text;
  // Longest first, so a password that contains another is removed whole.
  for (const secret of [...remembered].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join('***');
  }
  return (
    out
      .replace(TOKEN, maskUserinfo)
      // A PWD already masked as a remembered password keeps the words after it (a driver message's SQLSTATE).
      .replace(/((?:^|[;"'\s])\s*PWD\s*=)(?!\*\*\*(?:\s|$))[^;]*/gi, '$1***')
      .replace(/([?&;]\s*(?:ssl)?pass(?:word)?\s*=)[^&;\s]*/gi, '$1***')
  );
}

/** A deep copy of a report or log record with `redact` applied to every string in it. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}

/** A URL in a message ends at a space or a quote; brackets and commas stay in, as a password may hold them. */
const TOKEN = /[^\s"'<>`]*@[^\s"'<>`]*/g;

/** In one token holding `@`: from the first `:` of the authority to the last `@` is the password. */
function maskUserinfo(token: string): string {
  const at = token.lastIndexOf('@');
  // The scheme may follow other text in the token, e.g. "(mysql://u@h/d)".
  const scheme = /[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(token.slice(0, at));
  const start = scheme ? scheme.index + scheme[0].length : 0;
  const colon = token.indexOf(':', start);
  if (colon < 0 || colon > at) return token;
  return `${token.slice(0, colon + 1)}***${token.slice(at)}`;
}

/**
 * Every string that could be the password in `text`, read as leniently as possible: the URL a
 * driver would see, and also what a human meant by `mysql//u:p@h`, `postgres:u:p@h`, a password
 * with an unencoded `@ / ? #`, a DB2 CLI string's PWD, a query's password parameter.
 */
function passwordCandidates(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|;)\s*PWD\s*=([^;]*)/gi)) found.push(m[1], m[1].trim());
  for (const m of text.matchAll(/[?&;]\s*(?:ssl)?pass(?:word)?\s*=([^&;]*)/gi)) found.push(m[1]);
  try {
    const url = new URL(text);
    if (url.password) found.push(url.password);
  } catch {
    // Malformed: the lenient reading below is all there is.
  }
  const at = text.lastIndexOf('@');
  if (at < 0 && /^\s*[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text)) {
    // `mysql://root:pw` (host forgotten): what follows the colon is a password unless it is a port.
    const rest = text.replace(/^\s*[A-Za-z][A-Za-z0-9+.-]*:\/*/, '');
    const afterColon = rest.slice(rest.indexOf(':') + 1);
    if (rest.includes(':') && !/^\d+(?:[/?#]|$)/.test(afterColon)) found.push(afterColon);
  }
  if (at > 0) {
    const withoutScheme = text.replace(/^\s*[A-Za-z][A-Za-z0-9+.-]*:\/*/, '');
    const userinfo = withoutScheme.slice(0, withoutScheme.lastIndexOf('@'));
    const colon = userinfo.indexOf(':');
    if (colon >= 0) found.push(userinfo.slice(colon + 1));
    // `mysql//u:p@h` keeps its scheme, so its first colon may follow `mysql//u`: read after the last slash too.
    const afterSlash = userinfo.slice(userinfo.lastIndexOf('/') + 1);
    if (afterSlash.includes(':')) found.push(afterSlash.slice(afterSlash.indexOf(':') + 1));
    // A query string or fragment after the host may itself hold an `@`: the password then ends at an earlier one.
    const authorityEnd = withoutScheme.search(/[/?#]/);
    const authority = authorityEnd < 0 ? withoutScheme : withoutScheme.slice(0, authorityEnd);
    const authorityAt = authority.lastIndexOf('@');
    const authorityColon = authority.indexOf(':');
    if (authorityColon >= 0 && authorityColon < authorityAt)
      found.push(authority.slice(authorityColon + 1, authorityAt));
  }
  return found.filter((s) => s !== '');
}

/** The ways a password can be written out: as given, percent-decoded, percent-encoded, JSON-escaped. */
function spellings(secret: string): string[] {
  const out = new Set([secret]);
  try {
    out.add(decodeURIComponent(secret));
  } catch {
    // A malformed escape: the text as given is the spelling a message would carry.
  }
  for (const s of [...out]) {
    out.add(encodeURIComponent(s));
    out.add(encodeURI(s));
    out.add(JSON.stringify(s).slice(1, -1));
  }
  return [...out];
}
