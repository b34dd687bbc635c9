/*
 * Stand-in for IBM's libdb2.so.1: exports the DB2 CLI functions ibm_db 4.0.1's binding imports
 * (nm -D --undefined-only odbc_bindings_linux.node) so the real binding loads and runs.
 * STAGE 1: handles and diagnostics are real; every call that would need the server fails with a
 * diagnostic naming itself, so a test can never pass by accident through an unforwarded call.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "cli.h"

#define EXPORT __attribute__((visibility("default")))

typedef struct Handle {
  SQLSMALLINT type;
  struct Handle *parent;
  char sqlstate[6];
  SQLINTEGER native;
  char message[512];
  int has_diag;
} Handle;

/* Handle numbers index this table; 0 is SQL_NULL_HANDLE. Guarded: the binding calls from libuv's pool. */
#include <pthread.h>
#define MAX_HANDLES 65536
static Handle *handles[MAX_HANDLES];
static pthread_mutex_t handles_lock = PTHREAD_MUTEX_INITIALIZER;
static Handle *H(SQLHANDLE id) {
  return (id > 0 && id < MAX_HANDLES) ? handles[id] : NULL;
}

static void set_diag(Handle *h, const char *state, SQLINTEGER native, const char *msg) {
  if (!h) return;
  snprintf(h->sqlstate, sizeof h->sqlstate, "%s", state);
  h->native = native;
  snprintf(h->message, sizeof h->message, "[IBM][CLI Driver] %s", msg);
  h->has_diag = 1;
}

static SQLRETURN unforwarded(SQLHANDLE h, const char *fn) {
  char msg[200];
  snprintf(msg, sizeof msg, "db2-standin: %s is not forwarded to the engine yet", fn);
  set_diag(H(h), "HYC00", -99999, msg);
  return SQL_ERROR;
}

EXPORT SQLRETURN SQLAllocHandle(SQLSMALLINT type, SQLHANDLE in, SQLHANDLE *out) {
  if (type < SQL_HANDLE_ENV || type > SQL_HANDLE_STMT || !out) return SQL_ERROR;
  Handle *h = calloc(1, sizeof *h);
  if (!h) return SQL_ERROR;
  h->type = type;
  h->parent = H(in);
  pthread_mutex_lock(&handles_lock);
  SQLHANDLE id = 0;
  for (SQLHANDLE i = 1; i < MAX_HANDLES; i++) if (!handles[i]) { id = i; break; }
  if (id) handles[id] = h;
  pthread_mutex_unlock(&handles_lock);
  if (!id) { free(h); return SQL_ERROR; }
  *out = id;
  return SQL_SUCCESS;
}

