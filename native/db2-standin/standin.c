/*
 * Stand-in for IBM's libdb2.so.1: exports the DB2 CLI functions ibm_db 4.0.1's binding imports
 * (nm -D --undefined-only odbc_bindings_linux.node) and forwards them over TCP to the project's
 * DB2 engine (test/fakes/ibm_db/wire.ts), so the real binding, its C types and the buffers it
 * allocates are exercised while SQL meets DB2's rules. Where ibm_db's defects live it behaves as
 * IBM's CLI does: SQL_C_CHAR bytes are in the application code page (DB2CODEPAGE, else the
 * locale: C/POSIX = ISO-8859-1), a disconnect inside a unit of work fails with 25000, a connection
 * that failed (SQL30081N) fails every later call with CLI0106E (08003).
 * Calls it does not forward fail with a diagnostic naming themselves, never silently.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <pthread.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include "cli.h"

#define EXPORT __attribute__((visibility("default")))
#define MAX_PARAMS 512

typedef struct {
  SQLSMALLINT ctype;
  SQLSMALLINT sqltype;
  SQLULEN colsize;
  SQLPOINTER value;
  SQLLEN buflen;
  SQLLEN *ind;
  int bound;
} Param;

typedef struct Handle {
  SQLSMALLINT type;
  SQLHANDLE parent;
  char sqlstate[6];
  SQLINTEGER native;
  char message[1024];
  int has_diag;
  /* DBC */
  int fd;
  int dropped;             /* the connection failed (SQL30081N): later calls get CLI0106E */
  int autocommit;
  /* STMT */
  char *sql;
  Param params[MAX_PARAMS];
  int nparams;
  SQLULEN paramset;
  int rowcount;
  int ncols;
  char **names;
  int *types;
  int nrows;
  int row;                 /* current row, -1 before the first fetch */
  unsigned char **cells;   /* nrows * ncols, NULL = SQL NULL */
  int *lens;
  int *offsets;            /* SQLGetData progress per column of the current row */
} Handle;

#define MAX_HANDLES 65536
static Handle *handles[MAX_HANDLES];
static pthread_mutex_t handles_lock = PTHREAD_MUTEX_INITIALIZER;
static Handle *H(SQLHANDLE id) { return (id > 0 && id < MAX_HANDLES) ? handles[id] : NULL; }

static void set_diag(Handle *h, const char *state, SQLINTEGER native, const char *msg) {
  if (!h) return;
  snprintf(h->sqlstate, sizeof h->sqlstate, "%s", state);
  h->native = native;
  snprintf(h->message, sizeof h->message, "%s", msg);
  h->has_diag = 1;
}

static SQLRETURN unforwarded(SQLHANDLE h, const char *fn) {
  char msg[200];
  snprintf(msg, sizeof msg, "[IBM][CLI Driver] db2-standin: %s is not forwarded to the engine", fn);
  set_diag(H(h), "HYC00", -99999, msg);
  return SQL_ERROR;
}

/* ---- code pages ---------------------------------------------------------------------------- */

/* 1 when the application code page is UTF-8 (1208): DB2CODEPAGE wins, else the locale, as the CLI
   derives it. A C/POSIX locale means ISO-8859-1 (819). */
static int app_utf8(void) {
  const char *cp = getenv("DB2CODEPAGE");
  if (cp && *cp) return atoi(cp) == 1208;
  const char *vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
  for (int i = 0; i < 3; i++) {
    const char *v = getenv(vars[i]);
    if (v && *v) return strstr(v, "UTF-8") || strstr(v, "utf8") || strstr(v, "UTF8") || strstr(v, "utf-8");
  }
  return 0;
}

/* ---- growable buffer and JSON --------------------------------------------------------------- */

typedef struct { char *p; size_t n, cap; } Buf;
static void put(Buf *b, const void *d, size_t n) {
  if (b->n + n > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 4096;
    while (cap < b->n + n) cap *= 2;
    b->p = realloc(b->p, cap);
    b->cap = cap;
  }
  memcpy(b->p + b->n, d, n);
  b->n += n;
}
static void puts_(Buf *b, const char *s) { put(b, s, strlen(s)); }

static void put_cp(Buf *b, unsigned cp) {
  unsigned char u[4];
  if (cp == '"' || cp == '\\') { char e[2] = {'\\', (char)cp}; put(b, e, 2); return; }
  if (cp < 0x20) { char e[8]; snprintf(e, sizeof e, "\\u%04x", cp); puts_(b, e); return; }
  if (cp < 0x80) { u[0] = (unsigned char)cp; put(b, u, 1); return; }
  if (cp < 0x800) { u[0] = 0xC0 | (cp >> 6); u[1] = 0x80 | (cp & 0x3F); put(b, u, 2); return; }
  if (cp < 0x10000) { u[0] = 0xE0 | (cp >> 12); u[1] = 0x80 | ((cp >> 6) & 0x3F); u[2] = 0x80 | (cp & 0x3F); put(b, u, 3); return; }
  u[0] = 0xF0 | (cp >> 18); u[1] = 0x80 | ((cp >> 12) & 0x3F); u[2] = 0x80 | ((cp >> 6) & 0x3F); u[3] = 0x80 | (cp & 0x3F);
  put(b, u, 4);
}

/* Application-code-page bytes as a JSON string. UTF-8 bytes pass through (escaped); ISO-8859-1
   bytes each become one character, so UTF-8 input read as 819 is double-encoded, as on DB2. */
