/*
 * The few DB2 CLI types and constants the stand-in needs, written here rather than taken from
 * unixodbc-dev so a fresh machine needs only gcc. Values are ODBC's / IBM sqlcli.h's.
 */
#ifndef DB2_STANDIN_CLI_H
#define DB2_STANDIN_CLI_H
#include <stdint.h>
typedef signed short SQLSMALLINT;
typedef unsigned short SQLUSMALLINT;
typedef int SQLINTEGER;
typedef unsigned int SQLUINTEGER;
typedef int SQLLEN; /* ibm_db 4.0.1 is built without ODBC64: gdb on its binding shows SQLLEN fields as int */
typedef unsigned int SQLULEN;
typedef SQLSMALLINT SQLRETURN;
typedef unsigned char SQLCHAR;
typedef void *SQLPOINTER;
/* DB2 CLI on Unix: handles are 32-bit integers (IBM sqlcli.h), not pointers as in ODBC; the
   binding keeps them in 4-byte fields, so a pointer written there corrupts its neighbours. */
typedef SQLINTEGER SQLHANDLE;
typedef SQLHANDLE SQLHENV, SQLHDBC, SQLHSTMT;
typedef void *SQLHWND;

#define SQL_SUCCESS 0
#define SQL_SUCCESS_WITH_INFO 1
#define SQL_NO_DATA 100
#define SQL_ERROR (-1)
#define SQL_INVALID_HANDLE (-2)
#define SQL_HANDLE_ENV 1
#define SQL_HANDLE_DBC 2
#define SQL_HANDLE_STMT 3
#define SQL_COMMIT 0
#define SQL_ROLLBACK 1
#define SQL_NTS (-3)
#endif
