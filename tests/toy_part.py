"""A toy composite part for tests/test_parts_registry.py: who signed the registration sheet.

This module is all a new part needs (plus one ``registry.register`` line): its validation,
its prompts and how it is stored (``cases/<id>/signatures.toml``).
"""

from __future__ import annotations

from typing import Any

from xsk.parts.registry import AskJob, Part, Saved, SaveJob
from xsk.store import tomlio


def check(raw: Any, ctx: Any, base_dir: Any, rules: Any) -> tuple[Any, list[str]]:
    names = [n.strip() for n in raw.split("、")] if isinstance(raw, str) else raw
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        return None, ["应为签名人姓名列表"]
    return names, []


def save(job: SaveJob, value: Any) -> Saved:
    path = job.case_dir / "signatures.toml"
    tomlio.write_new(path, {"step": job.step.id, "names": list(value)})
    job.written.append(path)
    return Saved(len(value))


def ask(job: AskJob) -> Any:
    return job.p.text("签名人（用、分隔）")


PART = Part("signatures", "签名", save=save, ask=ask, check=check)