static void put_text(Buf *b, const unsigned char *s, size_t n) {
  int utf8 = app_utf8();
  puts_(b, "\"");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = s[i];
    if (!utf8 || c < 0x80) { put_cp(b, c); continue; }
    size_t start = i;
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
    unsigned cp = c & (0x3F >> extra);
    for (int k = 0; k < extra && i + 1 < n; k++) cp = (cp << 6) | (s[++i] & 0x3F);
    (void)start;
    put_cp(b, cp);
  }
  puts_(b, "\"");
}

/* ---- wire ----------------------------------------------------------------------------------- */

static int write_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n) { ssize_t w = send(fd, c, n, MSG_NOSIGNAL); if (w <= 0) return -1; c += w; n -= (size_t)w; }
  return 0;
}
static int read_all(int fd, void *p, size_t n) {
  char *c = p;
  while (n) { ssize_t r = recv(fd, c, n, 0); if (r <= 0) return -1; c += r; n -= (size_t)r; }
  return 0;
}

typedef struct { unsigned char *p; size_t n, at; } Reply;
static int16_t r16(Reply *r) { int16_t v = (int16_t)((r->p[r->at] << 8) | r->p[r->at + 1]); r->at += 2; return v; }
static uint32_t r32(Reply *r) { uint32_t v = ((uint32_t)r->p[r->at] << 24) | ((uint32_t)r->p[r->at + 1] << 16) | ((uint32_t)r->p[r->at + 2] << 8) | r->p[r->at + 3]; r->at += 4; return v; }

/* Sends one JSON request on the connection, reads the reply; sets the diagnostic on `h`. */
static SQLRETURN call(Handle *dbc, Handle *h, Buf *req, Reply *out) {
  memset(out, 0, sizeof *out);
  if (!dbc || dbc->fd < 0) { set_diag(h, "08003", -99999, "[IBM][CLI Driver] CLI0106E  Connection is closed. SQLSTATE=08003"); return SQL_ERROR; }
  uint32_t len = htonl((uint32_t)req->n), rlen;
  if (write_all(dbc->fd, &len, 4) || write_all(dbc->fd, req->p, req->n) || read_all(dbc->fd, &rlen, 4)) {
    close(dbc->fd);
    dbc->fd = -1;
    dbc->dropped = 1;
    set_diag(h, "08001", -30081, "[IBM][CLI Driver] SQL30081N  A communication error has been detected. Communication protocol being used: \"TCP/IP\".  Communication API being used: \"SOCKETS\".  Location where the error was detected: \"127.0.0.1\".  Communication function detecting the error: \"recv\".  Protocol specific error code(s): \"*\", \"*\", \"0\".  SQLSTATE=08001");
    return SQL_ERROR;
  }
  out->n = ntohl(rlen);
  out->p = malloc(out->n ? out->n : 1);
  if (read_all(dbc->fd, out->p, out->n)) { free(out->p); out->p = NULL; return SQL_ERROR; }
  SQLRETURN rc = r16(out);
  char state[6] = {0};
  memcpy(state, out->p + out->at, 5);
  out->at += 5;
  SQLINTEGER native = (SQLINTEGER)r32(out);
  uint32_t mlen = r32(out);
  char msg[1024];
  snprintf(msg, sizeof msg, "%.*s", (int)mlen, (char *)out->p + out->at);
  out->at += mlen;
  if (rc != SQL_SUCCESS) set_diag(h, state, native, msg);
  /* SQL30081N: the engine dropped this connection. As IBM's CLI, the handle is dead from here on:
     every later call fails with CLI0106E "Connection is closed" (SQLSTATE 08003, listed for a handle
     not in a connected state in the Db2 CLI reference's SQLSTATE tables, e.g. SQLSetConnectAttr,
     SQLEndTran), and the application has to connect again. Keeping the socket would let ibm_db's
     SQLSetConnectAttr(AUTOCOMMIT) after a failed SQLEndTran succeed, which no DB2 would. */
  if (native == -30081 && dbc->fd >= 0) {
    close(dbc->fd);
    dbc->fd = -1;
    dbc->dropped = 1;
  }
  return rc;
}

/* ---- handles --------------------------------------------------------------------------------- */

EXPORT SQLRETURN SQLAllocHandle(SQLSMALLINT type, SQLHANDLE in, SQLHANDLE *out) {
  if (type < SQL_HANDLE_ENV || type > SQL_HANDLE_STMT || !out) return SQL_ERROR;
  Handle *h = calloc(1, sizeof *h);
  if (!h) return SQL_ERROR;
  h->type = type;
  h->parent = in;
  h->fd = -1;
  h->autocommit = 1;
  h->paramset = 1;
  h->row = -1;
  pthread_mutex_lock(&handles_lock);
  SQLHANDLE id = 0;
  for (SQLHANDLE i = 1; i < MAX_HANDLES; i++) if (!handles[i]) { id = i; break; }
  if (id) handles[id] = h;
  pthread_mutex_unlock(&handles_lock);
  if (!id) { free(h); return SQL_ERROR; }
  *out = id;
  return SQL_SUCCESS;
}

