/**
 * The query parameters a db2:// URL may carry, each passed to IBM's CLI as a connection-string
 * keyword. IBM's CLI reads keywords it does not know either silently or by refusing the connect
 * with a message that does not name the parameter, so anything else is refused before connecting
 * (exit 2, one line).
 *
 * Keywords are from IBM's "CLI/ODBC configuration keywords listing by category" (Db2 11.5,
 * com.ibm.db2.luw.apdv.cli.doc r0007964), limited to those that make sense for a client of a
 * remote database in a connection string; the keys are lower case, the values are IBM's spelling.
 * DATABASE, HOSTNAME, PORT, PROTOCOL, UID and PWD come from the URL itself and are refused as
 * parameters, so that a URL can never say two things.
 */
export const DB2_URL_KEYWORDS: Readonly<Record<string, string>> = {
  // Security and authentication.
  security: 'SECURITY',
  authentication: 'AUTHENTICATION',
  sslservercertificate: 'SSLServerCertificate',
  sslclientkeystoredb: 'SSLClientKeystoredb',
  sslclientkeystash: 'SSLClientKeystash',
  sslclientlabel: 'SSLClientLabel',
  // Session defaults.
  currentschema: 'CurrentSchema',
  currentfunctionpath: 'CurrentFunctionPath',
  currentpackageset: 'CurrentPackageSet',
  locktimeout: 'LockTimeout',
  // Timeouts and keepalive (the run sets ConnectTimeout from --timeout unless given here).
  connecttimeout: 'ConnectTimeout',
  keepalivetimeout: 'KeepAliveTimeout',
  receivetimeout: 'ReceiveTimeout',
  querytimeoutinterval: 'QueryTimeoutInterval',
  // What monitoring shows about the client.
  clientapplname: 'ClientApplName',
  clientuserid: 'ClientUserID',
  clientwrkstnname: 'ClientWrkStnName',
  clientacctstr: 'ClientAcctStr',
  programname: 'ProgramName',
};

/** Set by the URL's own parts: as parameters they would contradict them. */
const FROM_THE_URL = new Set(['database', 'hostname', 'port', 'protocol', 'uid', 'pwd']);

/** JDBC habits the URL form also takes, translated to SECURITY=SSL (see db2-driver.ts). */
export const JDBC_SSL_PARAMETERS = new Set(['sslconnection', 'ssl']);

/**
 * What is wrong with a db2:// URL's query parameters, or null. An unknown parameter is named only
 * when it has the shape of a keyword and a value (`name=value`); otherwise by its position, since
 * a bare word after `?` may be a password written in the wrong place.
 */
export function db2ParameterProblem(params: URLSearchParams): string | null {
  let position = 0;
  for (const [name, value] of params) {
    position++;
    const lower = name.toLowerCase();
    if (DB2_URL_KEYWORDS[lower] !== undefined || JDBC_SSL_PARAMETERS.has(lower)) continue;
    if (FROM_THE_URL.has(lower)) {
      return (
        `warehouse URL parameter ${name.toUpperCase()} is set by the URL's own parts (user, ` +
        `password, host, port, database): remove "?${lower}=…"`
      );
    }
    const named =
      value !== '' && /^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(name)
        ? `"${name}"`
        : `${position} (not shown, as it may hold a password)`;
    return (
      `warehouse URL query parameter ${named} is not a DB2 CLI keyword this tool passes on; ` +
      `accepted (any case): ` +
      `${Object.values(DB2_URL_KEYWORDS).join(', ')}, and sslConnection=true`
    );
  }
  return null;
}
