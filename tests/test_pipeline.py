import pytest

from platform_core import pipeline
from platform_core.errors import PipelineError
from platform_core.pipeline import PipelineInvalid


def errors(text, registry):
    with pytest.raises(PipelineInvalid) as e:
        pipeline.parse(text, registry, "p.yaml")
    return [str(x) for x in e.value.errors]


def test_linear_form_becomes_a_graph(registry):
    p = pipeline.parse("version: 1\nsteps:\n  - {use: toy.count, n: 3}\n  - {use: toy.add}\n"
                       "  - {use: toy.add, k: 5}\n  - {use: toy.sink}\n", registry)
    assert list(p.sources) == ["count"]
    assert list(p.steps) == ["add", "add2"]
    assert p.steps["add2"].inputs == ["add"] and p.steps["add2"].params.k == 5
    assert p.outputs[0].inputs == ["add2"]
    assert p.result == "add2"


def test_unknown_top_level_key_with_position(registry):
    assert errors("version: 1\nsteps:\n  - {use: toy.count}\noutptus: []\n", registry) == [
        "p.yaml:4:1: unknown key 'outptus' (did you mean 'outputs'?)"]


def test_unknown_component_did_you_mean(registry):
    assert errors("version: 1\nsteps:\n  - {use: toy.count}\n  - {use: toy.ad}\n", registry) == [
        "p.yaml:4:11: unknown component 'toy.ad' (did you mean 'toy.add'?)"]


def test_unknown_parameter_did_you_mean(registry):
    assert errors("version: 1\nsteps:\n  - use: toy.count\n    nn: 3\n", registry) == [
        "p.yaml:4:5: count: unknown parameter 'nn' for toy.count (did you mean 'n'?)"]


def test_bad_parameter_value(registry):
    (msg,) = errors("version: 1\nsteps:\n  - {use: toy.count, n: lots}\n", registry)
    assert msg.startswith("p.yaml:3:25: count: parameter 'n' of toy.count:") and "integer" in msg


def test_unknown_stream_did_you_mean(registry):
    text = "version: 1\nsources:\n  numbers: {use: toy.count}\nsteps:\n  plus: {use: toy.add, input: numbrs}\n"
    assert errors(text, registry) == ["p.yaml:5:31: plus: unknown stream 'numbrs' (did you mean 'numbers'?)"]


def test_kind_mismatch_names_both_ends(registry):
    text = ("version: 1\nsources:\n  ev: {use: toy.events, times: [0.1]}\n"
            "steps:\n  plus: {use: toy.add, input: ev}\n")
    assert errors(text, registry) == [
        "p.yaml:5:31: kind mismatch: 'ev' (toy.events) produces 'event' but 'plus' (toy.add) "
        "input 1 accepts 'number'"]


def test_cycle_is_reported(registry):
    text = ("version: 1\nsources:\n  n: {use: toy.count}\nsteps:\n  a: {use: toy.add, input: b}\n"
            "  b: {use: toy.add, input: a}\n")
    assert any("cycle in the pipeline" in m for m in errors(text, registry))


def test_yaml_syntax_error_and_duplicate_key_have_positions(registry):
    with pytest.raises(PipelineError, match=r"p.yaml:4:1: YAML syntax error"):
        pipeline.parse("version: 1\nsteps:\n  - {use: toy.count\n", registry, "p.yaml")
    with pytest.raises(PipelineError, match=r"p.yaml:3:1: duplicate key 'steps'"):
        pipeline.parse("version: 1\nsteps: []\nsteps: []\n", registry, "p.yaml")


def test_all_problems_are_reported_at_once(registry):
    msgs = errors("version: 1\nsteps:\n  - {use: toy.count, nn: 1}\n  - {use: toy.ad}\n", registry)
    assert len(msgs) == 2


def test_source_as_step_is_refused(registry):
    (msg,) = errors("version: 1\nsteps:\n  - {use: toy.add}\n", registry)
    assert "cannot be used as a source (the first step of a linear pipeline is its source)" in msg


def test_set_overrides_parameters(registry):
    p = pipeline.parse("version: 1\nsteps:\n  - {use: toy.count}\n  - {use: toy.add}\n", registry,
                       overrides=pipeline.parse_set(["add.k=7", "count.n=2"]))
    assert p.steps["add"].params.k == 7 and p.sources["count"].params.n == 2
    with pytest.raises(PipelineInvalid, match="unknown step 'ad' \\(did you mean 'add'"):
        pipeline.parse("version: 1\nsteps:\n  - {use: toy.count}\n  - {use: toy.add}\n", registry,
                       overrides=pipeline.parse_set(["ad.k=7"]))


def test_graph_without_steps_goes_from_sources_to_outputs(registry):
    p = pipeline.parse("version: 1\nsources:\n  n: {use: toy.count}\noutputs:\n  - {use: toy.sink, input: n}\n",
                       registry)
    assert not p.steps and p.outputs[0].inputs == ["n"] and p.result is None