static void drop_result(Handle *s) {
  for (int i = 0; i < s->ncols; i++) free(s->names[i]);
  for (int i = 0; i < s->nrows * s->ncols; i++) free(s->cells[i]);
  free(s->names); free(s->types); free(s->cells); free(s->lens); free(s->offsets);
  s->names = NULL; s->types = NULL; s->cells = NULL; s->lens = NULL; s->offsets = NULL;
  s->ncols = 0; s->nrows = 0; s->row = -1; s->rowcount = -1;
}

EXPORT SQLRETURN SQLFreeHandle(SQLSMALLINT type, SQLHANDLE h) {
  pthread_mutex_lock(&handles_lock);
  Handle *hd = H(h);
  /* A connection still connected (its SQLDisconnect failed, e.g. 25000 with a unit of work open) is
     not freed: "Otherwise, the call to SQLFreeHandle() returns SQL_ERROR and the connection remains
     valid" (Db2 CLI, "Freeing statement resources in CLI applications" / SQLFreeHandle, HY010).
     ibm_db's close() ignores both failures and forgets the handle, so the session, its transaction
     and its locks live on in the engine, as on a DB2 server, until the process ends. */
  if (hd && type == SQL_HANDLE_DBC && hd->fd >= 0 && !hd->dropped) {
    pthread_mutex_unlock(&handles_lock);
    set_diag(hd, "HY010", -99999, "[IBM][CLI Driver] CLI0125E  Function sequence error. SQLSTATE=HY010");
    return SQL_ERROR;
  }
  if (hd) handles[h] = NULL;
  pthread_mutex_unlock(&handles_lock);
  if (!hd) return SQL_INVALID_HANDLE;
  if (hd->fd >= 0) close(hd->fd);
  drop_result(hd);
  free(hd->sql);
  free(hd);
  return SQL_SUCCESS;
}

EXPORT SQLRETURN SQLGetDiagRec(SQLSMALLINT type, SQLHANDLE h, SQLSMALLINT rec, SQLCHAR *state,
                               SQLINTEGER *native, SQLCHAR *msg, SQLSMALLINT len, SQLSMALLINT *outlen) {
  (void)type;
  Handle *hd = H(h);
  if (!hd) return SQL_INVALID_HANDLE;
  if (rec != 1 || !hd->has_diag) return SQL_NO_DATA;
  if (state) memcpy(state, hd->sqlstate, 6);
  if (native) *native = hd->native;
  SQLSMALLINT n = (SQLSMALLINT)strlen(hd->message);
  if (outlen) *outlen = n;
  if (msg && len > 0) snprintf((char *)msg, (size_t)len, "%s", hd->message);
  return (msg && n >= len) ? SQL_SUCCESS_WITH_INFO : SQL_SUCCESS;
}

static Handle *begin(SQLHANDLE id) {
  Handle *h = H(id);
  if (h) h->has_diag = 0;
  return h;
}

EXPORT SQLRETURN SQLSetEnvAttr(SQLHENV e, SQLINTEGER a, SQLPOINTER v, SQLINTEGER l) { (void)e; (void)a; (void)v; (void)l; return SQL_SUCCESS; }
EXPORT SQLRETURN SQLGetFunctions(SQLHDBC c, SQLUSMALLINT f, SQLUSMALLINT *s) { (void)c; (void)f; if (s) *s = 0; return SQL_SUCCESS; }

/* ---- connections ------------------------------------------------------------------------------ */

static void keyword(const char *conn, const char *key, char *out, size_t max) {
  out[0] = 0;
  size_t kl = strlen(key);
  const char *p = conn;
  while (*p) {
    while (*p == ' ' || *p == ';') p++;
    if (strncasecmp(p, key, kl) == 0 && p[kl] == '=') {
      p += kl + 1;
      size_t i = 0;
      while (*p && *p != ';' && i + 1 < max) out[i++] = *p++;
      out[i] = 0;
      return;
    }
    while (*p && *p != ';') p++;
  }
}

EXPORT SQLRETURN SQLDriverConnect(SQLHDBC c, SQLHWND w, SQLCHAR *in, SQLSMALLINT inl, SQLCHAR *out,
                                  SQLSMALLINT outmax, SQLSMALLINT *outl, SQLUSMALLINT done) {
  (void)w; (void)out; (void)outmax; (void)outl; (void)done;
  Handle *dbc = begin(c);
  if (!dbc) return SQL_INVALID_HANDLE;
  size_t n = inl == SQL_NTS ? strlen((char *)in) : (size_t)inl;
  char *conn = strndup((char *)in, n), host[256], port[32];
  keyword(conn, "HOSTNAME", host, sizeof host);
  keyword(conn, "PORT", port, sizeof port);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)atoi(port[0] ? port : "50000"));
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  /* ConnectTimeout bounds the connect ("the time in seconds to wait for a reply when trying to
     establish a connection", then SQL30081N); ReceiveTimeout bounds each wait for a reply on the
     established connection (then SQL30081N and the connection is gone). 0 or absent: wait for ever,
     the CLI's default. Both are Db2 CLI/ODBC configuration keywords. */
  char seconds[32];
  keyword(conn, "ConnectTimeout", seconds, sizeof seconds);
  if (fd >= 0 && atoi(seconds) > 0) { struct timeval tv = { atoi(seconds), 0 }; setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv); }
  keyword(conn, "ReceiveTimeout", seconds, sizeof seconds);
  if (fd >= 0 && atoi(seconds) > 0) { struct timeval tv = { atoi(seconds), 0 }; setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv); }
  /* The stand-in serves 127.0.0.1 only; any other host is a host with no DB2 listening. */
  dbc->dropped = 0;
  if (fd < 0 || inet_pton(AF_INET, host, &addr.sin_addr) != 1 || strcmp(host, "127.0.0.1") != 0 ||
      connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    if (fd >= 0) close(fd);
    char msg[600];
    snprintf(msg, sizeof msg, "[IBM][CLI Driver] SQL30081N  A communication error has been detected. Communication protocol being used: \"TCP/IP\".  Communication API being used: \"SOCKETS\".  Location where the error was detected: \"%s\".  Communication function detecting the error: \"connect\".  Protocol specific error code(s): \"111\", \"*\", \"*\".  SQLSTATE=08001", host);
    set_diag(dbc, "08001", -30081, msg);
    free(conn);
    return SQL_ERROR;
  }
  dbc->fd = fd;
  Buf req = {0};
  puts_(&req, "{\"op\":\"connect\",\"conn\":");
  put_text(&req, (unsigned char *)conn, strlen(conn));
  puts_(&req, "}");
  free(conn);
  Reply r;
  SQLRETURN rc = call(dbc, dbc, &req, &r);
  free(req.p); free(r.p);
  if (rc == SQL_ERROR && dbc->fd >= 0) { close(dbc->fd); dbc->fd = -1; }
  return rc;
}

