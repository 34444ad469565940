"""``python -m kinerja.grammar``: regenerate ``grammar/lalr_tables.json`` from ``grammar/kinerja.lark`` (after any
change to the grammar, or to load the parser fast under another Lark version); see
:func:`kinerja.engine.syntax.parser`."""

from importlib import resources
from pathlib import Path

from kinerja.engine.syntax import tables_json

target = Path(str(resources.files("kinerja.grammar").joinpath("lalr_tables.json")))
target.write_text(tables_json(), encoding="utf-8")
print(f"{target} ditulis / written")
