/** `--help` fits a 100-column terminal: no line of the usage text wraps there. */
import { HELP } from '../../lib/config';

test('every line of --help is at most 100 characters', () => {
  const tooLong = HELP.split('\n').filter((line) => [...line].length > 100);
  expect(tooLong).toEqual([]);
});

test('--help continuation lines start under the description column', () => {
  const options = HELP.slice(HELP.indexOf('Options'), HELP.indexOf('Exit status')).trimEnd().split('\n').slice(1);
  for (const line of options.filter((l) => !/^ {2}-/.test(l))) expect(line).toMatch(/^ {22}\S/);
});