EXPORT SQLRETURN SQLDisconnect(SQLHDBC c) {
  Handle *dbc = begin(c);
  if (!dbc) return SQL_INVALID_HANDLE;
  /* A failed connection is only freed (ODBC: SQLDisconnect closes it whatever the server says). */
  if (dbc->dropped) { dbc->dropped = 0; return SQL_SUCCESS; }
  if (dbc->fd < 0) { set_diag(dbc, "08003", -99999, "[IBM][CLI Driver] CLI0106E  Connection is closed. SQLSTATE=08003"); return SQL_ERROR; }
  /* On the process's main thread this is ibm_db's finalizer of a connection nobody closed
     (ODBCConnection::Free; its close() disconnects on a libuv worker). The tests run the engine on
     that same thread, so waiting for its reply would block the process for good: the socket is
     only closed, and the engine ends the session as it does for a client that went away. */
  if (syscall(SYS_gettid) == getpid()) { close(dbc->fd); dbc->fd = -1; return SQL_SUCCESS; }
  Buf req = {0};
  puts_(&req, "{\"op\":\"disconnect\"}");
  Reply r;
  SQLRETURN rc = call(dbc, dbc, &req, &r);
  free(req.p); free(r.p);
  if (rc == SQL_SUCCESS && dbc->fd >= 0) { close(dbc->fd); dbc->fd = -1; }
  return rc;
}

#define SQL_ATTR_AUTOCOMMIT 102
#define SQL_ATTR_PARAMSET_SIZE 22

EXPORT SQLRETURN SQLSetConnectAttr(SQLHDBC c, SQLINTEGER a, SQLPOINTER v, SQLINTEGER l) {
  (void)l;
  Handle *dbc = begin(c);
  if (!dbc) return SQL_INVALID_HANDLE;
  if (a != SQL_ATTR_AUTOCOMMIT) return SQL_SUCCESS; /* login timeout, naming, isolation: no engine effect */
  /* Before SQLDriverConnect the attribute is only remembered; on a failed connection it is 08003. */
  if (dbc->dropped) { set_diag(dbc, "08003", -99999, "[IBM][CLI Driver] CLI0106E  Connection is closed. SQLSTATE=08003"); return SQL_ERROR; }
  dbc->autocommit = (int)(intptr_t)v;
  if (dbc->fd < 0) return SQL_SUCCESS;
  Buf req = {0};
  puts_(&req, dbc->autocommit ? "{\"op\":\"autocommit\",\"on\":true}" : "{\"op\":\"autocommit\",\"on\":false}");
  Reply r;
  SQLRETURN rc = call(dbc, dbc, &req, &r);
  free(req.p); free(r.p);
  return rc;
}

EXPORT SQLRETURN SQLEndTran(SQLSMALLINT t, SQLHANDLE h, SQLSMALLINT k) {
  Handle *dbc = begin(h);
  if (!dbc || t != SQL_HANDLE_DBC) return SQL_INVALID_HANDLE;
  Buf req = {0};
  puts_(&req, k == SQL_ROLLBACK ? "{\"op\":\"endtran\",\"rollback\":true}" : "{\"op\":\"endtran\",\"rollback\":false}");
  Reply r;
  SQLRETURN rc = call(dbc, dbc, &req, &r);
  free(req.p); free(r.p);
  return rc;
}

EXPORT SQLRETURN SQLGetInfo(SQLHDBC c, SQLUSMALLINT t, SQLPOINTER v, SQLSMALLINT l, SQLSMALLINT *o) { (void)t; (void)v; (void)l; (void)o; return unforwarded(c, "SQLGetInfo"); }

/* ---- statements ------------------------------------------------------------------------------- */

