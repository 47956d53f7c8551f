"""The troubleshooting page's "paste a log" box: its markup (the macro `diagnose_in_page()`).

The diagnosis itself is trustpub.diagnose, run in the reader's browser by Pyodide
(docs/assets/javascripts/diagnose-page.js; macros/pyodide.py ships both into the site). The page
stays light until the box is used: nothing of Pyodide is loaded before.
"""

from __future__ import annotations

PRIVACY_NOTE = ("The log stays in your browser: the diagnosis runs in this page (the project's own "
                "Python code, on Pyodide served from this site), and nothing you paste is sent anywhere.")


def diagnose_box() -> str:
    """Raw HTML (Markdown leaves a block of HTML alone)."""
    from macros.pyodide import runtime_megabytes

    size = runtime_megabytes()
    weight = f" (about {size:.0f} MB, once)" if size else ""
    return f"""<div class="tp-diagnose" id="tp-diagnose" markdown="0">
<label for="tp-diagnose-log" class="tp-diagnose__label">Paste the failed job's log</label>
<p class="tp-diagnose__note" id="tp-diagnose-note">{PRIVACY_NOTE} The publisher values are compared with
your values from <em>Your project</em> (at the top of the page) when you set them, else with this guide's.</p>
<textarea id="tp-diagnose-log" class="tp-diagnose__log" rows="8" spellcheck="false" autocomplete="off"
 aria-describedby="tp-diagnose-note tp-diagnose-status"
 placeholder="Error: Trusted publishing exchange failure: …"></textarea>
<div class="tp-diagnose__actions"><button type="button" class="md-button md-button--primary" id="tp-diagnose-run">Diagnose</button>
<span class="tp-diagnose__status" id="tp-diagnose-status" role="status" aria-live="polite">Nothing is loaded until you use the box{weight}.</span></div>
<div class="tp-diagnose__result" id="tp-diagnose-result" aria-live="polite"></div>
<noscript><p>The in-page diagnosis needs JavaScript; <code>trustpub diagnose failed-job.log</code> gives the same result.</p></noscript>
</div>"""


def register(env) -> None:
    env.macro(diagnose_box, "diagnose_in_page")
