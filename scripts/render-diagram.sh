#!/usr/bin/env bash
# Renders the first mermaid block of a Markdown file to a PNG with Mermaid itself, in headless
# Chromium (Debian's package: apt-get install chromium). For looking at a diagram, not a test.
#   bash scripts/render-diagram.sh cdktf.out/diagram.md cdktf.out/diagram.png
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/usage.sh" && usage_if_asked "${BASH_SOURCE[0]}" "$@" && no_options "${BASH_SOURCE[0]}" "$@"
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
# useMaxWidth false: the SVG keeps its natural size instead of shrinking to the window, so the
# page can be measured; the size goes into the DOM for the first pass to read.
open(sys.argv[2], "w").write(f"""<!doctype html><html><body style="margin:16px;background:#fff">
<pre class="mermaid">{html.escape(m.group(1))}</pre>
<script src="mermaid.min.js"></script>
<script>
mermaid.initialize({{ startOnLoad: false, securityLevel: "strict", flowchart: {{ useMaxWidth: false }} }});
mermaid.run().then(() => {{
  const r = document.querySelector("svg").getBoundingClientRect();
  document.body.setAttribute("data-size", Math.ceil(r.width) + "x" + Math.ceil(r.height));
}});
</script>
</body></html>""")
PY
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget=10000)
# Pass 1 measures the rendered diagram; pass 2 takes a screenshot sized to it (plus the margin),
# so a large share is not cut off and a small one is not mostly blank.
size="$("$browser" "${flags[@]}" --window-size=4000,4000 --dump-dom "file://$work/index.html" 2>/dev/null | grep -o 'data-size="[0-9]*x[0-9]*"' | grep -o '[0-9]*x[0-9]*' || true)"
[ -n "$size" ] || { echo "mermaid did not render $src in chromium" >&2; exit 1; }
width=$(( ${size%x*} + 32 )); height=$(( ${size#*x} + 32 ))
"$browser" "${flags[@]}" --window-size="$width,$height" --screenshot="$(realpath -m "$out")" "file://$work/index.html" >/dev/null 2>&1
echo "$out (${width}x${height})"
