#!/usr/bin/env bash
# Runs the whole test suite.
#
# The tests need PostgreSQL as well as the embedded SQLite. They use, in order:
# TEST_DATABASE_URL; a server on 127.0.0.1:5432 (user postgres, trust auth);
# or a private throw-away cluster that they start themselves under target/ with
# the machine's initdb and pg_ctl. When none of those exists, this script
# installs Debian's postgresql package (as root), or says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
    echo "The tests need Rust's cargo: install it from https://rustup.rs" >&2
    exit 1
fi

# What may enter the dependency tree (deny.toml): licences, bans, sources, and
# advisories from a vendored snapshot of the RustSec database. Installs
# cargo-deny from crates.io when missing.
bash scripts/deny.sh

postgres_answers() {
    (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
}

initdb_installed() {
    command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

if [ -z "${TEST_DATABASE_URL:-}" ] && ! postgres_answers && ! initdb_installed; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "PostgreSQL is not installed: installing Debian's postgresql package for the tests."
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    else
        echo "The tests need PostgreSQL and none was found." >&2
        echo "Install it (Debian/Ubuntu: sudo apt-get install postgresql)," >&2
        echo "or point the tests at a server: TEST_DATABASE_URL=postgres://user@host:port" >&2
        exit 1
    fi
fi

# The browser tests (crates/kring-web/tests) drive headless Chromium through
# chromedriver: Debian's chromium and chromium-driver, installed here (as root)
# when missing. Without them those tests fail; they are never skipped.
browser_installed() {
    { [ -n "${KRING_CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1; } &&
        { [ -n "${KRING_CHROMEDRIVER:-}" ] || command -v chromedriver >/dev/null 2>&1; }
}

if ! browser_installed; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Chromium or chromedriver is not installed: installing Debian's chromium and chromium-driver for the browser tests."
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
    else
        echo "The browser tests need Chromium and chromedriver and they were not found." >&2
        echo "Install them (Debian/Ubuntu: sudo apt-get install chromium chromium-driver)," >&2
        echo "or name them: KRING_CHROMIUM=/path/to/chromium KRING_CHROMEDRIVER=/path/to/chromedriver" >&2
        exit 1
    fi
fi

# The mail tests send to a real SMTP server: aiosmtpd (PyPI), in a virtualenv
# under the target directory, made once and reused. Needs Python 3 with venv and pip.
KRING_TEST_PYTHON=$(bash scripts/smtp-venv.sh "${CARGO_TARGET_DIR:-target}/smtp-venv")
export KRING_TEST_PYTHON

cargo test --workspace --locked "$@"

# The API against its contract: schemathesis sends generated requests to a
# running server and fails on a 5xx or an answer proto/openapi.json does not
# allow. Needs Python 3 with venv and pip (schemathesis comes from PyPI).
bash scripts/contract.sh
