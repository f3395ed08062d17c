#!/usr/bin/env bash
# System libraries the project uses beyond Python: Pango (WeasyPrint's PDFs), fonts, and for the test
# suite Debian's Chromium headless shell (browser tests; the full `chromium` is used where the shell
# is not packaged) and redis-server (the shared cache's test). Installs what is missing with apt-get when run as root on Debian/Ubuntu;
# otherwise says what to install. Safe to run again: it does nothing when all is there.
set -u
missing=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib libpango-1.0.so.0 || missing+=(libpango-1.0-0)
have_lib libpangoft2-1.0.so.0 || missing+=(libpangoft2-1.0-0)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ "${1:-}" = "--with-browser" ]; then
  # The headless shell is Chromium's engine without the desktop browser around it: the browser
  # tests cost it less than half the CPU that `chromium --headless` costs (docs/performance.md). Installed
  # on its own, so that a release without the package still gets the rest, and chromium instead.
  if [ ! -x /usr/bin/chromium-headless-shell ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell; }
    } >/dev/null 2>&1 || true
  fi
  [ -x /usr/bin/chromium-headless-shell ] || command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] \
    || missing+=(chromium)
  # The shared cache's backend is tested against a real Redis (tests/test_redis_cache.py).
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Missing system packages: ${missing[*]} (install them with your package manager; browser tests are skipped without chromium-headless-shell or chromium)" >&2
fi
exit 0
