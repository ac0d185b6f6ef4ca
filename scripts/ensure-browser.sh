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

install=(apt-get install -y --no-install-recommends chromium)
if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: no Chromium (chromium) and this is not a Debian-like system (no apt-get)." >&2
    echo "Install Chromium, or set TRACETRICK_BROWSER to a Chrome/Chromium binary." >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
else
    echo "error: Chromium is missing, and installing it needs root. Run:" >&2
    echo "  sudo apt-get update && sudo env DEBIAN_FRONTEND=noninteractive ${install[*]}" >&2
    exit 1
fi

echo "ensure-browser: Chromium is missing; installing it (once)" >&2
"${sudo[@]}" apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive "${install[@]}"

if ! command -v chromium >/dev/null 2>&1; then
    echo "error: chromium is still missing after apt-get install chromium" >&2
    exit 1
fi
echo "ensure-browser: Chromium is ready" >&2