EXPORT SQLRETURN SQLFreeHandle(SQLSMALLINT type, SQLHANDLE h) {
  (void)type;
  pthread_mutex_lock(&handles_lock);
  Handle *hd = H(h);
  if (hd) handles[h] = NULL;
  pthread_mutex_unlock(&handles_lock);
  if (!hd) return SQL_INVALID_HANDLE;
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

EXPORT SQLRETURN SQLSetEnvAttr(SQLHENV e, SQLINTEGER a, SQLPOINTER v, SQLINTEGER l) { (void)e; (void)a; (void)v; (void)l; return SQL_SUCCESS; }
EXPORT SQLRETURN SQLGetFunctions(SQLHDBC c, SQLUSMALLINT f, SQLUSMALLINT *s) { (void)c; (void)f; if (s) *s = 0; return SQL_SUCCESS; }

EXPORT SQLRETURN SQLDriverConnect(SQLHDBC c, SQLHWND w, SQLCHAR *in, SQLSMALLINT inl, SQLCHAR *out,
                                  SQLSMALLINT outmax, SQLSMALLINT *outl, SQLUSMALLINT done) {
  (void)w; (void)in; (void)inl; (void)out; (void)outmax; (void)outl; (void)done;
  set_diag(H(c), "08001", -30081, "db2-standin: SQLDriverConnect is not forwarded to the engine yet");
  return SQL_ERROR;
}
EXPORT SQLRETURN SQLDisconnect(SQLHDBC c) { (void)c; return SQL_SUCCESS; }
EXPORT SQLRETURN SQLSetConnectAttr(SQLHDBC c, SQLINTEGER a, SQLPOINTER v, SQLINTEGER l) { (void)a; (void)v; (void)l; return unforwarded(c, "SQLSetConnectAttr"); }
EXPORT SQLRETURN SQLSetStmtAttr(SQLHSTMT s, SQLINTEGER a, SQLPOINTER v, SQLINTEGER l) { (void)a; (void)v; (void)l; return unforwarded(s, "SQLSetStmtAttr"); }
EXPORT SQLRETURN SQLGetStmtAttr(SQLHSTMT s, SQLINTEGER a, SQLPOINTER v, SQLINTEGER l, SQLINTEGER *o) { (void)a; (void)v; (void)l; (void)o; return unforwarded(s, "SQLGetStmtAttr"); }
EXPORT SQLRETURN SQLGetInfo(SQLHDBC c, SQLUSMALLINT t, SQLPOINTER v, SQLSMALLINT l, SQLSMALLINT *o) { (void)t; (void)v; (void)l; (void)o; return unforwarded(c, "SQLGetInfo"); }
EXPORT SQLRETURN SQLEndTran(SQLSMALLINT t, SQLHANDLE h, SQLSMALLINT k) { (void)t; (void)k; return unforwarded(h, "SQLEndTran"); }
EXPORT SQLRETURN SQLExecDirect(SQLHSTMT s, SQLCHAR *q, SQLINTEGER l) { (void)q; (void)l; return unforwarded(s, "SQLExecDirect"); }
EXPORT SQLRETURN SQLPrepare(SQLHSTMT s, SQLCHAR *q, SQLINTEGER l) { (void)q; (void)l; return unforwarded(s, "SQLPrepare"); }
EXPORT SQLRETURN SQLExecute(SQLHSTMT s) { return unforwarded(s, "SQLExecute"); }
EXPORT SQLRETURN SQLBindParameter(SQLHSTMT s, SQLUSMALLINT n, SQLSMALLINT io, SQLSMALLINT ct, SQLSMALLINT st,
                                  SQLULEN cs, SQLSMALLINT dd, SQLPOINTER v, SQLLEN bl, SQLLEN *ind) {
  (void)n; (void)io; (void)ct; (void)st; (void)cs; (void)dd; (void)v; (void)bl; (void)ind;
  return unforwarded(s, "SQLBindParameter");
}
EXPORT SQLRETURN SQLBindCol(SQLHSTMT s, SQLUSMALLINT n, SQLSMALLINT t, SQLPOINTER v, SQLLEN l, SQLLEN *ind) { (void)n; (void)t; (void)v; (void)l; (void)ind; return unforwarded(s, "SQLBindCol"); }
EXPORT SQLRETURN SQLNumResultCols(SQLHSTMT s, SQLSMALLINT *n) { (void)n; return unforwarded(s, "SQLNumResultCols"); }
EXPORT SQLRETURN SQLColAttribute(SQLHSTMT s, SQLUSMALLINT c, SQLUSMALLINT f, SQLPOINTER p, SQLSMALLINT l, SQLSMALLINT *o, SQLLEN *np) { (void)c; (void)f; (void)p; (void)l; (void)o; (void)np; return unforwarded(s, "SQLColAttribute"); }
EXPORT SQLRETURN SQLFetch(SQLHSTMT s) { return unforwarded(s, "SQLFetch"); }
EXPORT SQLRETURN SQLGetData(SQLHSTMT s, SQLUSMALLINT c, SQLSMALLINT t, SQLPOINTER v, SQLLEN l, SQLLEN *ind) { (void)c; (void)t; (void)v; (void)l; (void)ind; return unforwarded(s, "SQLGetData"); }
EXPORT SQLRETURN SQLRowCount(SQLHSTMT s, SQLLEN *n) { (void)n; return unforwarded(s, "SQLRowCount"); }
EXPORT SQLRETURN SQLMoreResults(SQLHSTMT s) { (void)s; return SQL_NO_DATA; }
EXPORT SQLRETURN SQLFreeStmt(SQLHSTMT s, SQLUSMALLINT o) { (void)s; (void)o; return SQL_SUCCESS; }
EXPORT SQLRETURN SQLParamData(SQLHSTMT s, SQLPOINTER *v) { (void)v; return unforwarded(s, "SQLParamData"); }
EXPORT SQLRETURN SQLPutData(SQLHSTMT s, SQLPOINTER v, SQLLEN l) { (void)v; (void)l; return unforwarded(s, "SQLPutData"); }
EXPORT SQLRETURN SQLColumns(SQLHSTMT s, SQLCHAR *a, SQLSMALLINT b, SQLCHAR *c, SQLSMALLINT d, SQLCHAR *e, SQLSMALLINT f, SQLCHAR *g, SQLSMALLINT h) { (void)a; (void)b; (void)c; (void)d; (void)e; (void)f; (void)g; (void)h; return unforwarded(s, "SQLColumns"); }
EXPORT SQLRETURN SQLTables(SQLHSTMT s, SQLCHAR *a, SQLSMALLINT b, SQLCHAR *c, SQLSMALLINT d, SQLCHAR *e, SQLSMALLINT f, SQLCHAR *g, SQLSMALLINT h) { (void)a; (void)b; (void)c; (void)d; (void)e; (void)f; (void)g; (void)h; return unforwarded(s, "SQLTables"); }
EXPORT SQLRETURN SQLGetTypeInfo(SQLHSTMT s, SQLSMALLINT t) { (void)t; return unforwarded(s, "SQLGetTypeInfo"); }
EXPORT SQLRETURN SQLBindFileToCol(SQLHSTMT s, SQLUSMALLINT c, SQLCHAR *f, SQLSMALLINT *fl, SQLUINTEGER *o, SQLSMALLINT m, SQLINTEGER *sl, SQLINTEGER *ind) { (void)c; (void)f; (void)fl; (void)o; (void)m; (void)sl; (void)ind; return unforwarded(s, "SQLBindFileToCol"); }
EXPORT SQLRETURN SQLBindFileToParam(SQLHSTMT s, SQLUSMALLINT p, SQLSMALLINT t, SQLCHAR *f, SQLSMALLINT *fl, SQLUINTEGER *o, SQLSMALLINT m, SQLINTEGER *ind) { (void)p; (void)t; (void)f; (void)fl; (void)o; (void)m; (void)ind; return unforwarded(s, "SQLBindFileToParam"); }
EXPORT SQLRETURN SQLCreateDb(SQLHDBC c, SQLCHAR *a, SQLINTEGER b, SQLCHAR *d, SQLINTEGER e, SQLCHAR *f, SQLINTEGER g) { (void)a; (void)b; (void)d; (void)e; (void)f; (void)g; return unforwarded(c, "SQLCreateDb"); }
EXPORT SQLRETURN SQLDropDb(SQLHDBC c, SQLCHAR *a, SQLINTEGER b) { (void)a; (void)b; return unforwarded(c, "SQLDropDb"); }