EXPORT SQLRETURN SQLSetStmtAttr(SQLHSTMT s, SQLINTEGER a, SQLPOINTER v, SQLINTEGER l) {
  (void)l;
  Handle *st = begin(s);
  if (!st) return SQL_INVALID_HANDLE;
  if (a == SQL_ATTR_PARAMSET_SIZE) st->paramset = (SQLULEN)(uintptr_t)v;
  return SQL_SUCCESS;
}
EXPORT SQLRETURN SQLGetStmtAttr(SQLHSTMT s, SQLINTEGER a, SQLPOINTER v, SQLINTEGER l, SQLINTEGER *o) { (void)a; (void)v; (void)l; (void)o; return unforwarded(s, "SQLGetStmtAttr"); }

EXPORT SQLRETURN SQLPrepare(SQLHSTMT s, SQLCHAR *q, SQLINTEGER l) {
  Handle *st = begin(s);
  if (!st) return SQL_INVALID_HANDLE;
  free(st->sql);
  st->sql = strndup((char *)q, l == SQL_NTS ? strlen((char *)q) : (size_t)l);
  return SQL_SUCCESS;
}

/* SQL types whose ColumnSize is a length (sqlcli.h values): CHAR, VARCHAR, LONGVARCHAR, BINARY,
   VARBINARY, LONGVARBINARY, BLOB, CLOB, DBCLOB, GRAPHIC, VARGRAPHIC, LONGVARGRAPHIC, XML. */
static int sized_type(SQLSMALLINT t) {
  switch (t) {
    case 1: case 12: case -1: case -2: case -3: case -4: case -98: case -99: case -350:
    case -95: case -96: case -97: case -370: return 1;
    default: return 0;
  }
}

EXPORT SQLRETURN SQLBindParameter(SQLHSTMT s, SQLUSMALLINT n, SQLSMALLINT io, SQLSMALLINT ct, SQLSMALLINT st_,
                                  SQLULEN cs, SQLSMALLINT dd, SQLPOINTER v, SQLLEN bl, SQLLEN *ind) {
  (void)io; (void)dd;
  Handle *st = begin(s);
  if (!st) return SQL_INVALID_HANDLE;
  if (n < 1 || n > MAX_PARAMS) { set_diag(st, "07009", -99999, "[IBM][CLI Driver] CLI0125E  Function sequence error. SQLSTATE=07009"); return SQL_ERROR; }
  /* ColumnSize is the parameter's precision (Db2 CLI reference, "SQLBindParameter function (CLI)",
     argument ColumnSize, and "Data type precision (CLI) table"): for the character, binary and LOB
     SQL types it is the defined length of the parameter in bytes, i.e. of a DB2 type whose length
     starts at 1 (CHAR(1), VARCHAR(1), BLOB(1)); for the fixed-size types (INTEGER, DOUBLE, ...) it
     is ignored. A length of 0 describes no DB2 type, so the CLI refuses the bind with CLI0143E
     "Invalid precision value" (SQLSTATE HY104, the message node-ibm_db issue 636 shows from a real
     CLI). ibm_db binds a column whose array holds only NULLs with ColumnSize 0 (GetArrayParam calls
     GetNullParam, which never sets a size). */
  if (cs == 0 && sized_type(st_)) {
    set_diag(st, "HY104", -99999, "[IBM][CLI Driver] CLI0143E  Invalid precision value. SQLSTATE=HY104");
    return SQL_ERROR;
  }
  Param *p = &st->params[n - 1];
  p->ctype = ct; p->sqltype = st_; p->colsize = cs; p->value = v; p->buflen = bl; p->ind = ind; p->bound = 1;
  if (n > st->nparams) st->nparams = n;
  return SQL_SUCCESS;
}

#define SQL_C_CHAR 1
#define SQL_C_LONG 4
#define SQL_C_SHORT 5
#define SQL_C_DOUBLE 8
#define SQL_C_FLOAT 7
#define SQL_C_BINARY (-2)
#define SQL_C_BIT (-7)
#define SQL_C_SLONG (-16)
#define SQL_C_SSHORT (-15)
#define SQL_C_SBIGINT (-25)
#define SQL_C_DEFAULT 99
#define SQL_NULL_DATA (-1)

static size_t elem_size(Param *p) {
  switch (p->ctype) {
    case SQL_C_SBIGINT: return 8;
    case SQL_C_DOUBLE: return 8;
    case SQL_C_LONG: case SQL_C_SLONG: case SQL_C_FLOAT: return 4;
    case SQL_C_SHORT: case SQL_C_SSHORT: return 2;
    case SQL_C_BIT: return 1;
    default: return (size_t)p->buflen;
  }
}

