#!/usr/bin/env python3
"""How long each chapter's core is, in words of prose.

The core is what a class reads: from "What you will learn" to "Key
takeaways" inclusive, up to "Going further". Code blocks (included code and
generated outputs), HTML comments and the instructor notes (<details>) are
not counted: they are not prose a learner reads through. Issue 18 asks for at
most about 2,500 words of English prose per core.

    python3 bench/core-words.py            # every chapter, both languages
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
LESSONS = ["multiprocess", "threading", "coroutine", "async-io", "queue", "pool", "distributed"]
STARTS = {"en": "## What you will learn", "ru": "## Чему вы научитесь"}
ENDS = {"en": "## Going further", "ru": "## Дальше: подробности"}


def core_words(text: str, language: str):
    start = text.find(STARTS[language])
    if start < 0:
        return None
    end = text.find(ENDS[language], start)
    core = text[start:end if end >= 0 else len(text)]
    core = re.sub(r"^```.*?^```", "", core, flags=re.S | re.M)
    core = re.sub(r"<details>.*?</details>", "", core, flags=re.S)
    core = re.sub(r"<!--.*?-->", "", core, flags=re.S)
    return len(re.findall(r"[\w’'-]+", core))


def main() -> int:
    print(f"{'chapter':14} {'en':>6} {'ru':>6}")
    for lesson in LESSONS:
        counts = []
        for language in ("en", "ru"):
            text = (ROOT / "docs" / language / f"{lesson}.md").read_text(encoding="utf-8")
            words = core_words(text, language)
            counts.append("-" if words is None else str(words))
        print(f"{lesson:14} {counts[0]:>6} {counts[1]:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
