"""The open statistics' publishing rules, on the built tables themselves (no database): small cells
hidden, no sum that gives a hidden cell away, statuses only for agencies whose list is public,
changes only where a count is published both days."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from announcements.services.statistics import (
    CATEGORIES,
    COUNT_COLUMNS,
    FLAGS,
    STAGES,
    STATUSES,
    SUPPRESSED,
    AgencyFigures,
    add_changes,
    build_tables,
    changed_counts,
)


def figures(code: str, statuses: dict[str, int], *, public: bool = True, kind: str = "city", province: str = "32",
            flags: dict[str, int] | None = None) -> AgencyFigures:  # fmt: skip
    summary = {
        "status": {s: n for s, n in statuses.items() if n},
        "category": {"non_asn": sum(statuses.values())},
        "flag": dict(flags or {}),
    }
    return AgencyFigures(code=code, name=f"Instansi {code}", kind=kind, province=province, phase="prefinalised",
                         public=public, summary=summary)  # fmt: skip


def row(tables, table: str, key_column: str, key: str) -> dict:
    return next(r for r in tables[table] if r[key_column] == key)


def test_a_count_under_five_is_shown_as_less_than_five():
    tables = build_tables([figures("C1", {"eligible": 3, "ineligible": 40, "submitted": 40})])
    assert row(tables, "agencies", "code", "C1")["status_eligible"] == SUPPRESSED


def test_zero_and_counts_of_five_or_more_are_shown():
    tables = build_tables([figures("C1", {"eligible": 5, "ineligible": 40})])
    agency = row(tables, "agencies", "code", "C1")
    assert (
        agency["status_eligible"] == 5
        and agency["status_ineligible"] == 40
        and agency["status_submitted"] == 0
    )


def test_a_hidden_cell_cannot_be_worked_out_from_its_agencys_total():
    tables = build_tables([figures("C1", {"eligible": 3, "ineligible": 40, "submitted": 12})])
    agency = row(tables, "agencies", "code", "C1")
    # records (55) minus the other statuses would give eligible: one more of them is hidden too.
    hidden = [s for s in STATUSES if agency[f"status_{s}"] == SUPPRESSED]
    assert len(hidden) >= 2 and "eligible" in hidden


def test_a_hidden_agency_cell_cannot_be_worked_out_from_the_provinces_total():
    tables = build_tables(
        [
            figures("C1", {"eligible": 3, "ineligible": 40}),
            figures("C2", {"eligible": 30, "ineligible": 40}),
            figures("C3", {"eligible": 50, "ineligible": 40}),
        ]
    )
    cells = [row(tables, "agencies", "code", c)["status_eligible"] for c in ("C1", "C2", "C3")]
    province = row(tables, "provinces", "province_code", "32")["status_eligible"]
    assert sum(1 for v in [*cells, province] if v == SUPPRESSED) >= 2


def test_an_agency_without_a_public_list_shows_its_progress_only():
    tables = build_tables([figures("C1", {"eligible": 30, "ineligible": 40, "registered": 7}, public=False)])
    agency = row(tables, "agencies", "code", "C1")
    assert agency["records"] == 77 and agency["stage_decided"] == 70 and agency["stage_in_progress"] == 7
    assert all(agency[f"status_{s}"] is None for s in STATUSES)
    assert all(agency[f"flag_{f}"] is None for f in FLAGS) and agency["category_non_asn"] is None
    assert row(tables, "statuses", "status", "eligible")["records"] is None  # nothing listed nationally


def test_flag_shares_are_of_the_listed_records_and_hidden_with_their_count():
    tables = build_tables(
        [figures("C1", {"eligible": 100}, flags={"age": 25, "service": 3}), figures("C2", {"eligible": 100})]
    )
    agency = row(tables, "agencies", "code", "C1")
    assert agency["share_age"] == 25.0
    assert agency["flag_service"] == SUPPRESSED and agency["share_service"] is None


def test_change_is_the_difference_where_both_days_publish_the_count():
    before = build_tables(
        [figures("C1", {"ineligible": 30, "submitted": 20}), figures("C2", {"eligible": 3, "ineligible": 9})]
    )
    now = build_tables(
        [figures("C1", {"ineligible": 30, "submitted": 32}), figures("C2", {"eligible": 8, "ineligible": 9})]
    )
    add_changes(now, changed_counts(before))
    assert row(now, "agencies", "code", "C1")["change"] == 12
    assert row(now, "progress", "stage", "total")["change"] == 17
    assert row(now, "statuses", "status", "eligible")["records"] == 8
    assert row(now, "statuses", "status", "eligible")["change"] is None  # "<5" the day before


# --- The rule on generated agencies: no sum has exactly one hidden part ---------------------------------

small_or_not = st.one_of(st.integers(0, 6), st.integers(0, 400))
agency_statuses = st.fixed_dictionaries({s: small_or_not for s in STATUSES})


@settings(max_examples=100, deadline=None)
@given(
    agencies=st.lists(
        st.tuples(
            agency_statuses,
            st.booleans(),
            st.sampled_from(["city", "regency", "province", "central"]),
            st.sampled_from(["32", "33", ""]),
            st.dictionaries(st.sampled_from(FLAGS), small_or_not),
        ),  # fmt: skip
        min_size=1,
        max_size=8,
    )
)
def test_no_published_sum_gives_a_hidden_cell_away(agencies):
    built = [
        figures(
            f"X{i}",
            statuses,
            public=public,
            kind=kind,
            province=province if kind != "central" else "",
            flags=flags,
        )  # fmt: skip
        for i, (statuses, public, kind, province, flags) in enumerate(agencies)
    ]
    tables = build_tables(built)
    for name, rows in tables.items():
        for r in rows:
            for column in COUNT_COLUMNS:
                value = r.get(column)
                assert not (isinstance(value, int) and 0 < value < 5), (name, column, value)

    def exactly_one_hidden(cells: list) -> bool:
        present = [c for c in cells if c is not None]
        return sum(1 for c in present if c == SUPPRESSED) == 1

    for a in tables["agencies"]:
        assert not exactly_one_hidden([a["records"], *(a[f"stage_{s}"] for s in STAGES)])
        if a["list_public"]:
            assert not exactly_one_hidden([a["listed_records"], *(a[f"status_{s}"] for s in STATUSES)])
            assert not exactly_one_hidden([a["listed_records"], *(a[f"category_{c}"] for c in CATEGORIES)])
            for stage, members in STAGES.items():
                assert not exactly_one_hidden([a[f"stage_{stage}"], *(a[f"status_{s}"] for s in members)])
    for group_table, key in (("kinds", "kind"), ("provinces", "province_code")):
        for g in tables[group_table]:
            members = [a for a in tables["agencies"] if a[key] == g[key]]
            if not members:
                continue  # an empty group's 0 gives nothing away, hidden or not
            for column in COUNT_COLUMNS:
                assert not exactly_one_hidden([g[column], *(a[column] for a in members)]), (
                    group_table,
                    column,
                )
        for column in COUNT_COLUMNS:
            assert not exactly_one_hidden(
                [_national(tables, column), *(g[column] for g in tables[group_table])]
            ), (group_table, column)


def _national(tables, column: str):
    """The nation's cell of a count column, from the national tables."""
    if column == "records":
        return tables["progress"][-1]["records"]
    if column == "listed_records":
        return tables["statuses"][-1]["records"]
    prefix, _, key = column.partition("_")
    source = {"stage": ("progress", "stage"), "status": ("statuses", "status"),
              "category": ("categories", "category"), "flag": ("flags", "flag")}.get(prefix)  # fmt: skip
    if column == "flagged":
        return next(r["records"] for r in tables["flags"] if r["flag"] == "any")
    table, key_column = source
    return next(r["records"] for r in tables[table] if r[key_column] == key)
