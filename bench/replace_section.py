"""Replaces a marked section of a Markdown file with standard input.

    python3 bench/replace_section.py docs/benchmarks.md count < table.md

replaces what stands between `<!-- count results: start -->` and
`<!-- count results: end -->`, and prints the new section. The benchmark
scripts use it so that docs/benchmarks.md always shows their last run.
"""

import re
import sys


def main() -> None:
    path, name = sys.argv[1:]
    section = sys.stdin.read().strip()
    start, end = f"<!-- {name} results: start -->", f"<!-- {name} results: end -->"
    with open(path, encoding="utf-8") as file:
        text = file.read()
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        sys.exit(f"{path} has no {start} … {end} section")
    text = pattern.sub(lambda _: f"{start}\n{section}\n{end}", text)
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)
    print(section)


if __name__ == "__main__":
    main()
