/**
 * The redaction's two nets one at a time (lib/redact.ts): passwords remembered from each shape of
 * connection text, found again in messages that do not look like URLs (so the shape net cannot
 * catch them), in each spelling; and the shape net on its own, with nothing remembered.
 */
import { forgetSecrets, redact, redactDeep, rememberSecrets } from '../../lib/redact';

beforeEach(() => forgetSecrets());

/** What a message holding `secret` alone among words becomes once `given` was remembered. */
function afterRemembering(given: string, message: string): string {
  rememberSecrets(given);
  return redact(message);
}

describe('remembered from', () => {
  test.each([
    [
      "a DB2 CLI string's PWD, as given and trimmed",
      'DATABASE=D;UID=u;PWD= Spaced pw9 ;',
      'said [Spaced pw9] and [ Spaced pw9 ]',
      'said [***] and [***]',
    ],
    ['a PWD at the start', 'PWD=Start99;UID=u', 'said Start99.', 'said ***.'],
    ["a query's password", 'postgres://h/d?user=u&password=Query99&x=1', 'said Query99.', 'said ***.'],
    ["a query's sslpassword", 'postgres://h/d?sslpassword=Key99', 'said Key99.', 'said ***.'],
    ["a query's pass after ;", 'postgres://h/d;pass=Semi99', 'said Semi99.', 'said ***.'],
    ['a URL, percent-decoded', 'postgres://u:p%40ssword9@h/d', 'said p@ssword9.', 'said ***.'],
    ['a URL without host', 'mysql://root:Hunter22', 'said Hunter22.', 'said ***.'],
    ['a URL without host, but a port', 'mysql://root:3306/db', 'said 3306/db and 3306.', 'said 3306/db and 3306.'],
    ['a URL without host, but a port alone', 'mysql://root:3306', 'said 3306.', 'said 3306.'],
    ['text without scheme or @', 'root:NoScheme99', 'said NoScheme99.', 'said NoScheme99.'],
    ['a scheme without //', 'postgres:root:Colon99@host/db', 'said Colon99.', 'said ***.'],
    ['a colon before the last slash', 'db/a:/root:Hidden99@h', 'said Hidden99.', 'said ***.'],
    ['a query holding @ after the host', 'postgres://u:Auth99@h/d?x=a@b', 'said Auth99.', 'said ***.'],
    ['a fragment holding @ after the host', 'postgres://u:Frag99@h#x@y', 'said Frag99.', 'said ***.'],
    ['an unencoded @ in the password', 'postgres://root:Xy@Secret9@db:5432/w', 'said Xy@Secret9.', 'said ***.'],
    ['a PWD after a space', 'DATABASE=D; PWD=Lead99', 'said Lead99.', 'said ***.'],
    ["a query's password after a space", 'postgres://h/d?user=u& password=Amp99', 'said Amp99.', 'said ***.'],
    [
      'a URL that does not parse, with @ after the host',
      'postgres://u:Auth98@h:bad/d?x=a@b',
      'said Auth98.',
      'said ***.',
    ],
  ])('%s', (_what, given, message, redacted) => {
    expect(afterRemembering(given, message)).toBe(redacted);
  });

  test('a user without password, or a password shorter than 3 characters, remembers nothing', () => {
    rememberSecrets('postgres://user@h/d');
    rememberSecrets('postgres://u:ab@h/d');
    rememberSecrets('postgres://u:@h/d');
    expect(redact('said user, ab, u and h.')).toBe('said user, ab, u and h.');
  });

  test('a URL without host or colon remembers nothing', () => {
    expect(afterRemembering('mysql://dbhost/sales', 'said dbhost/sales.')).toBe('said dbhost/sales.');
  });

  test('a password of 3 characters is remembered', () => {
    expect(afterRemembering('postgres://u:abc@h/d', 'said abc.')).toBe('said ***.');
  });
});

