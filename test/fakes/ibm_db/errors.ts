/**
 * Errors shaped like ibm_db's (src/odbc.cpp GetSQLError): a real Error whose message is the CLI
 * diagnostic `[IBM][CLI Driver][DB2/LINUXX8664] SQLnnnnN  …  SQLSTATE=xxxxx`, with `sqlstate`,
 * `sqlcode` (negative for errors) and `error: '[node-ibm_db] SQL_ERROR'`.
 */
export class Db2SqlError extends Error {
  readonly error = '[node-ibm_db] SQL_ERROR';
  constructor(
    message: string,
    readonly sqlstate: string,
    readonly sqlcode: number,
  ) {
    super(message);
  }
}

const PREFIX = '[IBM][CLI Driver][DB2/LINUXX8664] ';

export function sqlError(sqlstate: string, sqlcode: number, text: string): Db2SqlError {
  return new Db2SqlError(`${PREFIX}${text}  SQLSTATE=${sqlstate}\n`, sqlstate, sqlcode);
}

/** Client-side (CLI) errors carry no server prefix. */
export function cliError(sqlstate: string, sqlcode: number, text: string): Db2SqlError {
  return new Db2SqlError(`[IBM][CLI Driver] ${text} SQLSTATE=${sqlstate}\n`, sqlstate, sqlcode);
}

export const syntaxError = (token: string, after: string) =>
  sqlError(
    '42601',
    -104,
    `SQL0104N  An unexpected token "${token}" was found following "${after}".  Expected ` +
      `tokens may include:  "<end-of-statement>".`,
  );

export const undefinedName = (name: string) => sqlError('42704', -204, `SQL0204N  "${name}" is an undefined name.`);

export const undefinedColumn = (name: string) =>
  sqlError('42703', -206, `SQL0206N  "${name}" is not valid in the context where it is used.`);

export const unknownFunction = (name: string) =>
  sqlError(
    '42884',
    -440,
    `SQL0440N  No authorized routine named "${name}" of type "FUNCTION" having compatible ` + `arguments was found.`,
  );

export const notNullViolation = (tableId: number, colno: number) =>
  sqlError(
    '23502',
    -407,
    `SQL0407N  Assignment of a NULL value to a NOT NULL column "TBSPACEID=2, ` +
      `TABLEID=${tableId}, COLNO=${colno}" is not allowed.`,
  );

export const duplicateKey = (indexId: number, table: string) =>
  sqlError(
    '23505',
    -803,
    `SQL0803N  One or more values in the INSERT statement, UPDATE statement, or foreign ` +
      `key update caused by a DELETE statement are not valid because the primary key, unique ` +
      `constraint or unique index identified by "${indexId}" constrains table "${table}" ` +
      `from having duplicate values for the index key.`,
  );

/** SQL0911N: the whole transaction was rolled back (reason 68 = lock timeout, 2 = deadlock). */
export const rolledBack = (reason: 2 | 68) =>
  sqlError(
    '40001',
    -911,
    `SQL0911N  The current transaction has been rolled back because of a deadlock or ` +
      `timeout.  Reason code "${reason}".`,
  );

/** SQL0913N: only the statement failed (lock timeout or deadlock). */
export const statementTimedOut = (reason: 2 | 68) =>
  sqlError('57033', -913, `SQL0913N  Unsuccessful execution caused by deadlock or timeout.  Reason code "${reason}".`);

export const logFull = () => sqlError('57011', -964, 'SQL0964C  The transaction log for the database is full.');

export const communicationError = (host: string, fn: 'connect' | 'recv') =>
  sqlError(
    '08001',
    -30081,
    `SQL30081N  A communication error has been detected. Communication protocol being ` +
      `used: "TCP/IP".  Communication API being used: "SOCKETS".  Location where the error ` +
      `was detected: "${host}".  Communication function detecting the error: "${fn}".  ` +
      `Protocol specific error code(s): "${fn === 'connect' ? '111' : '104'}", "*", "*".`,
  );

/**
 * SQL30108N (08506): automatic client reroute re-established a failed connection; the transaction
 * was rolled back and the application repeats it (IBM Db2 11.5, "Automatic client reroute" for CLI).
 */
export const clientReroute = (host: string, port: number) =>
  sqlError(
    '08506',
    -30108,
    `SQL30108N  A connection failed in an automatic client reroute environment. The ` +
      `transaction was rolled back. Host name or IP address: "${host}". Service name or port ` +
      `number: "${port}". Reason code: "1". Connection failure code: "2". Underlying error: "*".`,
  );

/** SQL1224N: the agent serving the connection was terminated (FORCE APPLICATION, a failover without client reroute). */
export const agentTerminated = () =>
  sqlError(
    '55032',
    -1224,
    'SQL1224N  The database manager is not able to accept new requests, has terminated all ' +
      'requests in progress, or has terminated the specified request because of an error or ' +
      'a forced interrupt.',
  );

/** SQL0952N: processing cancelled (an interrupt, or a workload-management threshold that stops the activity). */
export const interrupted = () => sqlError('57014', -952, 'SQL0952N  Processing was cancelled due to an interrupt.');

export const loginRefused = () =>
  sqlError(
    '08001',
    -30082,
    'SQL30082N  Security processing failed with reason "24" ("USERNAME AND/OR PASSWORD INVALID").',
  );

export const databaseNotFound = (name: string) =>
  sqlError(
    '08004',
    -30061,
    `SQL30061N  The database alias or database name "${name.padEnd(8)}" was not found at ` + `the remote node.`,
  );

export const connectionClosed = () => cliError('08003', -99999, 'CLI0106E  Connection is closed.');

/** What ibm_db itself rejects with once a Database is closed (lib/odbc.js `connError`): a plain object. */
export const connectionNotOpen = () => ({ message: 'Connection not open.', sqlstate: '08001', sqlcode: -30081 });
