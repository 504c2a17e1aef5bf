#!/usr/bin/env bash
# Checks deploy/nginx/nginx.conf with nginx itself (`nginx -t`), which the Rust
# test crates/kring/tests/deploy_files.rs cannot: that test reads the file and
# checks what Kring needs from it (upstreams, WebSocket upgrade on
# /api/v1/live, X-Forwarded-For), this one that nginx accepts every directive.
#
#   bash scripts/check-proxy-config.sh
#
# Needs nginx; as root on Debian it installs the `nginx` package when missing.
# Exits non-zero when nginx is missing and cannot be installed, or refuses the file.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nginx >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "check-proxy-config: installing nginx (Debian package)" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >&2
    else
        echo "check-proxy-config: nginx is not installed (apt-get install nginx) and this is not root" >&2
        exit 1
    fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The upstream names (kring-1, kring-2) exist only inside compose's network,
# and nginx resolves them while it reads the file: stand in 127.0.0.1 for them.
sed -E 's/server (kring-[0-9]+):([0-9]+)/server 127.0.0.1:\2/' deploy/nginx/nginx.conf > "$work/nginx.conf"
nginx -t -p "$work" -c "$work/nginx.conf" 2>&1 | tee "$work/out"
grep -q "test is successful" "$work/out"
echo "check-proxy-config: deploy/nginx/nginx.conf is valid for $(nginx -v 2>&1)"
