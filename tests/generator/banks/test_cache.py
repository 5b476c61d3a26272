"""The disk cache of validated banks: the same banks, without parsing them again."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.banks import cache, load
from generator.banks.cache import cache_dir, code_fingerprint, fingerprint
from generator.banks.load import BANK_DIR, read_bank
from generator.errors import BankError
from generator.instance import make_instance
from tests.generator.banks.samples import GOOD_BANK

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = sorted(BANK_DIR.glob("*.yaml"))
PATH = Path("test.yaml")


@pytest.fixture
def cache_folder(tmp_path, monkeypatch) -> Path:
    """An empty cache folder of the test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("CALCDRILL_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The texts read afresh (parsed and validated) rather than taken from the cache."""
    texts = []
    fresh = load._read_bank

    def counting(text, path):
        texts.append(text)
        return fresh(text, path)

    monkeypatch.setattr(load, "_read_bank", counting)
    return texts


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("banks/*/*.json"))


def fresh_and_cached(path: Path, parses: list[str]):
    text = path.read_text("utf-8")
    fresh, _ = read_bank(text, path)
    cached, _ = read_bank(text, path)
    assert len(parses) == 1, "the second read did not come from the cache"
    return fresh, cached


class TestReadBank:
    @pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
    def test_cached_bank_equals_fresh_one(self, path, cache_folder, parses):
        """A shipped bank from the cache is the bank read afresh, lines and paths too."""
        fresh, cached = fresh_and_cached(path, parses)
        assert cached == fresh
        assert (cached.path, cached.line) == (fresh.path, fresh.line)
        assert [(f.path, f.line, f.lines) for f in cached.families] == \
               [(f.path, f.line, f.lines) for f in fresh.families]

    @pytest.mark.slow
    @pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
    def test_cached_bank_makes_the_same_instances(self, path, cache_folder, parses):
        """Every family of a cached shipped bank makes the problems the fresh one makes
        (its templates, compiled only when first shown, show the same text)."""
        fresh, cached = fresh_and_cached(path, parses)
        for old, new in zip(fresh.families, cached.families, strict=True):
            for seed in (0, 1, 2):
                assert make_instance(cached, new, seed) == make_instance(fresh, old, seed)

    def test_changed_text_misses(self, cache_folder, parses):
        """A bank whose text changed is read afresh."""
        read_bank(GOOD_BANK, PATH)
        changed, _ = read_bank(GOOD_BANK.replace("version: 2", "version: 3"), PATH)
        assert len(parses) == 2
        assert changed.version == 3

    def test_changed_code_misses(self, cache_folder, parses, monkeypatch):
        """After the loader's code changed (another fingerprint) a bank is read afresh."""
        read_bank(GOOD_BANK, PATH)
        monkeypatch.setattr(cache, "code_fingerprint", lambda: "0" * 64)
        read_bank(GOOD_BANK, PATH)
        read_bank(GOOD_BANK, PATH)
        assert len(parses) == 2
        assert len(entries(cache_folder)) == 2

    def test_same_text_elsewhere_keeps_its_path(self, cache_folder, parses):
        """A cached bank names the file it was read from this time."""
        read_bank(GOOD_BANK, PATH)
        bank, lines = read_bank(GOOD_BANK, Path("elsewhere/copy.yaml"))
        assert len(parses) == 1
        assert bank.path == bank.families[0].path == Path("elsewhere/copy.yaml")
        assert lines.line(("families", 0, "prompt")) == 16

    @pytest.mark.parametrize("damage", [
        lambda text: text[: len(text) // 2],
        lambda text: "not json at all",
        lambda text: json.dumps({**json.loads(text), "text": "0" * 64}),
        lambda text: json.dumps({**json.loads(text), "format": 0}),
        lambda text: json.dumps({**json.loads(text), "bank": {"data": {}}}),
        lambda text: "[]",
    ], ids=["cut-short", "not-json", "another-text", "old-format", "not-a-bank", "a-list"])
    def test_damaged_entry_is_ignored_and_rewritten(self, cache_folder, parses, damage):
        """An entry that is cut short, unreadable or for something else is read past and
        written again."""
        good, _ = read_bank(GOOD_BANK, PATH)
        [entry] = entries(cache_folder)
        entry.write_text(damage(entry.read_text("utf-8")), "utf-8")
        again, _ = read_bank(GOOD_BANK, PATH)
        read_bank(GOOD_BANK, PATH)
        assert again == good
        assert len(parses) == 2
        assert json.loads(entry.read_text("utf-8"))["bank"]["data"]["bank"] == "test-bank"

    def test_unwritable_folder_means_no_cache(self, tmp_path, monkeypatch, parses):
        """A cache folder that cannot be made: banks are read every time, without error."""
        blocker = tmp_path / "a-file"
        blocker.write_text("")
        monkeypatch.setenv("CALCDRILL_CACHE_DIR", str(blocker / "cache"))
        first, _ = read_bank(GOOD_BANK, PATH)
        second, _ = read_bank(GOOD_BANK, PATH)
        assert first == second
        assert len(parses) == 2

    def test_bank_with_a_mistake_is_not_cached(self, cache_folder, parses):
        """A bank that fails gives the same file:line error each time, and no entry."""
        bad = GOOD_BANK.replace("difficulty: 1", "difficulty: 7")
        messages = []
        for _ in range(2):
            with pytest.raises(BankError) as caught:
                read_bank(bad, PATH)
            messages.append(str(caught.value))
        assert messages == ["test.yaml:8: families.0.difficulty: 7 is greater than the "
                            "maximum of 3"] * 2
        assert entries(cache_folder) == []

    def test_data_json_cannot_hold_is_not_cached(self, cache_folder, parses):
        """YAML a JSON entry would not give back exactly (a date) is read every time."""
        dated = GOOD_BANK.replace("require:", "example: {a: 2026-11-30}\n    require:")
        first, _ = read_bank(dated, PATH)
        second, _ = read_bank(dated, PATH)
        assert first == second
        assert len(parses) == 2
        assert entries(cache_folder) == []

    def test_cache_hit_imports_neither_yaml_nor_jsonschema(self, cache_folder):
        """A process whose banks are all cached does not import PyYAML or jsonschema."""
        code = ("import sys\n"
                "from generator.banks.load import shipped_banks\n"
                "banks = shipped_banks()\n"
                "print(sum(len(b.families) for b in banks), 'yaml' in sys.modules,"
                " 'jsonschema' in sys.modules)\n")
        runs = [subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                               text=True, timeout=120, check=True,
                               env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                                    "CALCDRILL_CACHE_DIR": str(cache_folder)}).stdout.split()
                for _ in range(2)]
        families = runs[0][0]
        assert runs == [[families, "True", "True"], [families, "False", "False"]]


