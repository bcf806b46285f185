#!/usr/bin/env bash
# Installs the Debian packages that `make test` (and `make demo`) need and this machine lacks:
# Java 17 and Maven (the Kafka broker), PostgreSQL, python3-venv, Chromium (the browser tests),
# Node.js and npm (the Strimzi schemas), Go (kustomize and compose-go for the deployment checks), poppler's
# pdfsig with NSS's certutil (a second validator of the signed certificates), and pgBackRest (the restore drill).
# As root it installs them with apt-get; otherwise it names what is missing and how to install it.
set -euo pipefail

missing=()
command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || missing+=(maven)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
python3 -c "import venv, ensurepip" 2>/dev/null || missing+=(python3-venv)
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v go >/dev/null || [ -x /usr/local/go/bin/go ] || missing+=(golang-go)
command -v pdfsig >/dev/null || missing+=(poppler-utils)
command -v certutil >/dev/null || missing+=(libnss3-tools)
command -v pgbackrest >/dev/null || missing+=(pgbackrest)

[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "system-packages: missing ${missing[*]}." >&2
  echo "  Install them as root: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "system-packages: installing ${missing[*]} (Debian packages)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
