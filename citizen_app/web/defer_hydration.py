"""A build plugin: paint the prerendered page first, load the JavaScript after it.

Every page is prerendered to HTML, readable and usable (links, the GET search form)
before any script runs. React Router's output still asks the browser for every
JavaScript module straight away (``modulepreload`` links and a module script with
static imports), so on a slow 4G phone the first paint waits behind ~160 KB of
JavaScript. After the production build we drop the preloads and start the module
script once the page has loaded. Hydration then follows the first paint instead of
delaying it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from reflex_base.plugins.base import Plugin

_MODULEPRELOAD = re.compile(r'<link rel="modulepreload" href="[^"]+"/>')
_MODULE_SCRIPT = re.compile(r'<script type="module"(?: async="")?>(.*?)</script>', re.S)

_LOADER = (
    "<script>(function(){{function start(){{var s=document.createElement('script');s.type='module';"
    "s.textContent={source};document.body.appendChild(s);}}"
    "if(document.readyState==='complete'){{setTimeout(start,0);}}"
    "else{{addEventListener('load',function(){{setTimeout(start,0);}});}}}})();</script>"
)


def defer_hydration(html: str) -> str:
    html = _MODULEPRELOAD.sub("", html)
    return _MODULE_SCRIPT.sub(lambda match: _LOADER.format(source=json.dumps(match.group(1))), html)


class DeferHydrationPlugin(Plugin):
    def post_build(self, **context: Any) -> None:
        static_dir: Path = context["static_dir"]
        for page in static_dir.rglob("*.html"):
            original = page.read_text(encoding="utf-8")
            rewritten = defer_hydration(original)
            if rewritten != original:
                page.write_text(rewritten, encoding="utf-8")
