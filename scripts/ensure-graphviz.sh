#!/bin/sh
# Make sure the Graphviz `dot` program is available, installing it when we are allowed to.
if command -v dot >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && command -v apt-get >/dev/null 2>&1; then
    SUDO="sudo -n"
else
    echo "note: Graphviz 'dot' is not installed; install it with 'apt install graphviz'," \
         "'brew install graphviz' or 'conda install graphviz' to render graphs." \
         "Tests that render are skipped without it." >&2
    exit 0
fi
echo "installing Graphviz (apt-get install graphviz) ..." >&2
$SUDO apt-get update -qq >/dev/null 2>&1
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq graphviz >/dev/null 2>&1 \
    || echo "warning: could not install Graphviz; rendering tests will be skipped" >&2
exit 0
