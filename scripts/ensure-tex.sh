#!/usr/bin/env bash
# Make sure the TeX tools the sheets and the tests need are installed:
# latexmk + pdflatex with the LaTeX packages the templates load, and poppler's
# pdftotext/pdftoppm (the tests read PDFs back).  Installs them with apt-get when
# running as root (or with password-less sudo); otherwise prints the command and
# fails, so `make pdf` / `make test` never half-work.
set -euo pipefail

PACKAGES=(texlive-latex-base texlive-latex-recommended texlive-latex-extra
          texlive-fonts-recommended latexmk poppler-utils)
COMMANDS=(latexmk pdflatex kpsewhich pdftotext pdftoppm)
# What templates/*.j2 and generator/render/latex_sheet.py \usepackage, lastpage (a test's
# user template), and mylatexformat (generator/render/tex_format.py dumps the preamble).
STYLES=(amsmath.sty amssymb.sty cancel.sty geometry.sty parskip.sty lastpage.sty multicol.sty
        needspace.sty mylatexformat.ltx)

missing() {
    local name
    for name in "${COMMANDS[@]}"; do
        command -v "$name" >/dev/null 2>&1 || { echo "command $name"; return 0; }
    done
    for name in "${STYLES[@]}"; do
        [ -n "$(kpsewhich "$name" 2>/dev/null)" ] || { echo "LaTeX package $name"; return 0; }
    done
    return 1
}

what=$(missing) || exit 0

# shellcheck source=scripts/apt-install.sh
. "$(dirname "$0")/apt-install.sh"
apt_install "$what" "Install TeX Live with latexmk, and poppler-utils, then run make again." \
    "${PACKAGES[@]}"

if what=$(missing); then
    echo "error: $what is still missing after installing ${PACKAGES[*]}" >&2
    exit 1
fi
echo "ensure-tex: TeX Live is ready" >&2
