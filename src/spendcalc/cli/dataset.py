"""`dataset` and `schema`: the data in use and its JSON Schema, for people who bring their own."""

import typer

from spendcalc.cli.emit import write_document
from spendcalc.cli.options import OutputOption, state


def dataset(ctx: typer.Context, output: OutputOption = "-") -> None:
    """The dataset in use (the bundled one unless --data is given), as JSON: a start for your own.

    Example: spendcalc dataset --output allies-2026.json
    """
    from spendcalc.data.load import bundled_bytes

    run = state(ctx)
    run.dataset()  # a --data file is validated before it is copied anywhere
    raw = bundled_bytes() if run.data_path is None else run.data_path.read_bytes()
    write_document(raw.decode("utf-8"), output)


def schema(output: OutputOption = "-") -> None:
    """The JSON Schema of the dataset, from the same models that validate it, for your own datasets.

    Example: spendcalc schema --output allies.schema.json
    """
    import json

    from spendcalc.data.schema import Dataset

    document = Dataset.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    write_document(json.dumps(document, indent=2, ensure_ascii=False) + "\n", output)
