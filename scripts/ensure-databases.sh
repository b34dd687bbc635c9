#!/usr/bin/env bash
# Makes sure MariaDB and PostgreSQL answer on 127.0.0.1 (MariaDB: root with an empty password;
# PostgreSQL: trust auth with a `root` role). Starts them when installed but stopped, installs them
# from Debian packages when missing (needs root), and installs gcc for the DB2 stand-in. Idempotent;
# silent when all is well.
set -euo pipefail

say() { echo "ensure-databases: $*" >&2; }
mariadb_up() { mariadb -h 127.0.0.1 -u root -e 'SELECT 1' >/dev/null 2>&1 || mysql -h 127.0.0.1 -u root -e 'SELECT 1' >/dev/null 2>&1; }
postgres_up() { psql -h 127.0.0.1 -U root -d postgres -Atc 'SELECT 1' >/dev/null 2>&1; }
wait_for() { for _ in $(seq 1 60); do "$1" && return 0; sleep 0.5; done; return 1; }

need_root() {
  if [ "$(id -u)" != 0 ]; then say "$1 needs root; run: sudo $0"; exit 1; fi
}

apt_install() {
  need_root "installing $*"
  say "installing $* from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "$@" >/dev/null
}

# --- MariaDB ---------------------------------------------------------------
if ! mariadb_up; then
  if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then apt_install mariadb-server mariadb-client; fi
  if ! mariadb_up; then
    need_root "starting MariaDB"
    say "starting MariaDB"
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
    [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null 2>&1 || true
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql --bind-address=127.0.0.1 >/dev/null
    wait_for mariadb_up || { say "MariaDB did not start; see /var/log/mysql"; exit 1; }
  fi
  # Fresh Debian installs authenticate root by unix socket only: allow the empty password over TCP.
  mariadb -u root -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket" >/dev/null 2>&1 || true
fi

# --- PostgreSQL ------------------------------------------------------------
if ! postgres_up; then
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then apt_install postgresql postgresql-client; fi
  if ! postgres_up; then
    need_root "starting PostgreSQL"
    say "starting PostgreSQL"
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    [ -n "$version" ] || { say "no PostgreSQL cluster under /etc/postgresql"; exit 1; }
    hba=/etc/postgresql/$version/main/pg_hba.conf
    if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
      sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust' "$hba"
    fi
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
    wait_for postgres_up || {
      su postgres -c "psql -Atc \"SELECT 1\"" >/dev/null 2>&1 || { say "PostgreSQL did not start; see /var/log/postgresql"; exit 1; }
    }
    su postgres -c "psql -c 'CREATE ROLE root SUPERUSER LOGIN'" >/dev/null 2>&1 || true
    wait_for postgres_up || { say "PostgreSQL runs but role root cannot log in over 127.0.0.1"; exit 1; }
  fi
fi

# --- C compiler ------------------------------------------------------------
# The DB2 tests run the real ibm_db binding against a stand-in libdb2.so.1 built from native/.
if ! command -v gcc >/dev/null 2>&1; then apt_install gcc libc6-dev; fi
