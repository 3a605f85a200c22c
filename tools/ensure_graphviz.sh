#!/usr/bin/env bash
# Make sure Graphviz's `dot` program (needed to render DAGs) is installed.
# Installs it on Debian/Ubuntu when running as root; otherwise says what to do.
set -euo pipefail
if command -v dot >/dev/null 2>&1; then
    exit 0
fi
# COURSE_NO_INSTALL=1 reports instead of installing (used by the tests).
if [ -z "${COURSE_NO_INSTALL:-}" ] && command -v apt-get >/dev/null 2>&1 \
        && [ "$(id -u)" = "0" ]; then
    echo "Graphviz 'dot' not found: installing the Debian package 'graphviz'"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null
    command -v dot >/dev/null 2>&1 && exit 0
fi
cat >&2 <<'MSG'
error: the Graphviz program 'dot' is required to draw causal graphs, and it is
not installed. Install it, then run the command again:
  Debian/Ubuntu:  sudo apt-get install graphviz
  macOS:          brew install graphviz
  conda/mamba:    conda install -c conda-forge graphviz   (environment.yml does this)
  Windows:        winget install graphviz   (then reopen the terminal)
MSG
exit 1
