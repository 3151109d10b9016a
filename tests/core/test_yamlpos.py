"""The positional YAML loader: positions, merge keys, YAML 1.2 scalars, what it refuses."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from tests.support.paths import LAB
from topodoc.model.problems import Location
from topodoc.reading.yamlpos import YAMLProblem, YList, YMap, load


def parse(text: str):
    return load(textwrap.dedent(text), "f.yaml")


def problem(text: str) -> YAMLProblem:
    with pytest.raises(YAMLProblem) as info:
        parse(text)
    return info.value


def test_positions_of_keys_values_and_items():
    doc = parse("""\
        version: 1
        hosts:
          - id: h1
            tags: [a, b]
            cpu: {sockets: 2,
                  cores: 8}
          -   id: h2
        """)
    assert isinstance(doc, YMap)
    assert doc.loc() == Location("f.yaml", 1, 1)
    assert doc.loc("hosts", of_key=True) == Location("f.yaml", 2, 1)
    assert doc.loc("hosts") == Location("f.yaml", 3, 3)  # a block sequence starts at its "-"
    hosts = doc["hosts"]
    assert isinstance(hosts, YList)
    assert hosts.loc(0) == Location("f.yaml", 3, 5)
    assert hosts.loc(1) == Location("f.yaml", 7, 7)
    assert hosts.loc(5) == hosts.loc()  # out of range: the list itself
    h1 = hosts[0]
    assert h1.loc("id", of_key=True) == Location("f.yaml", 3, 5)
    assert h1.loc("id") == Location("f.yaml", 3, 9)
    assert h1["tags"].loc(1) == Location("f.yaml", 4, 15)
    assert h1["cpu"].loc("cores", of_key=True) == Location("f.yaml", 6, 11)
    assert h1["cpu"].loc("cores") == Location("f.yaml", 6, 18)
    assert h1.loc("missing") == h1.loc()


def test_positions_count_characters_not_bytes():
    doc = parse("名前: 中文\nnext: [x, 値]\n")
    assert doc.loc("next") == Location("f.yaml", 2, 7)
    assert doc.loc("名前") == Location("f.yaml", 1, 5)
    assert doc["next"].loc(1) == Location("f.yaml", 2, 11)


def test_merge_keys():
    doc = parse("""\
        base: &base {platform: libvirt, vcpu: 4, memory: 8GiB}
        extra: &extra {vcpu: 8, autostart: true}
        one:
          <<: *base
          id: one
          vcpu: 2
        two:
          <<: [*extra, *base]
          id: two
        """)
    assert doc["one"] == {"platform": "libvirt", "vcpu": 2, "memory": "8GiB", "id": "one"}
    # the first mapping of a merge list wins over the later ones; explicit keys over all
    assert doc["two"] == {
        "vcpu": 8,
        "autostart": True,
        "platform": "libvirt",
        "memory": "8GiB",
        "id": "two",
    }
    assert "<<" not in doc["one"]
    assert doc["one"].loc("vcpu") == Location("f.yaml", 6, 9)  # the explicit value
    assert doc["one"].loc("memory") == Location("f.yaml", 1, 50)  # where the anchor has it


def test_a_merged_key_may_be_overridden_but_not_repeated():
    assert parse("a: &a {x: 1}\nb: {<<: *a, x: 2}\n")["b"] == {"x": 2}
    p = problem("a: &a {x: 1}\nb: {<<: *a, y: 2, y: 3}\n")
    assert (p.rule, p.loc) == ("yaml-duplicate-key", Location("f.yaml", 2, 19))


def test_merge_of_a_non_mapping_is_refused():
    p = problem("a: &a [1, 2]\nb: {<<: *a}\n")
    assert p.rule == "yaml-syntax"
    assert p.message == "a merge key '<<' needs a mapping or a list of mappings"
    assert p.loc == Location("f.yaml", 2, 9)


@pytest.mark.parametrize(
    "text, value",
    [
        ("on", "on"),
        ("off", "off"),
        ("yes", "yes"),
        ("no", "no"),
        ("y", "y"),
        ("n", "n"),
        ("Yes", "Yes"),
        ("NO", "NO"),
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("False", False),
        ("null", None),
        ("~", None),
        ("", None),
        ("12", 12),
        ("-3", -3),
        ("+7", 7),
        ("0o17", 15),
        ("0x1F", 31),
        ("012", 12),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        (".5", 0.5),
        (".inf", ".inf"),
        ("-.inf", "-.inf"),
        (".nan", ".nan"),
        (".NaN", ".NaN"),
        ("1_000", "1_000"),
        ("2021-10-01", "2021-10-01"),
        ("12:30", "12:30"),
        ("0b101", "0b101"),
        ("'true'", "true"),
        ('"12"', "12"),
        ("8", 8),
        ('"8"', "8"),
        ("64GiB", "64GiB"),
        ("192.168.6.1", "192.168.6.1"),
        ("1.25", 1.25),
        ('"1.25"', "1.25"),
    ],
)
def test_yaml_1_2_core_scalars(text, value):
    assert parse(f"v: {text}\n")["v"] == value


def test_no_infinite_numbers():
    """YAML's .inf and .nan stay strings: JSON cannot write them, and no field needs them."""
    values = parse("a: [.inf, +.inf, -.Inf, .NaN, .INF, 1e400]\n")["a"]
    assert values[:5] == [".inf", "+.inf", "-.Inf", ".NaN", ".INF"]
    assert values[5] == "1e400"  # too large for a double: not silently infinite
    p = problem("a: !!float .nan\n")
    assert p.message == "'.nan' is not a valid !!float"


