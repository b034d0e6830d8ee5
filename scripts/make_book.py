"""Write a book-length plain-text article (about 25,000 words) for benchmarks.

Built deterministically from the example article: numbered chapters whose
paragraphs are the article's, each sentence marked with its chapter so that
no two clips are the same, followed by a long FAQ block. Usage:

    python scripts/make_book.py OUT.txt [--words 25000]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]


def seed_paragraphs() -> tuple[list[str], list[tuple[str, str]]]:
    """The example's body paragraphs and its FAQ pairs."""
    blocks = [
        b.strip() for b in (ROOT / "examples" / "article.txt").read_text(encoding="utf-8").split("\n\n")
    ]
    paragraphs = [b for b in blocks if len(b.split()) > 25 and not b.startswith("Hi, I")]
    start = next(i for i, b in enumerate(blocks) if b.startswith("FAQs"))
    end = next(i for i, b in enumerate(blocks) if b.startswith("Conclusion"))
    faqs = [(blocks[i], blocks[i + 1]) for i in range(start + 1, end - 1, 2)]
    return paragraphs, faqs


def make_book(words: int) -> str:
    paragraphs, faqs = seed_paragraphs()
    out = ["A Patient's Handbook of Interventional Pain Management", ""]
    count, chapter = 0, 0
    while count < words * 0.85:
        chapter += 1
        out += [f"Chapter {chapter}: Living With Chronic Pain, Part {chapter}", ""]
        for k in range(6):
            paragraph = paragraphs[(chapter * 3 + k) % len(paragraphs)]
            sentences = re.split(r"(?<=[.?!])\s+", paragraph)
            marked = [
                f"In chapter {chapter}, note {j + 1}: {s[0].lower()}{s[1:]}" for j, s in enumerate(sentences)
            ]
            text = " ".join(marked)
            out += [text, ""]
            count += len(text.split())
    out += ["Frequently Asked Questions", ""]
    n = 0
    while count < words:
        question, answer = faqs[n % len(faqs)]
        n += 1
        out += [f"{question[:-1]}, question {n}?", "", f"Answer {n}: {answer}", ""]
        count += len(question.split()) + len(answer.split()) + 2
    out += ["Conclusion", "", paragraphs[-1], ""]
    return "\n".join(out)


TOPICS = [
    "Knee Pain",
    "Back Pain",
    "Neck Pain",
    "Shoulder Pain",
    "Hip Pain",
    "Headaches",
    "Nerve Pain",
    "Arthritis",
    "Sciatica",
    "Joint Injections",
]


def make_article(number: int) -> str:
    """A short article (about 250 words: introduction, two sections, two FAQs, conclusion), unique per number.

    Sentences are marked with the article's number, so no two articles share a clip.
    """
    paragraphs, faqs = seed_paragraphs()
    topic = TOPICS[number % len(TOPICS)]

    def marked(paragraph: str, limit: int = 2) -> str:
        sentences = re.split(r"(?<=[.?!])\s+", paragraph)[:limit]
        return " ".join(f"In guide {number}, {s[0].lower()}{s[1:]}" for s in sentences)

    out = [f"Patient Guide {number}: Living With {topic}", ""]
    out += [marked(paragraphs[number % len(paragraphs)]), ""]
    for k in (1, 2):
        out += [
            f"{topic}: What to Know, Part {k}",
            "",
            marked(paragraphs[(number + k) % len(paragraphs)]),
            "",
        ]
    out += ["FAQs", ""]
    for k in (0, 1):
        question, answer = faqs[(number + k) % len(faqs)]
        out += [f"{question[:-1]} with {topic.lower()}, guide {number}?", "", marked(answer), ""]
    out += ["Conclusion", "", marked(paragraphs[-1], 1), ""]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--words", type=int, default=25000)
    args = parser.parse_args()
    text = make_book(args.words)
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: {len(text.split())} words")


if __name__ == "__main__":
    main()