static SQLRETURN put_param(Handle *st, Buf *b, Param *p, SQLULEN row) {
  SQLLEN ind = p->ind ? p->ind[row] : SQL_NTS;
  if (ind == SQL_NULL_DATA || p->ctype == SQL_C_DEFAULT) { puts_(b, "null"); return SQL_SUCCESS; }
  if (!p->value) {
    /* Node gives a zero-length Buffer no data pointer; length 0 reads nothing, so it is the empty
       value (assumed, as the CLI never dereferences zero bytes; not verified on a real DB2). */
    if (ind == 0 && p->ctype == SQL_C_BINARY) { puts_(b, "{\"b\":\"\"}"); return SQL_SUCCESS; }
    if (ind == 0 && p->ctype == SQL_C_CHAR) { puts_(b, "{\"s\":\"\"}"); return SQL_SUCCESS; }
    set_diag(st, "HY009", -99999, "[IBM][CLI Driver] CLI0124E  Invalid argument value. SQLSTATE=HY009");
    return SQL_ERROR;
  }
  const unsigned char *v = (const unsigned char *)p->value + row * elem_size(p);
  char num[64];
  switch (p->ctype) {
    case SQL_C_CHAR: {
      size_t n = ind == SQL_NTS ? strnlen((const char *)v, p->buflen > 0 ? (size_t)p->buflen : (size_t)-1) : (size_t)ind;
      puts_(b, "{\"s\":"); put_text(b, v, n); puts_(b, "}");
      return SQL_SUCCESS;
    }
    case SQL_C_BINARY: {
      size_t n = ind == SQL_NTS ? (size_t)p->buflen : (size_t)ind;
      puts_(b, "{\"b\":\"");
      for (size_t i = 0; i < n; i++) { snprintf(num, sizeof num, "%02x", v[i]); puts_(b, num); }
      puts_(b, "\"}");
      return SQL_SUCCESS;
    }
    case SQL_C_SBIGINT: { long long x; memcpy(&x, v, 8); snprintf(num, sizeof num, "{\"i\":\"%lld\"}", x); break; }
    case SQL_C_LONG: case SQL_C_SLONG: { int x; memcpy(&x, v, 4); snprintf(num, sizeof num, "{\"i\":\"%d\"}", x); break; }
    case SQL_C_SHORT: case SQL_C_SSHORT: { short x; memcpy(&x, v, 2); snprintf(num, sizeof num, "{\"i\":\"%d\"}", x); break; }
    case SQL_C_BIT: snprintf(num, sizeof num, "{\"i\":\"%d\"}", v[0] ? 1 : 0); break;
    case SQL_C_DOUBLE: { double x; memcpy(&x, v, 8); snprintf(num, sizeof num, "{\"d\":%.17g}", x); break; }
    case SQL_C_FLOAT: { float x; memcpy(&x, v, 4); snprintf(num, sizeof num, "{\"d\":%.9g}", (double)x); break; }
    default: {
      char msg[200];
      snprintf(msg, sizeof msg, "[IBM][CLI Driver] db2-standin: C type %d of a parameter is not forwarded. SQLSTATE=HYC00", p->ctype);
      set_diag(st, "HYC00", -99999, msg);
      return SQL_ERROR;
    }
  }
  puts_(b, num);
  return SQL_SUCCESS;
}

static SQLRETURN execute(Handle *st, const char *sql) {
  Handle *dbc = H(st->parent);
  drop_result(st);
  Buf req = {0};
  puts_(&req, "{\"op\":\"exec\",\"sql\":");
  put_text(&req, (const unsigned char *)sql, strlen(sql));
  puts_(&req, ",\"sets\":[");
  SQLULEN sets = st->nparams ? st->paramset : 1;
  for (SQLULEN r = 0; r < sets; r++) {
    puts_(&req, r ? ",[" : "[");
    for (int i = 0; i < st->nparams; i++) {
      if (i) puts_(&req, ",");
      if (put_param(st, &req, &st->params[i], r) != SQL_SUCCESS) { free(req.p); return SQL_ERROR; }
    }
    puts_(&req, "]");
  }
  puts_(&req, "]}");
  Reply rp;
  SQLRETURN rc = call(dbc, st, &req, &rp);
  free(req.p);
  if (rc == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO) {
    st->rowcount = (int)r32(&rp);
    st->ncols = r16(&rp);
    st->names = calloc((size_t)st->ncols + 1, sizeof *st->names);
    st->types = calloc((size_t)st->ncols + 1, sizeof *st->types);
    st->offsets = calloc((size_t)st->ncols + 1, sizeof *st->offsets);
    for (int i = 0; i < st->ncols; i++) {
      uint32_t n = r32(&rp);
      st->names[i] = strndup((char *)rp.p + rp.at, n);
      rp.at += n;
      st->types[i] = (int)r32(&rp);
    }
    st->nrows = st->ncols ? (int)r32(&rp) : 0;
    size_t cells = (size_t)st->nrows * (size_t)st->ncols;
    st->cells = calloc(cells + 1, sizeof *st->cells);
    st->lens = calloc(cells + 1, sizeof *st->lens);
    for (size_t i = 0; i < cells; i++) {
      int n = (int)r32(&rp);
      st->lens[i] = n;
      if (n < 0) continue;
      st->cells[i] = malloc((size_t)n + 1);
      memcpy(st->cells[i], rp.p + rp.at, (size_t)n);
      rp.at += (size_t)n;
    }
    st->row = -1;
  }
  free(rp.p);
  return rc;
}

EXPORT SQLRETURN SQLExecute(SQLHSTMT s) {
  Handle *st = begin(s);
  if (!st) return SQL_INVALID_HANDLE;
  if (!st->sql) { set_diag(st, "HY010", -99999, "[IBM][CLI Driver] CLI0125E  Function sequence error. SQLSTATE=HY010"); return SQL_ERROR; }
  return execute(st, st->sql);
}

EXPORT SQLRETURN SQLExecDirect(SQLHSTMT s, SQLCHAR *q, SQLINTEGER l) {
  SQLRETURN rc = SQLPrepare(s, q, l);
  return rc == SQL_SUCCESS ? SQLExecute(s) : rc;
}

EXPORT SQLRETURN SQLNumResultCols(SQLHSTMT s, SQLSMALLINT *n) {
  Handle *st = begin(s);
  if (!st) return SQL_INVALID_HANDLE;
  if (n) *n = (SQLSMALLINT)st->ncols;
  return SQL_SUCCESS;
}

