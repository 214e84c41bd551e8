"""A realistic synthetic corpus of N abstracts, as JSON Lines, for the scale benchmarks.

    python bench/corpus.py 100000 -o /tmp/kg-100k.jsonl [--seed 1]

Abstracts are recombined from real sentences of the bundled sample corpus and the dev gold papers
(never the hold-out). So that the number of entities grows with N as it does in real data:

- every synthetic paper coins its own method name (it is the name before the title's colon and
  replaces the coined names of its sentences' source papers), like every real paper that proposes
  something;
- other coined names in its sentences become names coined by *earlier* synthetic papers, picked by
  preferential attachment (a name cited often is cited more), or now and then a fresh one;
- dataset names are sampled from the real datasets plus new benchmarks that appear at a steady rate;
  hardware is sampled from the real devices (few new devices appear).

The source sentences are run through kg once to find the mentions to rename. Same N and seed, same
file. Prints the number of papers and the distinct coined, dataset and hardware names used.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [*sorted((ROOT / "kg" / "data" / "sample_corpus").glob("*.txt")),
           ROOT / "tests" / "data" / "gold" / "dev-papers.jsonl"]
_COINED = re.compile(r"^(?=.*[A-Z].*)(?:[A-Z][a-z]+[A-Z]|[A-Z]{2,}|.*\d|[A-Za-z]+-[A-Z0-9])")
_SYLLABLES = ["ka", "lo", "ve", "ra", "mi", "zen", "tor", "qu", "flo", "nex", "sa", "dri", "pha", "lu", "vio",
              "mar", "cel", "ion", "ta", "gra", "bri", "no", "vex", "sol", "ari", "tek", "pi", "mo", "xi", "dra"]
_SUFFIXES = ["", "", "", "Net", "Former", "GPT", "Flow", "Tune", "Diff", "RL", "-2", "-XL", "++", "Zero", "Lite"]
_BENCH = ["Bench", "QA", "-1K", "Set", "Eval", "Corpus", "-Hard", "Arena"]


def is_coined(name: str) -> bool:
    """A name someone made up (CamelCase, acronym, versioned), not a term of the field."""
    return bool(_COINED.match(name)) and " " not in name


class Namer:
    """Fresh, unique, plausible names."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def method(self) -> str:
        while True:
            word = "".join(self.rng.choice(_SYLLABLES) for _ in range(self.rng.choice((2, 2, 3))))
            style = self.rng.random()
            if style < 0.3:
                name = word.upper()[: self.rng.choice((3, 4, 5))]
            else:
                name = word.capitalize() + self.rng.choice(_SUFFIXES)
            if name not in self.used and len(name) > 2:
                self.used.add(name)
                return name

    def dataset(self) -> str:
        while True:
            word = "".join(self.rng.choice(_SYLLABLES) for _ in range(2)).capitalize()
            name = word + self.rng.choice(_BENCH)
            if name not in self.used:
                self.used.add(name)
                return name


def source_sentences():
    """(title, [(sentence, [(start, end, type, name)...])...]) per source paper, with kg's mentions."""
    from kg.execute import extract_records
    from kg.ingest import read_papers

    papers = read_papers([str(p) for p in SOURCES]).papers
    records = extract_records(papers, n_process=1)
    out = []
    for record in records:
        text, spans = record["text"], record["sentences"]
        per_sentence = defaultdict(list)
        for entity in record["entities"]:
            kind = entity["type"]
            for mention in entity["mentions"]:
                if kind == "Method" and not is_coined(mention["text"]):
                    continue
                if kind not in ("Method", "Dataset", "Hardware"):
                    continue
                per_sentence[mention["sentence"]].append((mention["start"], mention["end"], kind, mention["text"]))
        sentences = []
        for index, (start, end) in enumerate(spans):
            if index == 0:
                continue  # the title
            mentions = sorted((s - start, e - start, k, n) for s, e, k, n in per_sentence.get(index, [])
                              if s >= start and e <= end)
            sentences.append((text[start:end], _non_overlapping(mentions)))
        title = record["title"]
        out.append((title, sentences))
    return out


def _non_overlapping(mentions):
    kept, last = [], -1
    for mention in mentions:
        if mention[0] >= last:
            kept.append(mention)
            last = mention[1]
    return kept


def generate(n: int, seed: int = 1):
    rng = random.Random(seed)
    namer = Namer(rng)
    sources = source_sentences()
    all_sentences = [s for _title, sentences in sources for s in sentences if len(s[0]) > 40]
    real_datasets = sorted({m[3] for s in all_sentences for m in s[1] if m[2] == "Dataset"})
    real_hardware = sorted({m[3] for s in all_sentences for m in s[1] if m[2] == "Hardware"})
    datasets = list(real_datasets)
    cited: list[str] = []  # every citation of a coined name once: sampling it is preferential attachment
    stats = {"datasets": set(), "hardware": set(), "coined": set()}
    for number in range(n):
        title, _ = sources[rng.randrange(len(sources))]
        own = namer.method()
        cited.append(own)
        stats["coined"].add(own)
        rest = title.split(":", 1)[1].strip() if ":" in title else title
        mapping: dict[str, str] = {}
        sentences = []
        for _ in range(rng.randint(4, 9)):
            sentence, mentions = all_sentences[rng.randrange(len(all_sentences))]
            pieces, position = [], 0
            for start, end, kind, name in mentions:
                if name not in mapping:
                    if kind == "Method":
                        if not any(v == own for v in mapping.values()):
                            mapping[name] = own
                        elif rng.random() < 0.1 or not cited:
                            mapping[name] = namer.method()
                        else:
                            mapping[name] = rng.choice(cited)
                        cited.append(mapping[name])
                        stats["coined"].add(mapping[name])
                    elif kind == "Dataset":
                        if rng.random() < 0.02:
                            datasets.append(namer.dataset())
                        mapping[name] = rng.choice(datasets)
                        stats["datasets"].add(mapping[name])
                    else:
                        mapping[name] = rng.choice(real_hardware) if real_hardware else name
                        stats["hardware"].add(mapping[name])
                pieces.append(sentence[position:start])
                pieces.append(mapping[name])
                position = end
            pieces.append(sentence[position:])
            sentences.append("".join(pieces))
        yield {"id": f"syn{number:07d}", "title": f"{own}: {rest}", "abstract": " ".join(sentences)}
    generate.stats = {key: len(value) for key, value in stats.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of abstracts")
    parser.add_argument("-o", "--output", required=True, help="JSON Lines file to write")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with open(args.output, "w", encoding="utf-8") as handle:
        for paper in generate(args.n, args.seed):
            handle.write(json.dumps(paper, ensure_ascii=False) + "\n")
    stats = generate.stats
    print(f"{args.n} abstracts -> {args.output}: {stats['coined']} coined method names, "
          f"{stats['datasets']} datasets, {stats['hardware']} hardware names used")


if __name__ == "__main__":
    main()