def test_numbers_too_long_for_a_topology_stay_strings():
    assert parse(f"a: {'9' * 40}\n")["a"] == int("9" * 40)
    assert parse(f"a: {'9' * 41}\n")["a"] == "9" * 41
    assert parse(f"a: {'9' * 5000}\n")["a"] == "9" * 5000  # past Python's int/str limit


def test_keys_are_strings_where_yaml_would_make_them_booleans():
    doc = parse("on: 1\nyes: 2\ntrue: 3\nnull: 4\n1.5: 5\n")
    assert doc == {"on": 1, "yes": 2, "true": 3, "null": 4, "1.5": 5}


@pytest.mark.parametrize(
    "text, rule, message, loc",
    [
        (
            "a: 1\n---\nb: 2\n",
            "yaml-syntax",
            "more than one YAML document in a file; split it into several files",
            (2, 1),
        ),
        (
            "--- \na: 1\n...\n---\nb: 2\n",
            "yaml-syntax",
            "more than one YAML document in a file; split it into several files",
            (4, 1),
        ),
        (
            "a: !!python/object:os.system x\n",
            "yaml-tag",
            "unsupported YAML tag 'tag:yaml.org,2002:python/object:os.system': topology files use "
            "plain YAML values only",
            (1, 4),
        ),
        (
            "a: !!binary aGVsbG8=\n",
            "yaml-tag",
            "unsupported YAML tag 'tag:yaml.org,2002:binary': topology files use plain YAML values "
            "only",
            (1, 4),
        ),
        (
            "a: !custom x\n",
            "yaml-tag",
            "unsupported YAML tag '!custom': topology files use plain YAML values only",
            (1, 4),
        ),
        ("a: !!set {x, y}\n", "yaml-tag", "unsupported YAML tag 'tag:yaml.org,2002:set'", (1, 4)),
        (
            "a: !!python/name:os.system []\n",
            "yaml-tag",
            "unsupported YAML tag 'tag:yaml.org,2002:python/name:os.system'",
            (1, 4),
        ),
        ("a: !!int abc\n", "yaml-tag", "'abc' is not a valid !!int", (1, 4)),
        ("a: !!bool yes\n", "yaml-tag", "'yes' is not a valid !!bool", (1, 4)),
        ("a: !!float true\n", "yaml-tag", "'true' is not a valid !!float", (1, 4)),
        ("a: *nowhere\n", "yaml-syntax", "unknown alias *nowhere", (1, 4)),
        ("? [a]\n: b\n", "yaml-syntax", "a mapping key must be a plain value", (1, 3)),
        ("{[a]: b}\n", "yaml-syntax", "a mapping key must be a plain value", (1, 2)),
    ],
)
def test_refused(text, rule, message, loc):
    p = problem(text)
    assert (p.rule, p.message, (p.loc.line, p.loc.col)) == (rule, message, loc)


def test_explicit_tags_that_fit_are_accepted():
    doc = parse(
        "a: !!str 12\nb: !!int '12'\nc: !!float 1\nd: !!null ''\ne: !!bool true\n"
        "f: !!map {x: 1}\ng: !!seq [1]\n"
    )
    assert doc == {"a": "12", "b": 12, "c": 1.0, "d": None, "e": True, "f": {"x": 1}, "g": [1]}


def test_one_document_with_markers_is_fine():
    assert parse("%YAML 1.2\n---\na: 1\n...\n") == {"a": 1}


def test_empty_documents():
    assert parse("") is None
    assert parse("# comment\n") is None
    assert parse("---\n") is None


def test_aliases_share_values_and_count_against_the_limit():
    doc = parse("a: &x [1, 2]\nb: *x\nc: &s hello\nd: *s\n")
    assert doc["b"] == [1, 2] and doc["d"] == "hello"


@pytest.mark.parametrize("name", sorted(p.name for p in LAB.glob("*.yaml")))
def test_the_lab_reads_as_pyyaml_reads_it(name):
    """On the lab, the positional loader gives exactly what PyYAML's safe loader gives."""
    text = (LAB / name).read_text(encoding="utf-8")

    def plain(value):
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    assert plain(load(text, name)) == yaml.safe_load(text)
