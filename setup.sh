#!/usr/bin/env bash
# Set up calcdrill from a fresh clone: the system packages WeasyPrint and the tests use
# (installed when this machine allows it, otherwise a note says what would help), a
# virtual environment in .venv, and calcdrill installed in it.
#   ./setup.sh          for using calcdrill
#   ./setup.sh --test   also installs the test tools
set -euo pipefail
cd "$(dirname "$0")"

# Pango for WeasyPrint, HarfBuzz's subsetter (without it every PDF takes ~0.35 s longer),
# the STIX text font that matches the STIX Two math font, Noto for names in Devanagari,
# Arabic, Hebrew, Thai and other scripts (42 MB), a small CJK font for names such as 张伟
# (fonts-noto-cjk would be 91 MB), fontconfig's fc-list (which `generate` asks whether a
# name can be printed), and poppler's pdftoppm and pdftotext, which the tests use.
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-stix fonts-noto-core
          fonts-wqy-microhei fontconfig poppler-utils)
# The web app's browser tests drive Debian's Chromium (Playwright never downloads one here).
if [ "${1:-}" = "--test" ]; then packages+=(chromium); fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then apt=(apt-get); elif sudo -n true 2>/dev/null; then apt=(sudo -n apt-get);
  else apt=(); fi
  if [ ${#apt[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${missing[*]}"
    if ! { "${apt[@]}" update -qq >/dev/null 2>&1 &&
           DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends \
             "${missing[@]}" >/dev/null 2>&1; }; then
      echo "setup: note: could not install ${missing[*]}; calcdrill still works, but PDFs may"
      echo "       use a fallback font, render more slowly, PDF tests that need pdftoppm skip,"
      echo "       and browser tests of the web app skip without chromium."
    fi
  else
    echo "setup: note: ${missing[*]} would make PDFs better and faster (and let the PDF tests"
    echo "       look at pages); install them with your package manager (needs root)."
  fi
elif ! command -v dpkg-query >/dev/null 2>&1; then
  echo "setup: note: not a Debian system; make sure Pango, HarfBuzz, the STIX fonts and"
  echo "       poppler-utils are installed for the best PDFs."
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
extras=""
# --test also brings Dask (the dask extra), so the engine tests run on a LocalCluster.
[ "${1:-}" = "--test" ] && extras="[test,dask]"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras}"
echo "setup: ready (.venv)"
