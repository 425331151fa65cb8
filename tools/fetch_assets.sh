#!/usr/bin/env bash
# Fetch the JavaScript the built book and the slide decks need, so that nothing is loaded
# from a CDN at read time. Run once at set-up (needs the npm registry), by `make assets`.
#
#   MathJax 3 (maths in the book and the decks) -> _extra/mathjax/   (Sphinx html_extra_path)
#   reveal.js 4 (slide decks)                   -> _vendor/reveal.js/
#   axe-core 4 (accessibility audit of the browser test) -> _vendor/axe-core/axe.min.js
#
# Versions are pinned and the tarballs are checked against tools/assets.sha256.
# Both target folders are git-ignored: vendored files stay out of the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

MATHJAX_VERSION=3.2.2
REVEAL_VERSION=4.6.1
AXE_VERSION=4.14.1
CACHE=_vendor/npm

if ! command -v npm >/dev/null 2>&1; then
  echo "npm is required at set-up to fetch MathJax, reveal.js and axe-core (see README: Prerequisites)" >&2
  exit 1
fi

# sha256sum (GNU coreutils, Linux) or shasum -a 256 (Perl, macOS): same check-file format.
if command -v sha256sum >/dev/null 2>&1; then
  sha256check() { sha256sum --check --quiet -; }
elif command -v shasum >/dev/null 2>&1; then
  sha256check() { shasum -a 256 --check --quiet -; }
else
  echo "neither sha256sum nor shasum found: cannot verify the downloads" >&2
  exit 1
fi

mkdir -p "$CACHE"
fetch() {  # fetch <package> <version>: npm pack into the cache, verify the checksum
  local tgz="$CACHE/$1-$2.tgz"
  if [ ! -f "$tgz" ]; then
    (cd "$CACHE" && npm pack --silent "$1@$2" >/dev/null)
  fi
  (cd "$CACHE" && grep " $1-$2.tgz\$" ../../tools/assets.sha256 | sha256check) || {
    echo "checksum mismatch for $tgz (tools/assets.sha256)" >&2; rm -f "$tgz"; exit 1; }
}

fetch mathjax "$MATHJAX_VERSION"
fetch reveal.js "$REVEAL_VERSION"
fetch axe-core "$AXE_VERSION"

# MathJax: the combined TeX/MathML-to-CHTML file Sphinx uses by default, plus the components
# it loads on demand (TeX extensions, CHTML fonts, the menu and accessibility modules).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar xzf "$CACHE/mathjax-$MATHJAX_VERSION.tgz" -C "$tmp"
rm -rf _extra/mathjax
mkdir -p _extra/mathjax
cp "$tmp/package/LICENSE" _extra/mathjax/
cp "$tmp/package/es5/tex-mml-chtml.js" _extra/mathjax/
cp -r "$tmp/package/es5/input" "$tmp/package/es5/output" "$tmp/package/es5/ui" \
      "$tmp/package/es5/a11y" "$tmp/package/es5/sre" "$tmp/package/es5/adaptors" _extra/mathjax/
echo "MathJax $MATHJAX_VERSION" > _extra/mathjax/VERSION

# reveal.js: the distribution files and the plugins (speaker notes).
rm -rf "$tmp/package"
tar xzf "$CACHE/reveal.js-$REVEAL_VERSION.tgz" -C "$tmp"
rm -rf _vendor/reveal.js
mkdir -p _vendor/reveal.js
cp -r "$tmp/package/dist" "$tmp/package/plugin" "$tmp/package/LICENSE" _vendor/reveal.js/
echo "reveal.js $REVEAL_VERSION" > _vendor/reveal.js/VERSION

# axe-core: the single-file engine the browser test injects into each page (never into the book).
rm -rf "$tmp/package"
tar xzf "$CACHE/axe-core-$AXE_VERSION.tgz" -C "$tmp"
rm -rf _vendor/axe-core
mkdir -p _vendor/axe-core
cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" _vendor/axe-core/
echo "axe-core $AXE_VERSION" > _vendor/axe-core/VERSION
echo "assets: MathJax $MATHJAX_VERSION in _extra/mathjax, reveal.js $REVEAL_VERSION in _vendor/reveal.js," \
     "axe-core $AXE_VERSION in _vendor/axe-core"
