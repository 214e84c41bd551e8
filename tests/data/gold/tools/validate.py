"""python3 validate.py ANNOTATIONS.jsonl PAPERS.jsonl [ENTITY_GOLD.jsonl]
Checks an annotation batch: JSON per line, names exist with the right type, evidence is verbatim."""
import json, sys
TYPES = ("Method", "Dataset", "Hardware", "Metric", "Task")
REL = {"EVALUATED_ON": ("Method", "Dataset"), "RUNS_ON": ("Method", "Hardware"),
       "OUTPERFORMS": ("Method", "Method"), "BASED_ON": ("Method", "Method")}
ann_path, papers_path = sys.argv[1], sys.argv[2]
papers = {json.loads(l)["id"]: json.loads(l) for l in open(papers_path) if l.strip()}
entity_gold = {}
if len(sys.argv) > 3:
    entity_gold = {json.loads(l)["id"]: json.loads(l) for l in open(sys.argv[3]) if l.strip()}
problems = 0
def bad(n, pid, msg):
    global problems; problems += 1; print(f"{ann_path}:{n}: {pid}: {msg}")
for n, line in enumerate(open(ann_path), 1):
    if not line.strip(): continue
    try: row = json.loads(line)
    except json.JSONDecodeError as e: bad(n, "?", f"bad JSON: {e}"); continue
    pid = row.get("id")
    if pid not in papers: bad(n, pid, "unknown id"); continue
    text = papers[pid]["title"] + "\n" + papers[pid]["abstract"]
    ents = dict(entity_gold.get(pid, {})); ents.update({t: row[t] for t in TYPES if t in row})
    names = {t: set() for t in TYPES}
    for t in TYPES:
        tiers = ents.get(t)
        if tiers is None: bad(n, pid, f"no {t} annotation"); continue
        for tier in ("required", "optional"):
            for e in tiers.get(tier, []):
                if not isinstance(e, dict) or not e.get("name"): bad(n, pid, f"{t} {tier}: bad entity {e!r}"); continue
                names[t].add(e["name"])
    for m in row.get("proposes", []):
        if m not in names["Method"]: bad(n, pid, f"proposes {m!r}: not a Method name")
    for r in row.get("results", []):
        for k in ("value", "unit", "metric", "evidence"):
            if k not in r: bad(n, pid, f"result lacks {k}: {r}")
        for role, t in (("method", "Method"), ("dataset", "Dataset"), ("hardware", "Hardware")):
            if r.get(role) and r[role] not in names[t]: bad(n, pid, f"result {role} {r[role]!r}: not a {t} name")
        if r.get("evidence") and r["evidence"] not in text: bad(n, pid, f"result evidence not verbatim: {r['evidence'][:60]!r}")
        if str(r.get("value", "")) not in (r.get("evidence") or ""): bad(n, pid, f"value {r.get('value')!r} not in evidence")
    for r in row.get("relations", []):
        if r.get("type") not in REL: bad(n, pid, f"relation type {r.get('type')!r}"); continue
        s, t = REL[r["type"]]
        if r.get("source") not in names[s]: bad(n, pid, f"{r['type']} source {r.get('source')!r}: not a {s} name")
        if r.get("target") not in names[t]: bad(n, pid, f"{r['type']} target {r.get('target')!r}: not a {t} name")
        if r.get("evidence") and r["evidence"] not in text: bad(n, pid, f"relation evidence not verbatim: {r['evidence'][:60]!r}")
print(f"{problems} problem(s)")
sys.exit(1 if problems else 0)
