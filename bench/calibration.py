"""How true the win chance is, on real public lead data, beside scikit-learn.

For each data set in bench/data/ (see SOURCES.md): the CSV is imported into a
new database with `leadtui import` (the app's own importer), then

- leadtui: `score evaluate` (the repository's evaluate_model): trained on 70%
  of the labelled leads, scored on the other 30%, and 5-fold CV;
- scikit-learn on the same features: LogisticRegression(C=1) on leadtui's
  own binned values one-hot encoded, same training and test leads;
- scikit-learn on the raw columns: numbers standardised as they are, text
  one-hot, same leads: what a data scientist would fit first.

AUC, log loss (against the base rate's), and ECE (10 bins) side by side.

    .venv/bin/python -m bench.calibration

scikit-learn is a bench dependency only (the `bench` extra), never the app's.
"""

import csv
import gzip
import io
import math
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sqlite_utils
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from leadtui.domain.learned_metrics import calibration_error, log_loss, roc_auc
from leadtui.repository import open_repository
from leadtui.repository.features import (
    Population,
    choose_features,
    learn_cuts,
    learning_sql,
)

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class DataSet:
    name: str
    file: str
    label: str  # the column holding the outcome
    delimiter: str
    # The importer's mapping: a column for the required name, and columns
    # whose headers the importer would take for lead fields they are not.
    maps: tuple[str, ...]
    # Numeric raw columns (for scikit-learn on the raw columns).
    numeric: tuple[str, ...]
    row_id: str | None = None  # a row-number column to add as the name, if none exists


DATA_SETS = (
    DataSet(
        "X Education leads",
        "x-education-leads.csv.gz",
        "Converted",
        ",",
        (
            "Prospect ID=name",
            "Lead Origin=custom",
            "Last Activity=custom",
            "Lead Quality=custom",
            "Tags=custom",
        ),
        ("TotalVisits", "Total Time Spent on Website", "Page Views Per Visit"),
    ),
    DataSet(
        "UCI bank marketing (additional, full)",
        "bank-additional-full.csv.gz",
        "y",
        ";",
        ("Client=name", "contact=custom"),
        (
            "age",
            "duration",
            "campaign",
            "pdays",
            "previous",
            "emp.var.rate",
            "cons.price.idx",
            "cons.conf.idx",
            "euribor3m",
            "nr.employed",
        ),
        row_id="Client",
    ),
)


@dataclass(frozen=True)
class Figures:
    auc: float | None
    log_loss: float | None
    ece: float | None


def figures(predicted: list[float], outcomes: list[bool]) -> Figures:
    return Figures(
        roc_auc(predicted, outcomes),
        log_loss(predicted, outcomes),
        calibration_error(predicted, outcomes),
    )


def read_rows(data: DataSet) -> tuple[list[str], list[list[str]]]:
    text = gzip.decompress((DATA / data.file).read_bytes()).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter=data.delimiter))
    header, body = rows[0], rows[1:]
    if data.row_id:
        header = [data.row_id, *header]
        body = [[f"{data.row_id.lower()} {n}", *row] for n, row in enumerate(body, start=1)]
    return header, body


def import_file(data: DataSet, header: list[str], body: list[list[str]], folder: Path) -> Path:
    """Write the rows as a CSV and import it with `leadtui import`: lead ids
    then follow the file's row order."""
    source = folder / "leads.csv"
    with source.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([header, *body])
    database = folder / "leads.db"
    leadtui = Path(sys.executable).parent / "leadtui"
    command = [str(leadtui), "import", str(source), "--db", str(database)]
    for mapping in data.maps:
        command += ["--map", mapping]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(done.stdout + done.stderr)
    return database


def leadtui_figures(database: Path, label: str) -> tuple[Figures, Figures, float, list[str]]:
    """leadtui's held-out figures, its 5-fold means, the seconds taken and
    the leak warnings, through the same call `score evaluate` makes."""
    repo = open_repository(database)
    started = time.perf_counter()
    result = repo.evaluate_model(label_field=label, test_fraction=0.3, seed=1, folds=5)
    seconds = time.perf_counter() - started
    cv = result.cross_validation
    assert cv is not None
    return (
        Figures(result.auc, result.log_loss, result.ece),
        Figures(cv.mean("auc"), cv.mean("log_loss"), cv.mean("ece")),
        seconds,
        [f"{leak.feature} (AUC {leak.auc:.3f})" for leak in result.leaks],
    )


