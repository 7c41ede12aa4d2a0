"""The small condition language used by routes, variants and endings. Parsed once, never ``eval``-ed.

Grammar (case-sensitive names, keywords in lower case)::

    expr    := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
    sum     := product (("+" | "-") product)*
    product := atom ("*" atom)*
    atom    := NUMBER | "true" | "false" | NAME | "(" expr ")" | "-" atom

So ``not`` binds tighter than ``and``, which binds tighter than ``or``; ``*`` before ``+`` and ``-``.

A NAME is a word with optional dots (``seen.exploration``). What names mean is decided by the caller
(:class:`Namespace`): behaviours are true when detected this turn, mood variables are numbers, flags
are booleans, and so on. Unknown names are reported at load time with their column in the condition.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Union

Value = float | bool


class ConditionError(ValueError):
    """A condition that cannot be parsed; ``offset`` is the 0-based character offset of the problem."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Bool:
    value: bool


@dataclass(frozen=True)
class Name:
    name: str
    offset: int


@dataclass(frozen=True)
class Not:
    operand: Expr


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Compare:
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Arith:
    op: str
    left: Expr
    right: Expr


Expr = Union[Num, Bool, Name, Not, BoolOp, Compare, Arith]  # noqa: UP007 (recursive alias)

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)"
    r"|(?P<op>==|!=|<=|>=|<|>|\(|\)|\+|-|\*)|(?P<bad>\S))"
)
_COMPARE = {"==", "!=", "<", "<=", ">", ">="}
_WORD_OPS = {"and", "or", "not", "true", "false"}
_FRIENDLY = {"&&": "and", "||": "or", "!": "not", "=": "=="}


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    offset: int


def _tokens(text: str) -> Iterator[_Tok]:
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
        kind = m.lastgroup or "bad"
        value = m.group(kind)
        start = m.start(kind)
        if kind == "bad":
            two = text[start : start + 2]
            if two in _FRIENDLY:
                raise ConditionError(f"'{two}' is not part of the language: write '{_FRIENDLY[two]}'", start)
            if value in _FRIENDLY:
                raise ConditionError(
                    f"'{value}' is not part of the language: write '{_FRIENDLY[value]}'", start
                )
            raise ConditionError(f"unexpected character '{value}'", start)
        if kind == "name" and value in _WORD_OPS:
            kind = "word"
        elif kind == "name" and value.lower() in _WORD_OPS:
            raise ConditionError(f"write '{value.lower()}' in lower case", start)
        yield _Tok(kind, value, start)
    yield _Tok("end", "", len(text))


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = list(_tokens(text))
        self.i = 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def parse(self) -> Expr:
        if self.tok.kind == "end":
            raise ConditionError("the condition is empty", 0)
        try:
            e = self.or_()
        except RecursionError:
            raise ConditionError("too many brackets or 'not's inside each other", 0) from None
        if self.tok.kind == "op" and self.tok.text == ")":
            raise ConditionError("this ')' has no matching '('", self.tok.offset)
        if self.tok.kind != "end":
            raise ConditionError(f"unexpected '{self.tok.text}': join conditions with 'and' or 'or'",
                                 self.tok.offset)
        return e

    def or_(self) -> Expr:
        parts = [self.and_()]
        while self.tok.kind == "word" and self.tok.text == "or":
            self.take()
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else BoolOp("or", tuple(parts))

    def and_(self) -> Expr:
        parts = [self.not_()]
        while self.tok.kind == "word" and self.tok.text == "and":
            self.take()
            parts.append(self.not_())
        return parts[0] if len(parts) == 1 else BoolOp("and", tuple(parts))

    def not_(self) -> Expr:
        if self.tok.kind == "word" and self.tok.text == "not":
            self.take()
            return Not(self.not_())
        return self.compare()

    def compare(self) -> Expr:
        left = self.sum_()
        if self.tok.kind == "op" and self.tok.text in _COMPARE:
            op = self.take().text
            right = self.sum_()
            if self.tok.kind == "op" and self.tok.text in _COMPARE:
                raise ConditionError("chain comparisons with 'and' (a < b and b < c)", self.tok.offset)
            return Compare(op, left, right)
        return left

    def sum_(self) -> Expr:
        left = self.product()
        while self.tok.kind == "op" and self.tok.text in {"+", "-"}:
            op = self.take().text
            left = Arith(op, left, self.product())
        return left

    def product(self) -> Expr:
        left = self.atom()
        while self.tok.kind == "op" and self.tok.text == "*":
            self.take()
            left = Arith("*", left, self.atom())
        return left

    def atom(self) -> Expr:
        t = self.tok
        if t.kind == "num":
            self.take()
            return Num(float(t.text))
        if t.kind == "word" and t.text in {"true", "false"}:
            self.take()
            return Bool(t.text == "true")
        if t.kind == "name":
            self.take()
            return Name(t.text, t.offset)
        if t.kind == "op" and t.text == "(":
            self.take()
            e = self.or_()
            if self.tok.kind != "op" or self.tok.text != ")":
                raise ConditionError("missing ')'", self.tok.offset)
            self.take()
            return e
        if t.kind == "op" and t.text == "-":
            self.take()
            return Arith("-", Num(0.0), self.atom())
        if t.kind == "end":
            raise ConditionError("the condition ends too early", t.offset)
        raise ConditionError(f"expected a name, number or '(' but found '{t.text}'", t.offset)


