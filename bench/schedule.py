#!/usr/bin/env python3
"""Writes docs/en/schedule.md and docs/ru/schedule.md from the chapters.

The minutes are the instructor notes' (`Instructor notes · N min` at the end
of each core section); the exercises done in class are those the chapter's
Exercises list marks *in class*, five minutes each. `tests/teaching.rs`
checks that every sum on the pages is the chapters' own, so after changing a
section's minutes, run this again:

    python3 bench/schedule.py
"""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
LESSONS = ["multiprocess", "threading", "coroutine", "async-io", "queue", "pool", "distributed"]
EXERCISE_MINUTES = 5


def chapter(language, lesson):
    return (ROOT / "docs" / language / f"{lesson}.md").read_text(encoding="utf-8")


def sections(lesson):
    text = chapter("en", lesson)
    core = text[text.index("## What you will learn"):text.index("## Key takeaways")]
    found = []
    for part in re.split(r"^## ", core, flags=re.M)[2:]:
        heading = part.splitlines()[0]
        minutes = re.search(r"<summary>Instructor notes · (\d+) min</summary>", part)
        name = re.search(r"`([\w-]+)`", heading)
        found.append((name.group(1) if name else heading, int(minutes.group(1))))
    return found


def in_class(lesson):
    text = chapter("en", lesson)
    return re.findall(r"^- `cargo run -- check ([\w-]+)` \(\*in class\*", text, re.M)


def hm(minutes):
    return f"{9 + minutes // 60:02}:{minutes % 60:02}"


TEXT = {
    "en": {
        "title": "# Schedule: a one-day course, a two-day course, and studying alone",
        "intro": (
            "The minutes below are the ones in each chapter's instructor notes, added up: "
            "`cargo test --test teaching` checks every sum on this page against the "
            "chapters, and `python3 bench/schedule.py` writes the page again when a "
            "chapter's minutes change. Each core section is shown and discussed in its "
            "minutes; an exercise done in class takes about five."
        ),
        "lessons": "## The lessons",
        "head": "| lesson | core sections, minutes each | exercises in class | core minutes |",
        "exmin": "min of exercises",
        "oneday": "## One day",
        "oneday_text": (
            "Every lesson's core and its in-class exercises, with a long lunch; the "
            "homework exercises and the Going further parts are for after the course."
        ),
        "tablehead": "| from | what | minutes |",
        "intro_row": "Introduction: processes, threads and tasks",
        "core": "the core of",
        "exercises": "exercises in class:",
        "break": "break",
        "lunch": "lunch",
        "wrap": "questions, and what to read next",
        "total": "**total**",
        "twodays": "## Two days",
        "twodays_text": (
            "The same lessons at a pace that leaves room for questions and the homework "
            "exercises: processes and threads, then tasks, on the first day; queues, "
            "pools and Redis on the second, which starts with the first day's homework."
        ),
        "day1": "### Day 1", "day2": "### Day 2",
        "homework": "the first day's homework exercises, discussed",
        "self": "## Studying alone",
        "self_text": [
            "Read the [introduction](introduction.md) first; then, for each lesson in order:",
            "1. read the core (\"What you will learn\" to \"Key takeaways\") and run every command it shows: the outputs in the chapter are what your terminal should print;",
            "2. do its exercises, in class and homework alike: `cargo run -- exercises` lists them, `cargo run -- check NAME` tells you when one is done, `cargo run -- hint NAME` helps;",
            "3. read \"Going further\" once the exercises pass: hardening, tuned versions and how the tests check are easier after the core;",
            "4. try the chapter's \"Try it yourself\" list.",
            "A lesson takes one to two hours this way; the [benchmarks](benchmarks.md) and the [glossary](glossary.md) are for any time.",
        ],
    },
    "ru": {
        "title": "# Расписание: курс на один день, на два дня и самостоятельное изучение",
        "intro": (
            "Минуты ниже взяты из заметок для преподавателя в каждой главе и сложены: "
            "`cargo test --test teaching` сверяет каждую сумму на этой странице с "
            "главами, а `python3 bench/schedule.py` заново пишет страницу, когда минуты "
            "в главе меняются. Каждый раздел ядра показывают и обсуждают за его минуты; "
            "упражнение в классе занимает минут пять."
        ),
        "lessons": "## Уроки",
        "head": "| урок | разделы ядра, минуты каждого | упражнения в классе | минут ядра |",
        "exmin": "мин упражнений",
        "oneday": "## Один день",
        "oneday_text": (
            "Ядро каждого урока и его упражнения в классе, с долгим обедом; домашние "
            "упражнения и части «Дальше: подробности» — на после курса."
        ),
        "tablehead": "| с | что | минут |",
        "intro_row": "Введение: процессы, потоки и задачи",
        "core": "ядро урока",
        "exercises": "упражнения в классе:",
        "break": "перерыв",
        "lunch": "обед",
        "wrap": "вопросы и что читать дальше",
        "total": "**всего**",
        "twodays": "## Два дня",
        "twodays_text": (
            "Те же уроки в темпе, в котором остаётся время на вопросы и домашние "
            "упражнения: в первый день процессы и потоки, затем задачи; во второй — "
            "очереди, пулы и Redis, а начинается он с разбора домашних упражнений первого дня."
        ),
        "day1": "### День 1", "day2": "### День 2",
        "homework": "разбор домашних упражнений первого дня",
        "self": "## Самостоятельно",
        "self_text": [
            "Сначала прочитайте [введение](introduction.md), затем по порядку для каждого урока:",
            "1. прочитайте ядро (от «Чему вы научитесь» до «Главное») и запустите каждую команду из него: выводы в главе — это то, что должен напечатать ваш терминал;",
            "2. сделайте его упражнения, и классные, и домашние: `cargo run -- exercises` показывает список, `cargo run -- check NAME` скажет, когда упражнение решено, `cargo run -- hint NAME` подскажет;",
            "3. когда упражнения проходят, прочитайте «Дальше: подробности»: надёжность, настроенные версии и устройство тестов проще понять после ядра;",
            "4. попробуйте задания из «Попробуйте сами».",
            "Так урок занимает от одного до двух часов; [замеры](benchmarks.md) и [глоссарий](glossary.md) — в любое время.",
        ],
    },
}