def feature_rows(
    database: Path, label: str
) -> tuple[list[int], list[bool], list[bool], list[list[str]]]:
    """(lead id, won, in the test part, leadtui's feature values) per
    labelled lead, from the very query evaluate_model learns from."""
    db = sqlite_utils.Database(database)
    population = Population(label, 0.3, 1)
    specs = learn_cuts(db, choose_features(db, exclude=label), population)
    rows = db.execute(learning_sql(db, specs, population, ids=True) + " ORDER BY id").fetchall()
    return (
        [int(row[0]) for row in rows],
        [bool(row[1]) for row in rows],
        [bool(row[2]) for row in rows],
        [[str(value) for value in row[4:]] for row in rows],
    )


def sklearn_figures(
    features: list[list[str]] | np.ndarray, won: list[bool], test: list[bool], encode: bool
) -> Figures:
    train_rows = [i for i, t in enumerate(test) if not t]
    test_rows = [i for i, t in enumerate(test) if t]
    matrix = np.asarray(features, dtype=object)
    if encode:
        encoder = OneHotEncoder(handle_unknown="ignore")
        x_train = encoder.fit_transform(matrix[train_rows])
        x_test = encoder.transform(matrix[test_rows])
    else:
        x_train, x_test = matrix[train_rows], matrix[test_rows]
    y = np.asarray(won)
    model = LogisticRegression(C=1.0, max_iter=5000)
    model.fit(x_train, y[train_rows])
    predicted = [float(p) for p in model.predict_proba(x_test)[:, 1]]
    return figures(predicted, [bool(y[i]) for i in test_rows])


def raw_matrix(
    data: DataSet, header: list[str], body: list[list[str]], ids: list[int]
) -> np.ndarray:
    """The raw columns of the labelled leads (lead id n is row n): numbers
    standardised (a missing one is the mean, with a 'missing' flag), the
    rest one-hot; leaving out the label and identifiers."""
    skip = {data.label, "Prospect ID", "Lead Number", data.row_id}
    rows = [body[lead_id - 1] for lead_id in ids]
    numeric_parts = []
    for column in data.numeric:
        at = header.index(column)
        values = [float(row[at]) if row[at].strip() else math.nan for row in rows]
        known = [v for v in values if not math.isnan(v)]
        mean = sum(known) / len(known)
        numeric_parts.append([mean if math.isnan(v) else v for v in values])
        numeric_parts.append([1.0 if math.isnan(v) else 0.0 for v in values])
    numbers = StandardScaler().fit_transform(np.asarray(numeric_parts).T)
    text_columns = [c for c in header if c not in skip and c not in data.numeric]
    text = np.asarray([[row[header.index(c)] for c in text_columns] for row in rows])
    encoded = OneHotEncoder(handle_unknown="ignore").fit_transform(text).toarray()
    return np.hstack([numbers, encoded])


def line(name: str, f: Figures, base: float | None = None) -> str:
    def fixed(x: float | None) -> str:
        return "  n/a" if x is None else f"{x:.3f}"

    extra = f"  (base rate's log loss {base:.3f})" if base is not None else ""
    return f"  {name:<44} {fixed(f.auc)}  {fixed(f.log_loss)}  {fixed(f.ece)}{extra}"


def main() -> None:
    for data in DATA_SETS:
        header, body = read_rows(data)
        with tempfile.TemporaryDirectory() as folder:
            database = import_file(data, header, body, Path(folder))
            held_out, folds, seconds, leaks = leadtui_figures(database, data.label)
            ids, won, test, features = feature_rows(database, data.label)
            assert len(ids) == len(won) == len(body), "every row imported, in order"
            test_won = [w for w, t in zip(won, test, strict=True) if t]
            train_won = [w for w, t in zip(won, test, strict=True) if not t]
            rate = sum(train_won) / len(train_won)
            base = log_loss([rate] * len(test_won), test_won)
            same = sklearn_figures(features, won, test, encode=True)
            raw = sklearn_figures(raw_matrix(data, header, body, ids), won, test, encode=False)
        print(
            f"{data.name}: {len(body):,} leads, {sum(won):,} converted;"
            f" {len(test_won):,} held out (30%, seed 1); {len(features[0])} features"
        )
        print(f"  {'':<44}   AUC  logloss   ECE")
        print(line(f"leadtui (score evaluate, {seconds:.1f} s with CV)", held_out, base))
        print(line("scikit-learn LogisticRegression, same features", same))
        print(line("scikit-learn LogisticRegression, raw columns", raw))
        print(line("leadtui, 5-fold CV mean", folds))
        for leak in leaks:
            print(f"  warning: {leak} alone predicts the outcome almost perfectly")


if __name__ == "__main__":
    main()
