/** `ddl`, --create-table and --add-columns arrive the same way from flags, environment and function input. */
import { optionsFromArgv, optionsFromJson, resolveConfig } from '../../lib/config';
import { ConfigError } from '../../lib/errors';

test('off unless asked for', () => {
  expect(resolveConfig({})).toMatchObject({ createTable: false, addColumns: false });
});

test('flags, SYNC_CREATE_TABLE / SYNC_ADD_COLUMNS, and the function options createTable / addColumns', () => {
  expect(resolveConfig(optionsFromArgv(['run', '--create-table', '--add-columns']).options)).toMatchObject({
    createTable: true,
    addColumns: true,
  });
  expect(resolveConfig({}, { SYNC_CREATE_TABLE: 'true', SYNC_ADD_COLUMNS: '1' })).toMatchObject({
    createTable: true,
    addColumns: true,
  });
  expect(resolveConfig(optionsFromJson({ createTable: true, addColumns: 'yes' }))).toMatchObject({
    createTable: true,
    addColumns: true,
  });
  expect(() => resolveConfig({}, { SYNC_CREATE_TABLE: 'maybe' })).toThrow(
    new ConfigError(['--create-table must be true or false, got "maybe"']),
  );
});

test('ddl is a command', () => {
  expect(resolveConfig(optionsFromArgv(['ddl', '--warehouse', 'db2://u:p@h:50001/BLUDB']).options).command).toBe('ddl');
  expect(() => resolveConfig({ command: 'create' })).toThrow(
    new ConfigError(['unknown command "create" (use run, status, verify or ddl)']),
  );
});
