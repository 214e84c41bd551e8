"""python3 assemble_synthetic2.py BATCHDIR OUTDIR

Assemble the second synthetic batch (thirteenth session) from the writers' and annotators' files
(BATCHDIR/batch-{u,v}-papers.jsonl and the annotators' halves BATCHDIR/{u,v}-{a,b}.jsonl) into
OUTDIR/synthetic2-dev[-papers].jsonl. Unlike the first batch it is not split: all 60 papers are text to read
(see the gold README). Values are normalised as assemble_synthetic.py does: "3.4M" becomes value 3.4 with the
multiplier in the unit, and worded values ("two") are dropped, as the guideline's value is a number as written."""
import json, re, sys

batchdir, out = sys.argv[1], sys.argv[2]
papers, gold, dropped = [], [], []
for b in "uv":
    ps = [json.loads(line) for line in open(f"{batchdir}/batch-{b}-papers.jsonl", encoding="utf-8")]
    gs = [json.loads(line) for half in "ab" for line in open(f"{batchdir}/{b}-{half}.jsonl", encoding="utf-8")]
    assert [p["id"] for p in ps] == [g["id"] for g in gs], b
    for g in gs:
        kept = []
        for r in g.get("results", []):
            m = re.fullmatch(r"([\d.,]+)\s*(M|million|k|thousand|B|billion)", str(r["value"]))
            if m:
                r["value"] = m.group(1)
                r["unit"] = (m.group(2) + " " + (r.get("unit") or "")).strip()
            try:
                float(str(r["value"]).replace(",", ""))
            except ValueError:
                dropped.append((g["id"], r["value"]))
                continue
            kept.append(r)
        g["results"] = kept
    papers += ps
    gold += gs
with open(f"{out}/synthetic2-dev-papers.jsonl", "w", encoding="utf-8") as f:
    for p in papers:
        f.write(json.dumps({"id": p["id"], "title": p["title"], "abstract": p["abstract"]}, ensure_ascii=False) + "\n")
with open(f"{out}/synthetic2-dev.jsonl", "w", encoding="utf-8") as f:
    for g in gold:
        f.write(json.dumps(g, ensure_ascii=False) + "\n")
print(f"{len(papers)} papers; dropped worded values: {dropped}")
