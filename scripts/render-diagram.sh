#!/usr/bin/env bash
# Renders the first mermaid block of a Markdown file to a PNG with Mermaid itself, in headless
# Chromium (Debian's package: apt-get install chromium). For looking at a diagram, not a test.
#   bash scripts/render-diagram.sh cdktf.out/diagram.md cdktf.out/diagram.png
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/usage.sh" && usage_if_asked "${BASH_SOURCE[0]}" "$@"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="${1:-cdktf.out/diagram.md}"
out="${2:-${src%.md}.png}"
browser="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$browser" ] || { echo "no chromium on the PATH; install Debian's package: apt-get install chromium" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/node_modules/mermaid/dist/mermaid.min.js" "$work/"
python3 - "$src" "$work/index.html" <<'PY'
import html, re, sys
text = open(sys.argv[1]).read()
m = re.search(r"```mermaid\n(.*?)```", text, re.S)
if not m:
    sys.exit(f"{sys.argv[1]}: no mermaid block")
open(sys.argv[2], "w").write(f"""<!doctype html><html><body style="margin:16px;background:#fff">
<pre class="mermaid">{html.escape(m.group(1))}</pre>
<script src="mermaid.min.js"></script>
<script>mermaid.initialize({{ startOnLoad: true, securityLevel: "strict" }});</script>
</body></html>""")
PY
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1600,900 \
  --virtual-time-budget=10000 --screenshot="$(realpath -m "$out")" "file://$work/index.html" >/dev/null 2>&1
echo "$out"