class TestFingerprint:
    def test_changes_with_any_source_byte(self, tmp_path):
        """One changed byte in the loader's code gives another fingerprint."""
        sources = [tmp_path / "load.py", tmp_path / "templates.py"]
        for source in sources:
            source.write_text("x = 1\n")
        before = fingerprint(sources, ["jsonschema-4.26.0.dist-info"], tmp_path)
        sources[1].write_text("x = 2\n")
        assert fingerprint(sources, ["jsonschema-4.26.0.dist-info"], tmp_path) != before

    def test_changes_with_versions(self, tmp_path):
        """Another installed version of calcdrill or a library gives another fingerprint."""
        source = tmp_path / "load.py"
        source.write_text("x = 1\n")
        assert fingerprint([source], ["calcdrill-0.1.0.dist-info"], tmp_path) != \
               fingerprint([source], ["calcdrill-0.2.0.dist-info"], tmp_path)

    def test_covers_the_loader_and_the_grader(self, tmp_path, monkeypatch):
        """The code fingerprint changes when bank reading's or the grader's code does."""
        for package in ("generator", "grader"):
            shutil.copytree(ROOT / package, tmp_path / package,
                            ignore=shutil.ignore_patterns("__pycache__"))
        monkeypatch.setattr(cache, "_PACKAGES", tmp_path)
        compute = code_fingerprint.__wrapped__
        before = compute()
        assert before == code_fingerprint()
        for changed in ("generator/banks/load.py", "generator/banks/templates.py",
                        "grader/functions.py"):
            with (tmp_path / changed).open("a") as source:
                source.write("\n")
            assert compute() != before
            before = compute()


class TestCacheDir:
    @pytest.mark.parametrize("environment, expected", [
        ({"CALCDRILL_CACHE_DIR": "/srv/cd", "XDG_CACHE_HOME": "/x"}, "/srv/cd"),
        ({"XDG_CACHE_HOME": "/x"}, "/x/calcdrill"),
        ({"XDG_CACHE_HOME": "relative"}, "/home/u/.cache/calcdrill"),
        ({}, "/home/u/.cache/calcdrill"),
    ])
    def test_where_the_cache_is(self, monkeypatch, environment, expected):
        """$CALCDRILL_CACHE_DIR, else $XDG_CACHE_HOME/calcdrill, else ~/.cache/calcdrill."""
        for name in ("CALCDRILL_CACHE_DIR", "XDG_CACHE_HOME"):
            monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("HOME", "/home/u")
        assert cache_dir() == Path(expected)

    def test_in_all(self):
        """The public names are in ``__all__``."""
        assert {"cache_dir", "code_fingerprint", "fingerprint", "read_entry",
                "write_entry"} <= set(cache.__all__)
