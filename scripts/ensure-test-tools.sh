#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages, when it is missing:
# - OpenStack's own clients (keystoneauth1 and the `openstack` command, Debian's packages), which
#   the identity compatibility tests drive against a real server.
set -euo pipefail

need=()
/usr/bin/python3 -c 'import keystoneauth1' 2>/dev/null || need+=(python3-keystoneauth1)
command -v openstack >/dev/null 2>&1 || need+=(python3-openstackclient)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-test-tools: missing ${need[*]}; install them (Debian: apt-get install ${need[*]})" >&2
    exit 1
  fi
  echo "ensure-test-tools: installing ${need[*]}" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
