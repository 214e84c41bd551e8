"""python3 assemble_synthetic.py BATCHDIR OUTDIR

Assemble the synthetic gold from the writers' and annotators' batches (BATCHDIR/batch-{w,x,y,z}-papers.jsonl and
BATCHDIR/batch-{w,x,y,z}.jsonl) into OUTDIR/synthetic-{dev,hold}[-papers].jsonl: half of each batch to each split,
by a fixed seed."""
import json, random, re, sys


def normalise_results(gold: dict, dropped: list) -> None:
    """The guideline's value is a number as written: "3.4M" becomes value 3.4 with the multiplier in the unit, and a
    worded value ("two") is dropped (appended to *dropped* as (paper id, value))."""
    kept = []
    for r in gold.get("results", []):
        m = re.fullmatch(r"([\d.,]+)\s*(M|million|k|thousand|B|billion)", str(r["value"]))
        if m:
            r["value"] = m.group(1)
            r["unit"] = (m.group(2) + " " + (r.get("unit") or "")).strip()
        try:
            float(str(r["value"]).replace(",", ""))
        except ValueError:
            dropped.append((gold["id"], r["value"]))
            continue
        kept.append(r)
    gold["results"] = kept


def main() -> None:
    DROPPED = []
    batchdir, out = sys.argv[1], sys.argv[2]
    papers, gold = [], []
    for b in "wxyz":
        ps = [json.loads(l) for l in open(f"{batchdir}/batch-{b}-papers.jsonl")]
        gs = [json.loads(l) for l in open(f"{batchdir}/batch-{b}.jsonl")]
        for g in gs:
            normalise_results(g, DROPPED)
        assert [p["id"] for p in ps] == [g["id"] for g in gs], b
        rng = random.Random(20261130 + ord(b))
        order = list(range(len(ps)))
        rng.shuffle(order)
        half = set(order[: len(ps) // 2])
        for i, (p, g) in enumerate(zip(ps, gs)):
            split = "dev" if i in half else "hold"
            papers.append((split, p)); gold.append((split, g))
    for split in ("dev", "hold"):
        with open(f"{out}/synthetic-{split}-papers.jsonl", "w") as f:
            for s, p in papers:
                if s == split: f.write(json.dumps({"id": p["id"], "title": p["title"], "abstract": p["abstract"]}, ensure_ascii=False) + "\n")
        with open(f"{out}/synthetic-{split}.jsonl", "w") as f:
            for s, g in gold:
                if s == split: f.write(json.dumps(g, ensure_ascii=False) + "\n")
    print("dropped worded values:", DROPPED)


if __name__ == "__main__":
    main()