EXPORT SQLRETURN SQLRowCount(SQLHSTMT s, SQLLEN *n) {
  Handle *st = begin(s);
  if (!st) return SQL_INVALID_HANDLE;
  if (n) *n = st->rowcount;
  return SQL_SUCCESS;
}

static const char *type_name(int t) {
  switch (t) {
    case 4: return "INTEGER"; case -5: return "BIGINT"; case 3: return "DECIMAL"; case -360: return "DECFLOAT";
    case 8: return "DOUBLE"; case -3: return "VARBINARY"; default: return "VARCHAR";
  }
}

EXPORT SQLRETURN SQLColAttribute(SQLHSTMT s, SQLUSMALLINT c, SQLUSMALLINT f, SQLPOINTER p, SQLSMALLINT l, SQLSMALLINT *o, SQLLEN *np) {
  Handle *st = begin(s);
  if (!st) return SQL_INVALID_HANDLE;
  if (c < 1 || c > st->ncols) { set_diag(st, "07009", -99999, "[IBM][CLI Driver] CLI0145E  Invalid descriptor index. SQLSTATE=07009"); return SQL_ERROR; }
  const char *text = NULL;
  SQLLEN num = 0;
  switch (f) {
    case 18: case 1011: case 1: text = st->names[c - 1]; break;   /* LABEL, NAME */
    case 14: text = type_name(st->types[c - 1]); break;          /* TYPE_NAME */
    case 2: num = st->types[c - 1]; break;                        /* CONCISE_TYPE */
    default: num = 0; break;
  }
  if (text) {
    if (o) *o = (SQLSMALLINT)strlen(text);
    if (p && l > 0) snprintf((char *)p, (size_t)l, "%s", text);
  } else if (np) {
    *np = num;
  }
  return SQL_SUCCESS;
}

EXPORT SQLRETURN SQLFetch(SQLHSTMT s) {
  Handle *st = begin(s);
  if (!st) return SQL_INVALID_HANDLE;
  if (!st->ncols) { set_diag(st, "24000", -99999, "[IBM][CLI Driver] CLI0115E  Invalid cursor state. SQLSTATE=24000"); return SQL_ERROR; }
  if (st->row + 1 >= st->nrows) { st->row = st->nrows; return SQL_NO_DATA; }
  st->row++;
  memset(st->offsets, 0, sizeof *st->offsets * (size_t)st->ncols);
  return SQL_SUCCESS;
}

/* UTF-8 from the engine → the application code page; characters ISO-8859-1 lacks become 0x1A,
   DB2's substitution character. */
static unsigned char *to_app(const unsigned char *s, int n, int *outn) {
  unsigned char *o = malloc((size_t)n + 1);
  if (app_utf8()) { memcpy(o, s, (size_t)n); *outn = n; return o; }
  int k = 0;
  for (int i = 0; i < n; i++) {
    unsigned char c = s[i];
    if (c < 0x80) { o[k++] = c; continue; }
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
    unsigned cp = c & (0x3F >> extra);
    for (int j = 0; j < extra && i + 1 < n; j++) cp = (cp << 6) | (s[++i] & 0x3F);
    o[k++] = cp <= 0xFF ? (unsigned char)cp : 0x1A;
  }
  *outn = k;
  return o;
}

EXPORT SQLRETURN SQLGetData(SQLHSTMT s, SQLUSMALLINT c, SQLSMALLINT t, SQLPOINTER v, SQLLEN l, SQLLEN *ind) {
  Handle *st = begin(s);
  if (!st) return SQL_INVALID_HANDLE;
  if (st->row < 0 || st->row >= st->nrows || c < 1 || c > st->ncols) {
    set_diag(st, "07009", -99999, "[IBM][CLI Driver] CLI0145E  Invalid descriptor index. SQLSTATE=07009");
    return SQL_ERROR;
  }
  size_t i = (size_t)st->row * (size_t)st->ncols + (c - 1);
  if (st->lens[i] < 0) { if (ind) *ind = SQL_NULL_DATA; return SQL_SUCCESS; }
  const unsigned char *cell = st->cells[i];
  char tmp[64];
  int n = st->lens[i];
  snprintf(tmp, sizeof tmp, "%.*s", n < 63 ? n : 63, (const char *)cell);
  switch (t) {
    case SQL_C_SLONG: case SQL_C_LONG: { int x = (int)strtoll(tmp, NULL, 10); memcpy(v, &x, 4); if (ind) *ind = 4; return SQL_SUCCESS; }
    case SQL_C_SBIGINT: { long long x = strtoll(tmp, NULL, 10); memcpy(v, &x, 8); if (ind) *ind = 8; return SQL_SUCCESS; }
    case SQL_C_DOUBLE: { double x = strtod(tmp, NULL); memcpy(v, &x, 8); if (ind) *ind = 8; return SQL_SUCCESS; }
    case SQL_C_CHAR: case SQL_C_BINARY: break;
    default: {
      char msg[200];
      snprintf(msg, sizeof msg, "[IBM][CLI Driver] db2-standin: SQLGetData to C type %d is not forwarded. SQLSTATE=HYC00", t);
      set_diag(st, "HYC00", -99999, msg);
      return SQL_ERROR;
    }
  }
  int total;
  unsigned char *data;
  if (t == SQL_C_CHAR) data = to_app(cell, n, &total);
  else { data = malloc((size_t)n + 1); memcpy(data, cell, (size_t)n); total = n; }
  int at = st->offsets[c - 1];
  if (at > 0 && at >= total) { free(data); return SQL_NO_DATA; }
  int remaining = total - at;
  int room = t == SQL_C_CHAR ? (int)l - 1 : (int)l;
  if (room < 0) room = 0;
  int copy = remaining < room ? remaining : room;
  if (v && copy > 0) memcpy(v, data + at, (size_t)copy);
  if (v && t == SQL_C_CHAR && l > 0) ((char *)v)[copy] = 0;
  if (ind) *ind = remaining;
  free(data);
  st->offsets[c - 1] = at + copy;
  if (copy < remaining) {
    set_diag(st, "01004", 0, "[IBM][CLI Driver] CLI0002W  Data truncated. SQLSTATE=01004");
    return SQL_SUCCESS_WITH_INFO;
  }
  if (at + copy == 0) st->offsets[c - 1] = 1 > total ? 1 : total; /* an empty value is fully read */
  return SQL_SUCCESS;
}

