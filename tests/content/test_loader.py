"""Bad content is refused with a message naming the file, the entry and the field."""

from __future__ import annotations

import shutil

import pytest

from easeback.content.loader import CONTENT_DIR, ContentError, load_catalogue
from tests.domain.answers import RED_FLAGS


@pytest.fixture
def content(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return root


def test_packaged_content_loads(content):
    cat = load_catalogue(content)
    assert len(cat.techniques) >= 24
    assert len(cat.dispositions) == 5 and len(cat.stops) == 5 and len(cat.professionals) == 3


def test_bad_field_names_file_entry_and_field(content):
    path = content / "techniques" / "cat-cow.yaml"
    path.write_text(path.read_text().replace("hip_flexion_deg: 90", "hip_flexion_deg: 400", 1))
    with pytest.raises(ContentError) as err:
        load_catalogue(content)
    assert err.value.file == path
    assert err.value.entry == "cat-cow"
    assert err.value.field == "hip_flexion_deg"
    assert "cat-cow.yaml" in str(err.value)


def test_unknown_source_title_is_refused(content):
    path = content / "techniques" / "bridge.yaml"
    text = path.read_text()
    path.write_text(text.replace("sources:\n", "sources:\n      - A Blog I Made Up\n", 1))
    with pytest.raises(ContentError, match="unknown source title 'A Blog I Made Up'"):
        load_catalogue(content)


def test_duplicate_technique_id_is_refused(content):
    src = content / "techniques" / "bridge.yaml"
    shutil.copy(src, content / "techniques" / "zz-copy.yaml")
    with pytest.raises(ContentError, match="duplicate technique id"):
        load_catalogue(content)


def test_unquoted_yes_in_a_rule_is_refused(content):
    path = content / "screening.yaml"
    path.write_text(path.read_text().replace('{in: ["yes", "unsure"]}', "{in: [yes, unsure]}", 1))
    with pytest.raises(ContentError, match="quoted"):
        load_catalogue(content)


def test_broken_yaml_is_named(content):
    (content / "learn" / "stay-active.yaml").write_text("topics: [\n")
    with pytest.raises(ContentError, match=r"stay-active\.yaml: not valid YAML"):
        load_catalogue(content)


def test_every_red_flag_rule_treats_unsure_as_yes(catalogue):
    rules = {r.question: r for r in catalogue.screening.rules if r.question in RED_FLAGS}
    assert set(rules) == set(RED_FLAGS)
    for qid, rule in rules.items():
        assert rule.when.is_in is not None and set(rule.when.is_in) == {"yes", "unsure"}, qid
        assert rule.disposition is not None and rule.disposition.value == RED_FLAGS[qid]


def test_advice_names_what_to_do_and_whom_to_see(catalogue):
    emergency = catalogue.dispositions[
        next(iter(d for d in catalogue.dispositions if d.value == "emergency"))
    ]
    assert "emergency" in emergency.do_now.lower()
    urgent = next(v for k, v in catalogue.dispositions.items() if k.value == "urgent")
    assert "today" in urgent.do_now.lower()
    for rule in catalogue.screening.rules:
        if rule.disposition is not None and rule.disposition.value == "professional_first":
            assert rule.see, rule.id
    assert {"physical_therapist", "chiropractor", "primary_care_physician"} == set(
        catalogue.professionals
    )


def test_stop_advice_reopens_screening_for_nerve_signs(catalogue):
    rescreen = {r.value for r, a in catalogue.stops.items() if a.rescreen}
    assert rescreen == {"radiating_pain", "numbness"}


def test_every_advice_links_to_an_existing_learn_page(catalogue):
    from easeback.domain.progression import ADVICE_TOPICS, AdviceCode

    topics = {t.id for t in catalogue.topics}
    for rule in catalogue.screening.rules:
        if rule.disposition is not None:
            assert rule.learn, f"rule {rule.id} explains nothing"
        assert set(rule.learn) <= topics
    for reason, stop in catalogue.stops.items():
        assert set(stop.learn) <= topics, reason
    assert set(ADVICE_TOPICS) == set(AdviceCode)
    assert set(ADVICE_TOPICS.values()) <= topics


def test_unknown_learn_topic_in_stop_advice_is_refused(content):
    path = content / "screening.yaml"
    path.write_text(path.read_text().replace("learn: [red-flags, sciatica]", "learn: [nope]", 1))
    with pytest.raises(ContentError, match="unknown topic 'nope'"):
        load_catalogue(content)


def test_unknown_progression_is_refused(content):
    path = content / "techniques" / "back-extension.yaml"
    text = path.read_text()
    path.write_text(text.replace("progresses_from: sphinx", "progresses_from: sphinxx", 1))
    with pytest.raises(ContentError, match="unknown technique 'sphinxx'") as err:
        load_catalogue(content)
    assert err.value.entry == "cobra" and err.value.field == "progresses_from"


def test_progression_loop_is_refused(content):
    path = content / "techniques" / "back-extension.yaml"
    text = path.read_text()
    marker = "  - id: sphinx\n"
    start = text.index(marker)
    flags = text.index("    nerve_tension: false\n", start) + len("    nerve_tension: false\n")
    path.write_text(text[:flags] + "    progresses_from: cobra\n" + text[flags:])
    with pytest.raises(ContentError, match="progressions loop"):
        load_catalogue(content)


def test_a_technique_without_the_v2_fields_is_refused(content):
    path = content / "techniques" / "bridge.yaml"
    path.write_text(path.read_text().replace("    twist: false\n", "", 1))
    with pytest.raises(ContentError) as err:
        load_catalogue(content)
    assert err.value.entry == "bridge" and err.value.field == "twist"


def test_clearance_may_not_lower_urgent(content):
    path = content / "screening.yaml"
    text = path.read_text()
    path.write_text(text.replace("    lowers: professional_first\n", "    lowers: urgent\n", 1))
    with pytest.raises(ContentError, match="may only lower professional_first to caution"):
        load_catalogue(content)


def test_questions_out_of_asking_order_are_refused(content):
    path = content / "screening.yaml"
    text = path.read_text()
    block = (
        "  - id: cancer_history\n    kind: red_flag\n    text: Have you ever had cancer?\n"
    )
    assert block in text
    text = text.replace(block, "", 1)
    text = text.replace("  # --- context", block + "  # --- context", 1)
    path.write_text(text)
    with pytest.raises(ContentError, match="'cancer_history' \\(urgent\\) must come before"):
        load_catalogue(content)
