#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages, when it is missing:
# - OpenStack's own clients (keystoneauth1 and the `openstack` command, Debian's packages), which
#   the identity compatibility tests drive against a real server.
# - PostgreSQL's server programs (initdb, pg_ctl), with which the tests start a throwaway cluster
#   (test/support/postgres-cluster.ts), unless DDM_JOBS_TEST_DATABASE_URL names a server already.
# - Chromium (Debian's), which the console's end-to-end tests drive through playwright-core: a test
#   tool's own browser download does not work everywhere, a distribution's package does.
# - `script` (util-linux), which gives `ddm-jobs watch` a pseudo-terminal in its tests, and zsh,
#   in which the tests run the zsh completion script (bash is there already).
# - nginx and openssl (Debian's), with which a test puts a TLS reverse proxy with a self-signed
#   certificate in front of the server, configured as docs/deployment.md says.
set -euo pipefail

need=()
/usr/bin/python3 -c 'import keystoneauth1' 2>/dev/null || need+=(python3-keystoneauth1)
command -v openstack >/dev/null 2>&1 || need+=(python3-openstackclient)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v script >/dev/null 2>&1 || need+=(bsdutils)
command -v zsh >/dev/null 2>&1 || need+=(zsh)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v openssl >/dev/null 2>&1 || need+=(openssl)

# The places test/support/postgres-cluster.ts looks in, in its order.
has_postgres() {
  local bin
  for bin in /usr/lib/postgresql/15/bin "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
    [ -n "$bin" ] && [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] && return 0
  done
  return 1
}
postgres_needed=false
if [ -z "${DDM_JOBS_TEST_DATABASE_URL:-}" ] && ! has_postgres; then postgres_needed=true; fi

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-test-tools: missing ${need[*]}; install them (Debian: apt-get install ${need[*]})" >&2
    exit 1
  fi
  echo "ensure-test-tools: installing ${need[*]}" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if $postgres_needed; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-test-tools: PostgreSQL is missing; install it (Debian: apt-get install postgresql-15)," \
      "or set DDM_JOBS_TEST_DATABASE_URL to a server of yours" >&2
    exit 1
  fi
  [ ${#need[@]} -gt 0 ] || apt-get update -qq >/dev/null
  # PostgreSQL 15, as in production, where the distribution has it; else its own version.
  package=postgresql
  if apt-cache show postgresql-15 >/dev/null 2>&1; then package=postgresql-15; fi
  echo "ensure-test-tools: installing $package" >&2
  # The tests run their own cluster: the package's default one need not be created nor started.
  mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/ddm-jobs-tests.conf
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null
fi