test('every spelling of a remembered password: as given, decoded, encoded, JSON-escaped', () => {
  rememberSecrets('PWD=q"w\\e r/9;');
  const secret = 'q"w\\e r/9';
  for (const spelling of [secret, encodeURIComponent(secret), encodeURI(secret), JSON.stringify(secret).slice(1, -1)]) {
    expect(redact(`said <${spelling}>.`)).toBe('said <***>.');
  }
  forgetSecrets();
  rememberSecrets('postgres://u:Pa%2Fss%20word9@h/d');
  expect(redact('said <Pa/ss word9>.')).toBe('said <***>.');
});

test('a malformed percent-escape is remembered as given', () => {
  expect(afterRemembering('PWD=Secret%zz9', 'said Secret%zz9.')).toBe('said ***.');
});

test('the longest remembered password is removed first, whole', () => {
  rememberSecrets('PWD=abc');
  rememberSecrets('PWD=abcdef');
  expect(redact('said abcdef and abc.')).toBe('said *** and ***.');
});

test('forgetSecrets forgets', () => {
  rememberSecrets('PWD=Forget99');
  forgetSecrets();
  expect(redact('said Forget99.')).toBe('said Forget99.');
});

describe('by shape, nothing remembered', () => {
  test.each([
    ['user:password@host', 'at u:pw@h now', 'at u:***@h now'],
    ['to the last @ of the token', 'at u:a@b@h now', 'at u:***@h now'],
    ['a scheme after other text in the token', '(mysql://u:pw@h/d)', '(mysql://u:***@h/d)'],
    ['the colon after the @ is a port, not a password', 'at user@host:5432 now', 'at user@host:5432 now'],
    ['no colon at all', 'at user@host now', 'at user@host now'],
    ['an empty user', 'at :pw@h now', 'at :***@h now'],
    ['a scheme after the @ is not where the token starts', 'at u:pw@h/?r=http://x now', 'at u:***@h/?r=http://x now'],
    ['PWD at the very start', 'PWD=abc;X=1', 'PWD=***;X=1'],
    ['a port before the @ of a path', 'at http://h:80/a@b now', 'at http://h:***@b now'],
    ['a token ends at a quote', "user 'root'@'10.0.0.1' at 12:30", "user 'root'@'10.0.0.1' at 12:30"],
    ['PWD in a CLI string', 'DATABASE=D;UID=u;PWD=abc;X=1', 'DATABASE=D;UID=u;PWD=***;X=1'],
    ['PWD at the start, spaced', ' PWD = abc ;X=1', ' PWD =***;X=1'],
    ['PWD after a quote', 'string "PWD=abc;"', 'string "PWD=***;"'],
    ['PWD already masked keeps what follows', 'PWD=*** SQLSTATE=08001', 'PWD=*** SQLSTATE=08001'],
    ['PWD not masked when part of a word', 'XPWD=abc', 'XPWD=abc'],
    ['password in a query', 'h/d?user=u&password=s3&ssl=1', 'h/d?user=u&password=***&ssl=1'],
    ['sslpassword and pass', 'h/d?sslpassword=k1;pass=k2 end', 'h/d?sslpassword=***;pass=*** end'],
  ])('%s', (_what, message, redacted) => {
    expect(redact(message)).toBe(redacted);
  });
});

test('redactDeep: every string in plain objects and arrays, other values as they are', () => {
  rememberSecrets('PWD=Deep99');
  const when = new Date(0);
  const record = { error: 'said Deep99', n: 3, none: null, list: ['Deep99', 1, { at: 'u:pw@h' }], when };
  const out = redactDeep(record);
  expect(out).toEqual({ error: 'said ***', n: 3, none: null, list: ['***', 1, { at: 'u:***@h' }], when });
  expect(out.when).toBe(when);
  expect(record.error).toBe('said Deep99');
  expect(redactDeep('Deep99')).toBe('***');
});
