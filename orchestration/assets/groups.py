"""The asset groups of the global lineage, decided here and nowhere else (issue 18 item 5).

Twelve groups a newcomer reads at a glance:

- one per **source system**, holding its raw tables and its staging models together (``cbp``,
  ``mpp_pages``, ``ohss``, ``eoir``, ``uscis``: the dbt sources of models/staging/<system>/);
- one per **goal** of the DHS document (``goal_1a_relief`` ... ``goal_4_encounters``), holding the marts of
  models/marts/<goal folder>/ and the intermediate models that implement that goal's rules;
- ``definitions``: the dbt seeds (every definition as data);
- ``publication``: the headline figures of every goal (models/marts/metrics, intermediate/metrics), their
  reconciliation with published figures and history, and the outputs (metrics.json, the published warehouse,
  the report, dbt docs).

Dagster has no group descriptions: :data:`GROUPS` says what each group is, and every asset of a goal group
carries its goal's statement as the second paragraph of its description (after the model's own, before its
SQL) and the tag ``goal`` (filter the asset catalog by it), so the group view of a goal explains that goal
alone.
"""

from __future__ import annotations

GROUPS: dict[str, str] = {
    "cbp": "CBP (U.S. Customs and Border Protection): Southwest Border and nationwide encounter extracts, "
           "raw and staged.",
    "mpp_pages": "CBP's published MPP statistics pages and TRAC's MPP court table, raw and staged.",
    "ohss": "DHS Office of Homeland Security Statistics monthly tables (book-outs, encounters by region, "
            "sector and field office), raw and staged.",
    "eoir": "EOIR court release (cases, proceedings, applications, schedule, case identifiers, lookups), raw "
            "and staged.",
    "uscis": "USCIS non-refoulement interview (NRI) referrals, raw and staged.",
    "goal_1a_relief": "Goal 1a: MPP removal proceedings ending in a grant of relief (asylum, statutory "
                      "withholding, CAT withholding), by most protective form.",
    "goal_1b_nri": "Goal 1b: MPP aliens referred to USCIS for a non-refoulement interview, and the "
                   "interviews' outcomes.",
    "goal_2_completions": "Goal 2: MPP cases completed by immigration judges since inception (initial "
                          "completions of cases whose NTA was filed), by outcome; the cases still pending.",
    "goal_3_enrollments": "Goal 3: aliens enrolled in MPP by CBP across the Southwest Border since inception "
                          "(CBP pages and OHSS book-outs), beside the court side's NTAs filed.",
    "goal_4_encounters": "Goal 4: Southwest Border enforcement encounters (USBP + OFO, Title 8 + Title 42), "
                         "monthly and by fiscal year.",
    "definitions": "Every definition as data: the dbt seeds (timeline, phases, codes, locations, source "
                   "precedence, control figures).",
    "publication": "The headline figures of every goal, their reconciliation with published figures and their "
                   "history, and the outputs: metrics.json, the published warehouse, the report, dbt docs.",
}

GOAL_GROUPS = tuple(g for g in GROUPS if g.startswith("goal_"))
SEEDS = "definitions"
PUBLICATION = "publication"

#: source system of each ``data/raw/<folder>`` / dbt staging folder -> its group
SOURCE_GROUPS: dict[str, str] = {
    "cbp": "cbp", "mpp": "mpp_pages", "trac": "mpp_pages", "mpp_pages": "mpp_pages",
    "ohss": "ohss", "ohss_ielp": "ohss", "eoir": "eoir", "uscis": "uscis",
}

#: dbt model folders (fqn below the project) outside staging -> group
FOLDER_GROUPS: dict[tuple[str, str], str] = {
    ("marts", "goal_1a_relief"): "goal_1a_relief",
    ("marts", "goal_1b_nri"): "goal_1b_nri",
    ("marts", "goal_2_completions"): "goal_2_completions",
    ("marts", "goal_3_enrollments"): "goal_3_enrollments",
    ("marts", "goal_4_encounters"): "goal_4_encounters",
    ("marts", "metrics"): PUBLICATION,
    ("marts", "reconciliation"): PUBLICATION,
    ("marts", "history"): PUBLICATION,
    # the old mart names kept for one release (views over the renamed marts, published as views)
    ("marts", "_deprecated"): PUBLICATION,
    ("intermediate", "metrics"): PUBLICATION,
    # the court rules (MPP case identification, completed proceedings, initial completions) are goal 2's
    ("intermediate", "court"): "goal_2_completions",
    # CBP MPP page totals and OHSS book-out totals: the two series of goal 3's CBP side
    ("intermediate", "cbp_mpp"): "goal_3_enrollments",
    ("intermediate", "ohss"): "goal_3_enrollments",
    ("intermediate", "encounters"): "goal_4_encounters",
    # goal 1b's as-of rule (the outcome known on the as-of date) over the USCIS NRI referrals
    ("intermediate", "uscis"): "goal_1b_nri",
}

#: intermediate models that implement another goal's rule than their folder's
MODEL_GROUPS: dict[str, str] = {"int_relief_grants": "goal_1a_relief"}


def source_group(source: str) -> str:
    """The group of a source system's raw and staging assets (``source``: a data/raw folder or dbt source)."""
    try:
        return SOURCE_GROUPS[source]
    except KeyError:
        raise KeyError(f"source system {source!r} has no asset group: add it to SOURCE_GROUPS") from None


def model_group(fqn: list[str]) -> str:
    """The group of a dbt model from its fqn (``[project, layer, folder, ..., name]``)."""
    if fqn[-1] in MODEL_GROUPS:
        return MODEL_GROUPS[fqn[-1]]
    if fqn[1] == "staging":
        return source_group(fqn[2])
    try:
        return FOLDER_GROUPS[(fqn[1], fqn[2])]
    except KeyError:
        raise KeyError(f"dbt folder models/{fqn[1]}/{fqn[2]} has no asset group: add it to FOLDER_GROUPS") from None


def goal_note(group: str) -> str:
    """The paragraph on its goal in the description of every asset of a goal group ('' for other groups)."""
    return f"\n\n**{group}**: {GROUPS[group]}" if group in GOAL_GROUPS else ""


def goal_tags(group: str) -> dict[str, str]:
    """Tag ``goal`` (``1a``, ``2`` ...) of the assets of a goal group."""
    return {"goal": group.split("_")[1]} if group in GOAL_GROUPS else {}