def plan(rows, words):
    """rows: (label, minutes, session) → table lines with start times and a total."""
    lines = ["<!-- plan -->", words["tablehead"], "|---|---|---|"]
    clock = 0
    for label, minutes, session in rows:
        lines.append(f"| {hm(clock)} | {label} | {minutes} <!-- session: {session} --> |")
        clock += minutes
    lines.append(f"| {hm(clock)} | {words['total']} | **{clock}** <!-- total --> |")
    return lines


def main():
    data = {lesson: (sections(lesson), in_class(lesson)) for lesson in LESSONS}
    for language, words in TEXT.items():
        out = [words["title"], "", words["intro"], "", words["lessons"], "", words["head"], "|---|---|---|---|"]
        for number, lesson in enumerate(LESSONS, 1):
            secs, exercises = data[lesson]
            core = sum(minutes for _, minutes in secs)
            listed = ", ".join(f"`{name}` {minutes}" for name, minutes in secs)
            ex = ", ".join(f"`{name}`" for name in exercises)
            out.append(
                f"| {number}. [`{lesson}`]({lesson}.md) | {listed} | {ex} ({len(exercises) * EXERCISE_MINUTES} {words['exmin']}) | {core} <!-- core: {lesson} --> |"
            )
        out.append("")

        def lesson_rows(lesson):
            secs, exercises = data[lesson]
            core = sum(minutes for _, minutes in secs)
            rows = [(f"{words['core']} `{lesson}`", core, lesson)]
            if exercises:
                rows.append((f"{words['exercises']} {', '.join(f'`{e}`' for e in exercises)}",
                             len(exercises) * EXERCISE_MINUTES, "exercises"))
            return rows

        one = [(words["intro_row"], 15, "introduction")]
        for lesson in LESSONS:
            one += lesson_rows(lesson)
            if lesson == "threading":
                one.append((words["break"], 15, "break"))
            if lesson == "coroutine":
                one.append((words["lunch"], 60, "lunch"))
            if lesson == "queue":
                one.append((words["break"], 15, "break"))
        one.append((words["wrap"], 10, "wrap-up"))
        out += [words["oneday"], "", words["oneday_text"], ""] + plan(one, words) + [""]

        day1 = [(words["intro_row"], 20, "introduction")]
        for lesson in LESSONS[:4]:
            day1 += lesson_rows(lesson)
            if lesson in ("threading",):
                day1.append((words["lunch"], 60, "lunch"))
            if lesson in ("multiprocess", "coroutine"):
                day1.append((words["break"], 15, "break"))
        day1.append((words["wrap"], 15, "wrap-up"))
        day2 = [(words["homework"], 30, "homework")]
        for lesson in LESSONS[4:]:
            day2 += lesson_rows(lesson)
            if lesson == "queue":
                day2.append((words["break"], 15, "break"))
            if lesson == "pool":
                day2.append((words["lunch"], 60, "lunch"))
        day2.append((words["wrap"], 20, "wrap-up"))
        out += [words["twodays"], "", words["twodays_text"], "", words["day1"], ""] + plan(day1, words)
        out += ["", words["day2"], ""] + plan(day2, words) + [""]
        out += [words["self"], ""] + [words["self_text"][0], ""] + words["self_text"][1:5] + ["", words["self_text"][5], ""]
        (ROOT / "docs" / language / "schedule.md").write_text("\n".join(out), encoding="utf-8")
        print(f"docs/{language}/schedule.md")


if __name__ == "__main__":
    main()
