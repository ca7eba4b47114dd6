"""Relative input paths in a pipeline file resolve from the file's folder."""

from platform_core import pipeline


def test_relative_input_paths_resolve_from_the_pipeline_files_folder(registry, tmp_path):
    folder = tmp_path / "pipelines"
    folder.mkdir()
    text = "version: 1\nsteps:\n  - {use: toy.count, path: ../data/n.txt}\n  - {use: toy.add}\n"
    (folder / "p.yaml").write_text(text)
    p = pipeline.load(folder / "p.yaml", registry)
    assert p.sources["count"].params.path == str(tmp_path / "data" / "n.txt")
    p = pipeline.load(folder / "p.yaml", registry, {"count": {"path": "given.txt"}})
    assert p.sources["count"].params.path == "given.txt", "--input and --set values are not rebased"
