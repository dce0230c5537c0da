# Shared by scripts/test and scripts/demo: find a Python, make a virtualenv, start services.

find_python() {  # find_python 3.13 → path of a working python3.13
    local candidate
    for candidate in "python$1" "$(pyenv root 2>/dev/null)"/versions/"$1"*/bin/"python$1" /usr/bin/"python$1" /usr/local/bin/"python$1"; do
        if "$candidate" -c "import sys" >/dev/null 2>&1; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

make_venv() {  # make_venv DIR PYTHON EXTRAS [REQUIREMENT...] → DIR holds the project, editable
    local dir=$1 python=$2 extras=$3
    shift 3
    local stamp
    stamp=$(sha1sum < pyproject.toml | cut -c1-12)-$(echo "$extras $*" | sha1sum | cut -c1-12)
    if [ ! -x "$dir/bin/python" ]; then
        "$python" -m venv "$dir"
    fi
    if [ "$(cat "$dir/.minisentry-stamp" 2>/dev/null)" != "$stamp" ]; then
        "$dir/bin/python" -m pip install --quiet --upgrade pip
        "$dir/bin/python" -m pip install --quiet -e ".${extras:+[$extras]}" "$@"
        echo "$stamp" > "$dir/.minisentry-stamp"
    fi
}

ensure_postgres() {  # start the local PostgreSQL cluster when it is installed but down
    if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
        return 0
    fi
    if [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null; then
        echo "Starting PostgreSQL…"
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
        for _ in $(seq 30); do
            pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && return 0
            sleep 1
        done
    fi
    return 1
}

ensure_chromium() {  # Debian's chromium for the browser tests
    if [ -x /usr/bin/chromium ]; then
        return 0
    fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "Installing Debian's chromium for the browser tests…"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
    [ -x /usr/bin/chromium ]
}

ensure_js_deps() {  # tests/js/node_modules (@sentry/browser, esbuild) as package-lock.json pins them
    local dir=tests/js stamp
    stamp=$(cat "$dir/package.json" "$dir/package-lock.json" | sha1sum | cut -c1-12)
    if [ "$(cat "$dir/node_modules/.minisentry-stamp" 2>/dev/null)" = "$stamp" ]; then
        return 0
    fi
    command -v npm >/dev/null || return 1
    echo "Installing the browser SDK tests' npm packages (tests/js)…"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    echo "$stamp" > "$dir/node_modules/.minisentry-stamp"
}