def names(expr: Expr) -> Iterator[Name]:
    """Every name the expression reads, in order."""
    if isinstance(expr, Name):
        yield expr
    elif isinstance(expr, Not):
        yield from names(expr.operand)
    elif isinstance(expr, BoolOp):
        for e in expr.operands:
            yield from names(e)
    elif isinstance(expr, Compare | Arith):
        yield from names(expr.left)
        yield from names(expr.right)


@dataclass(frozen=True)
class Condition:
    """A parsed condition, kept with its source text."""

    source: str
    expr: Expr

    @classmethod
    def parse(cls, text: str) -> Condition:
        return cls(text, _Parser(text).parse())

    def names(self) -> list[Name]:
        return list(names(self.expr))

    def evaluate(self, lookup: Mapping[str, Value] | Callable[[str], Value]) -> bool:
        get = lookup if callable(lookup) else lookup.__getitem__
        return bool(_eval(self.expr, get))

    def settle(self, lookup: Callable[[str], Value | None]) -> bool | None:
        """True or False when the known names decide it, None when it hangs on an unknown one.

        ``lookup`` returns None for a name whose value is not known (a behaviour of a reply not yet given,
        say): ``trust >= 5 and exploration`` is False when trust is 3, and None when trust is 6.
        """
        v = _settle(self.expr, lookup)
        return None if v is None else bool(v)

    def __str__(self) -> str:
        return self.source


def _num(v: Value) -> float:
    return float(v)


def _eval(e: Expr, get: Callable[[str], Value]) -> Value:
    if isinstance(e, Num | Bool):
        return e.value
    if isinstance(e, Name):
        return get(e.name)
    if isinstance(e, Not):
        return not _eval(e.operand, get)
    if isinstance(e, BoolOp):
        if e.op == "and":
            return all(_eval(x, get) for x in e.operands)
        return any(_eval(x, get) for x in e.operands)
    return _operate(e.op, _eval(e.left, get), _eval(e.right, get))


def _operate(op: str, left: Value, right: Value) -> Value:
    """An arithmetic or comparison operator on two values."""
    a, b = _num(left), _num(right)
    if op in ("+", "-", "*"):
        return a + b if op == "+" else a - b if op == "-" else a * b
    return {
        "==": a == b,
        "!=": a != b,
        "<": a < b,
        "<=": a <= b,
        ">": a > b,
        ">=": a >= b,
    }[op]


def _settle(e: Expr, get: Callable[[str], Value | None]) -> Value | None:
    """:func:`_eval` in three values: None is "not known", and ``and``/``or`` decide on what is known."""
    if isinstance(e, Num | Bool):
        return e.value
    if isinstance(e, Name):
        return get(e.name)
    if isinstance(e, Not):
        v = _settle(e.operand, get)
        return None if v is None else not v
    if isinstance(e, BoolOp):
        values = [_settle(x, get) for x in e.operands]
        decisive = e.op == "or"  # True decides an "or", False decides an "and"
        if any(v is not None and bool(v) is decisive for v in values):
            return decisive
        return None if None in values else not decisive
    a, b = _settle(e.left, get), _settle(e.right, get)
    return None if a is None or b is None else _operate(e.op, a, b)
