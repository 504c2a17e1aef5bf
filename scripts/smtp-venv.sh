#!/usr/bin/env bash
# Makes (once) a virtualenv with aiosmtpd, the real SMTP server of the mail
# tests, and prints its python. Usage: scripts/smtp-venv.sh VENV_DIR.
# Safe when several test processes run it at once: they take turns on a lock
# file, and the one that comes second finds the venv made.
set -euo pipefail

AIOSMTPD_VERSION=1.4.6
mkdir -p "$(dirname "$1")"
# Absolute: the tests run in their crates' folders.
VENV="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
exec 9>"$VENV.lock"
flock 9
if ! "$VENV/bin/python" -c "import aiosmtpd, sys; sys.exit(aiosmtpd.__version__ != '$AIOSMTPD_VERSION')" 2>/dev/null; then
    echo "Installing aiosmtpd $AIOSMTPD_VERSION into $VENV." >&2
    rm -rf "$VENV"
    if ! python3 -m venv "$VENV" >&2; then
        rm -rf "$VENV"
        echo "The mail tests need Python 3 with venv and pip, to install aiosmtpd from PyPI." >&2
        echo "Install it (Debian/Ubuntu: sudo apt-get install python3 python3-venv python3-pip)." >&2
        exit 1
    fi
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        "aiosmtpd==$AIOSMTPD_VERSION" >&2
fi
echo "$VENV/bin/python"
