#!/usr/bin/env bash
# apt_install WHAT HINT PACKAGE...: install Debian packages for `make`, as root (or with
# password-less sudo); otherwise print the exact command and fail.  Sourced by
# ensure-tex.sh and ensure-browser.sh, which decide what is missing.
apt_install() {
    local what=$1 hint=$2; shift 2
    local install=(apt-get install -y --no-install-recommends "$@")
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "error: $what is missing and this is not a Debian-like system (no apt-get)." >&2
        echo "$hint" >&2
        return 1
    fi
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo=(sudo -n)
        else
            echo "error: $what is missing, and installing it needs root. Run:" >&2
            echo "  sudo apt-get update && sudo env DEBIAN_FRONTEND=noninteractive ${install[*]}" >&2
            return 1
        fi
    fi
    echo "installing $*: $what is missing (once)" >&2
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive "${install[@]}"
}
