"""Charts with Persian labels: geo.use_persian_font() registers the bundled font, no warnings."""

from __future__ import annotations

import json
import subprocess
import sys

# A chart like notebook 01's, drawn in a fresh interpreter; it reports every matplotlib
# log record and Python warning, and the font file matplotlib picks for the text.
CHART = r"""
import io, json, logging, sys, warnings
import matplotlib
matplotlib.use("Agg")
from matplotlib import font_manager
messages = []
class Keep(logging.Handler):
    def emit(self, record):
        messages.append(record.getMessage())
logging.getLogger("matplotlib").addHandler(Keep())
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    import geo
    # the 1394 table's printed disagreements are warned by the loader (tests/test_stats.py);
    # this chart is about fonts
    warnings.simplefilter("ignore", geo.DataQualityWarning)
    if sys.argv[1] == "register":
        family = geo.use_persian_font()
        geo.use_persian_font()  # a second call changes nothing
    else:  # what notebook 01 did before: name the family without registering it
        matplotlib.rcParams["font.family"] = ["Noto Sans Arabic", "DejaVu Sans"]
    import matplotlib.pyplot as plt
    stats = geo.load_province_stats().sort_values("green_space_ha").tail(10)
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.barh(stats["name_fa"], stats["green_space_ha"])
    ax.set_title("فضای سبز شهرک‌ها و نواحی صنعتی، ۱۳۹۲ (هکتار)", weight="bold")
    ax.set_xlabel("hectares (Statistical Yearbook of Iran 1392, table 2-23)")
    fig.tight_layout()
    fig.savefig(io.BytesIO(), format="png")
used = font_manager.findfont(font_manager.FontProperties(family=matplotlib.rcParams["font.family"]), fallback_to_default=False)
bold = font_manager.findfont(font_manager.FontProperties(family=matplotlib.rcParams["font.family"], weight="bold"), fallback_to_default=False)
print(json.dumps({"messages": messages, "warnings": [str(w.message) for w in caught], "font": used, "bold": bold,
                  "entries": sum(e.name == "Noto Sans Arabic" for e in font_manager.fontManager.ttflist)}))
"""


def _draw(mode: str) -> dict:
    result = subprocess.run([sys.executable, "-c", CHART, mode], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_bundled_font_draws_persian_without_a_warning():
    import fontpkg
    from fontTools.ttLib import TTFont

    drawn = _draw("register")
    assert drawn["messages"] == [] and drawn["warnings"] == []
    assert drawn["font"] == str(fontpkg.path("Noto Sans Arabic"))
    assert drawn["entries"] == 2  # the variable font (regular) and its bold instance, once each
    bold = TTFont(drawn["bold"])
    assert bold["OS/2"].usWeightClass == 700 and "fvar" not in bold
    assert bold["name"].getDebugName(1) == "Noto Sans Arabic" and bold["name"].getDebugName(2) == "Bold"


def test_without_it_matplotlib_warns_so_the_check_above_can_fail():
    drawn = _draw("unregistered")
    assert any("findfont: Font family 'Noto Sans Arabic' not found" in m for m in drawn["messages"])
