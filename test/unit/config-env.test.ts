/** The environment variables that are not options, read in lib/config.ts with the options' own. */
import { platformFromEnv, resolveConfig, secretRequests } from '../../lib/config';
import { ConfigError } from '../../lib/errors';

test(
  "the platform's variables: OpenWhisk's activation id and deadline, AWS's region; " +
    'empty or malformed ones are absent',
  () => {
    expect(
      platformFromEnv({
        __OW_ACTIVATION_ID: 'a1b2',
        __OW_DEADLINE: '1700000060000',
        AWS_REGION: 'eu-west-1',
        AWS_DEFAULT_REGION: 'us-east-1',
      }),
    ).toEqual({ activationId: 'a1b2', activationDeadline: 1_700_000_060_000, awsRegion: 'eu-west-1' });
    expect(platformFromEnv({ AWS_DEFAULT_REGION: 'us-east-1' }).awsRegion).toBe('us-east-1');
    expect(platformFromEnv({ __OW_ACTIVATION_ID: '', __OW_DEADLINE: 'soon', AWS_REGION: '' })).toEqual({
      activationId: undefined,
      activationDeadline: undefined,
      awsRegion: undefined,
    });
    expect(platformFromEnv({ __OW_DEADLINE: '' }).activationDeadline).toBeUndefined();
  },
);

test('secrets asked for: each *_SECRET_ID that is set; a URL and a secret for one database refused together', () => {
  expect(secretRequests({ SYNC_SOURCE_URL: 'mysql://u@h/d' })).toEqual([]);
  expect(secretRequests({ SYNC_SOURCE_SECRET_ID: ' ', SYNC_WAREHOUSE_SECRET_ID: 'dw' })).toEqual([
    { idVariable: 'SYNC_WAREHOUSE_SECRET_ID', urlVariable: 'SYNC_WAREHOUSE_URL', secretId: 'dw' },
  ]);
  const both = () =>
    secretRequests({
      SYNC_SOURCE_SECRET_ID: 's',
      SYNC_SOURCE_URL: 'mysql://u@h/d',
      SYNC_WAREHOUSE_SECRET_ID: 'w',
      SYNC_WAREHOUSE_URL: 'postgres://u@h/d',
    });
  expect(both).toThrow(ConfigError);
  expect(both).toThrow(
    '2 configuration problems: both SYNC_SOURCE_URL and SYNC_SOURCE_SECRET_ID are set; ' +
      'keep one; both SYNC_WAREHOUSE_URL and SYNC_WAREHOUSE_SECRET_ID are set; keep one',
  );
});

test('SYNC_LOG=json asks for the structured log lines; nothing else does', () => {
  expect(resolveConfig({}, { SYNC_LOG: 'json' }).logJson).toBe(true);
  for (const value of [undefined, '', 'JSON', 'text', '1'])
    expect(resolveConfig({}, { SYNC_LOG: value }).logJson).toBe(false);
});
