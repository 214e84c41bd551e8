"""python3 assemble_synthetic2.py BATCHDIR OUTDIR

Assemble the second synthetic batch (thirteenth session) from the writers' and annotators' files
(BATCHDIR/batch-{u,v}-papers.jsonl and the annotators' halves BATCHDIR/{u,v}-{a,b}.jsonl) into
OUTDIR/synthetic2-dev[-papers].jsonl. Unlike the first batch it is not split: all 60 papers are text to read
(see the gold README). Values are normalised as assemble_synthetic.py does: "3.4M" becomes value 3.4 with the
multiplier in the unit, and worded values ("two") are dropped, as the guideline's value is a number as written."""
import json, sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from assemble_synthetic import normalise_results  # noqa: E402

batchdir, out = sys.argv[1], sys.argv[2]
papers, gold, dropped = [], [], []
for b in "uv":
    ps = [json.loads(line) for line in open(f"{batchdir}/batch-{b}-papers.jsonl", encoding="utf-8")]
    gs = [json.loads(line) for half in "ab" for line in open(f"{batchdir}/{b}-{half}.jsonl", encoding="utf-8")]
    assert [p["id"] for p in ps] == [g["id"] for g in gs], b
    for g in gs:
        normalise_results(g, dropped)
    papers += ps
    gold += gs
with open(f"{out}/synthetic2-dev-papers.jsonl", "w", encoding="utf-8") as f:
    for p in papers:
        f.write(json.dumps({"id": p["id"], "title": p["title"], "abstract": p["abstract"]}, ensure_ascii=False) + "\n")
with open(f"{out}/synthetic2-dev.jsonl", "w", encoding="utf-8") as f:
    for g in gold:
        f.write(json.dumps(g, ensure_ascii=False) + "\n")
print(f"{len(papers)} papers; dropped worded values: {dropped}")
