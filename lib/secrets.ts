/**
 * Connection URLs from AWS Secrets Manager. When SYNC_SOURCE_SECRET_ID / SYNC_WAREHOUSE_SECRET_ID
 * are set, each secret is read once per process (one Lambda container serves many invocations)
 * and its URL handed to the config as SYNC_SOURCE_URL / SYNC_WAREHOUSE_URL, so the rest of the
 * program never knows where a URL came from.
 *
 * A secret's JSON is either `{"url": "mysql://…"}` or the form RDS writes for managed credentials,
 * `{"engine", "host", "port", "username", "password", "dbname"}`. Every problem is a ConfigError
 * (exit 2, nothing written) whose message names the secret and the variable, and never any part
 * of the secret's value: not even JSON.parse's message, which quotes the text it choked on.
 *
 * The SDK is imported on first use, so a run configured with plain URLs never loads it.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { platformFromEnv, secretRequests } from './config';
import { ConfigError } from './errors';

/** RDS `engine` values → URL scheme and default port. */
const ENGINES: Record<string, { scheme: string; port: number }> = {
  mysql: { scheme: 'mysql', port: 3306 },
  mariadb: { scheme: 'mysql', port: 3306 },
  'aurora-mysql': { scheme: 'mysql', port: 3306 },
  postgres: { scheme: 'postgres', port: 5432 },
  postgresql: { scheme: 'postgres', port: 5432 },
  'aurora-postgresql': { scheme: 'postgres', port: 5432 },
  db2: { scheme: 'db2', port: 50000 },
};

/** Secret id → its URL, or the pending read. A failed read is forgotten so the next invocation retries. */
const cache = new Map<string, Promise<string>>();
let client: SecretsManagerClient | undefined;

/**
 * `env` with SYNC_SOURCE_URL / SYNC_WAREHOUSE_URL filled from Secrets Manager where the matching
 * *_SECRET_ID variable is set (an empty value counts as unset). `env` itself is not changed.
 */
export async function envWithSecrets(env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  const wanted = secretRequests(env);
  if (wanted.length === 0) return env;

  const region = platformFromEnv(env).awsRegion;
  const results = await Promise.allSettled(wanted.map((v) => secretUrl(v.secretId, v.idVariable, region)));
  const problems: string[] = [];
  const resolved: NodeJS.ProcessEnv = { ...env };
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') resolved[wanted[i].urlVariable] = result.value;
    else problems.push(...(result.reason instanceof ConfigError ? result.reason.problems : [String(result.reason)]));
  });
  if (problems.length) throw new ConfigError(problems);
  return resolved;
}

/** Drops cached secrets: after a failed run (the password may have been rotated) and in tests. */
export function forgetCachedSecrets(): void {
  cache.clear();
  client = undefined;
}

function secretUrl(secretId: string, idVariable: string, region: string | undefined): Promise<string> {
  let pending = cache.get(secretId);
  if (!pending) {
    pending = readSecret(secretId, idVariable, region);
    cache.set(secretId, pending);
    pending.catch(() => cache.delete(secretId));
  }
  return pending;
}

async function readSecret(secretId: string, idVariable: string, region: string | undefined): Promise<string> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  // Bounded waits: in a VPC without a route to Secrets Manager the call would otherwise hang
  // until the function's own timeout, with no message at all.
  client ??= new SecretsManagerClient({
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
  });
  const named = `secret "${secretId}" (${idVariable})`;
  let text: string | undefined;
  try {
    text = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    throw new ConfigError([describeReadError(error, named, region)]);
  }
  if (text === undefined)
    throw new ConfigError([`${named} has no text value (binary secrets are not supported); store it as JSON text`]);
  return urlFromSecretText(text, named);
}

function describeReadError(error: unknown, named: string, region: string | undefined): string {
  const name = error instanceof Error ? error.name : '';
  switch (name) {
    case 'ResourceNotFoundException':
      return `${named} not found in AWS Secrets Manager${regionHint(region)}; check the name or ARN and the region`;
    case 'AccessDeniedException':
      return (
        `not allowed to read ${named}: grant secretsmanager:GetSecretValue on it to this role ` +
        `(and kms:Decrypt if it uses a customer-managed key)`
      );
    case 'DecryptionFailure':
      return `${named} could not be decrypted: allow kms:Decrypt on its KMS key`;
    case 'TimeoutError':
      return (
        `could not reach AWS Secrets Manager to read ${named}${regionHint(region)}: timed out; ` +
        `from a VPC it needs an interface endpoint (secretsmanager) or a NAT gateway`
      );
    default: {
      // SDK messages describe the request, never the secret's value.
      const message = error instanceof Error ? error.message.replace(/\s*\n\s*/g, ' ') : String(error);
      return `could not read ${named}: ${name ? `${name}: ` : ''}${message}`;
    }
  }
}

function regionHint(region: string | undefined): string {
  return region ? ` (region ${region})` : '';
}

const SECRET_FORMS =
  'store {"url": "mysql://…"} or the RDS form {"engine", "host", "port", "username", ' + '"password", "dbname"}';

/** A secret's JSON text → connection URL. `named` describes the secret for messages. */
export function urlFromSecretText(text: string, named: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError([`${named} is not valid JSON; ${SECRET_FORMS}`]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError([`${named} is not a JSON object; ${SECRET_FORMS}`]);
  }
  const fields = value as Record<string, unknown>;
  if ('url' in fields) {
    if (typeof fields.url !== 'string' || fields.url.trim() === '')
      throw new ConfigError([`${named} has a "url" that is not a non-empty string`]);
    return fields.url.trim();
  }
  return urlFromRdsFields(fields, named);
}

function urlFromRdsFields(fields: Record<string, unknown>, named: string): string {
  const missing = ['engine', 'host', 'username', 'password', 'dbname'].filter((f) => !isText(fields[f]));
  if (missing.length) {
    throw new ConfigError([`${named} lacks ${missing.join(', ')}; ${SECRET_FORMS}`]);
  }
  const engineName = String(fields.engine).toLowerCase();
  const engine = ENGINES[engineName];
  if (!engine) {
    const shown = /^[a-z0-9-]{1,32}$/.test(engineName) ? `"${engineName}"` : 'an unrecognised value';
    throw new ConfigError([`${named} has engine ${shown}; use one of ${Object.keys(ENGINES).join(', ')}`]);
  }
  const port = fields.port === undefined || fields.port === '' ? engine.port : Number(fields.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new ConfigError([`${named} has a port that is not a number from 1 to 65535`]);
  const host = String(fields.host).trim();
  if (!/^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/.test(host))
    throw new ConfigError([`${named} has a host that is not a host name or IP address`]);
  const user = encodeURIComponent(String(fields.username));
  const password = encodeURIComponent(String(fields.password));
  return `${engine.scheme}://${user}:${password}@${host}:${port}/${encodeURIComponent(String(fields.dbname))}`;
}

function isText(value: unknown): boolean {
  return (typeof value === 'string' && value !== '') || typeof value === 'number';
}
