"""nlp.negated: where a negator reaches."""

from __future__ import annotations

import pytest

from callsim.core.nlp import negated


@pytest.mark.parametrize(("text", "word", "expected"), [
    ("Nobody is going to send bailiffs round.", "bailiffs", True),
    ("No one from our side will ever phone your employer.", "employer", True),
    ("Nobody told me you would send bailiffs round.", "bailiffs", False),  # a new subject: another clause
    ("Nobody answered, so we will send bailiffs round.", "bailiffs", False),
])
def test_a_negative_subject_negates_its_whole_clause(text: str, word: str, expected: bool) -> None:
    assert negated(text, text.index(word)) is expected