EXPORT SQLRETURN SQLMoreResults(SQLHSTMT s) { (void)s; return SQL_NO_DATA; }

EXPORT SQLRETURN SQLFreeStmt(SQLHSTMT s, SQLUSMALLINT o) {
  Handle *st = begin(s);
  if (!st) return SQL_INVALID_HANDLE;
  if (o == 0) drop_result(st);                       /* SQL_CLOSE */
  if (o == 3) { memset(st->params, 0, sizeof st->params); st->nparams = 0; } /* SQL_RESET_PARAMS */
  return SQL_SUCCESS;
}

EXPORT SQLRETURN SQLBindCol(SQLHSTMT s, SQLUSMALLINT n, SQLSMALLINT t, SQLPOINTER v, SQLLEN l, SQLLEN *ind) { (void)n; (void)t; (void)v; (void)l; (void)ind; return unforwarded(s, "SQLBindCol"); }
EXPORT SQLRETURN SQLParamData(SQLHSTMT s, SQLPOINTER *v) { (void)v; return unforwarded(s, "SQLParamData"); }
EXPORT SQLRETURN SQLPutData(SQLHSTMT s, SQLPOINTER v, SQLLEN l) { (void)v; (void)l; return unforwarded(s, "SQLPutData"); }
EXPORT SQLRETURN SQLColumns(SQLHSTMT s, SQLCHAR *a, SQLSMALLINT b, SQLCHAR *c, SQLSMALLINT d, SQLCHAR *e, SQLSMALLINT f, SQLCHAR *g, SQLSMALLINT h) { (void)a; (void)b; (void)c; (void)d; (void)e; (void)f; (void)g; (void)h; return unforwarded(s, "SQLColumns"); }
EXPORT SQLRETURN SQLTables(SQLHSTMT s, SQLCHAR *a, SQLSMALLINT b, SQLCHAR *c, SQLSMALLINT d, SQLCHAR *e, SQLSMALLINT f, SQLCHAR *g, SQLSMALLINT h) { (void)a; (void)b; (void)c; (void)d; (void)e; (void)f; (void)g; (void)h; return unforwarded(s, "SQLTables"); }
EXPORT SQLRETURN SQLGetTypeInfo(SQLHSTMT s, SQLSMALLINT t) { (void)t; return unforwarded(s, "SQLGetTypeInfo"); }
EXPORT SQLRETURN SQLBindFileToCol(SQLHSTMT s, SQLUSMALLINT c, SQLCHAR *f, SQLSMALLINT *fl, SQLUINTEGER *o, SQLSMALLINT m, SQLINTEGER *sl, SQLINTEGER *ind) { (void)c; (void)f; (void)fl; (void)o; (void)m; (void)sl; (void)ind; return unforwarded(s, "SQLBindFileToCol"); }
EXPORT SQLRETURN SQLBindFileToParam(SQLHSTMT s, SQLUSMALLINT p, SQLSMALLINT t, SQLCHAR *f, SQLSMALLINT *fl, SQLUINTEGER *o, SQLSMALLINT m, SQLINTEGER *ind) { (void)p; (void)t; (void)f; (void)fl; (void)o; (void)m; (void)ind; return unforwarded(s, "SQLBindFileToParam"); }
EXPORT SQLRETURN SQLCreateDb(SQLHDBC c, SQLCHAR *a, SQLINTEGER b, SQLCHAR *d, SQLINTEGER e, SQLCHAR *f, SQLINTEGER g) { (void)a; (void)b; (void)d; (void)e; (void)f; (void)g; return unforwarded(c, "SQLCreateDb"); }
EXPORT SQLRETURN SQLDropDb(SQLHDBC c, SQLCHAR *a, SQLINTEGER b) { (void)a; (void)b; return unforwarded(c, "SQLDropDb"); }

/* Lets a test process load the stand-in with process.dlopen before it requires ibm_db, so the
   binding's NEEDED libdb2.so.1 resolves to it by soname without LD_LIBRARY_PATH at process start
   (which jest's worker cannot be given afterwards). An empty Node-API module: returns its exports. */
EXPORT void *napi_register_module_v1(void *env, void *exports) { (void)env; return exports; }
