"""`pipeline.with_input`: one parsed pipeline serves every input of a batch (what --input sets), and relative
input paths in a pipeline file resolve from the file's folder."""

from platform_core import pipeline


def test_with_input_copies_the_sources_and_keeps_the_parsed_original(registry):
    p = pipeline.parse("version: 1\nsteps:\n  - {use: toy.count, path: a.txt, n: 2}\n  - {use: toy.add}\n", registry)
    q = pipeline.with_input(p, "b.txt")
    assert q.sources["count"].params.path == "b.txt" and q.sources["count"].params.n == 2
    assert p.sources["count"].params.path == "a.txt", "the parsed pipeline is not changed"
    assert q.steps is p.steps


def test_relative_input_paths_resolve_from_the_pipeline_files_folder(registry, tmp_path):
    folder = tmp_path / "pipelines"
    folder.mkdir()
    text = "version: 1\nsteps:\n  - {use: toy.count, path: ../data/n.txt}\n  - {use: toy.add}\n"
    (folder / "p.yaml").write_text(text)
    p = pipeline.load(folder / "p.yaml", registry)
    assert p.sources["count"].params.path == str(tmp_path / "data" / "n.txt")
    p = pipeline.load(folder / "p.yaml", registry, {"count": {"path": "given.txt"}})
    assert p.sources["count"].params.path == "given.txt", "--input and --set values are not rebased"
