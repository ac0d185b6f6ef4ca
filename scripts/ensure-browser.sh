#!/usr/bin/env bash
# Make sure a headless Chromium is installed for tests/test_render_html.py, which opens
# the HTML pages in it and checks that MathJax typeset the math.  Installs Debian's
# `chromium` with apt-get when running as root (or with password-less sudo);
# otherwise prints the command and fails, so `make test` never half-works (in CI the
# test fails rather than skips when no browser is there).
set -euo pipefail

for name in chromium chromium-browser google-chrome; do
    command -v "$name" >/dev/null 2>&1 && exit 0
done

# shellcheck source=scripts/apt-install.sh
. "$(dirname "$0")/apt-install.sh"
apt_install "Chromium" "Install Chromium, or set TRACETRICK_BROWSER to a Chrome/Chromium binary." \
    chromium

if ! command -v chromium >/dev/null 2>&1; then
    echo "error: chromium is still missing after apt-get install chromium" >&2
    exit 1
fi
echo "ensure-browser: Chromium is ready" >&2
