"""A small valid bank that tests change one thing in, to see one error at a time."""

GOOD_BANK = """\
bank: test-bank
title: A test bank
version: 2
families:
  - id: square
    title: Derivative of a square
    covers: [basic-rules]
    difficulty: 1
    variables: [x]
    params:
      a: {range: [1, 9]}
    require: ["a != 5"]
    values:
      f: a*x^2
      df: {diff: [f, x]}
    prompt: Differentiate $f(x) = {{ f }}$.
    answer: {kind: expression, value: df}
    solution:
      - $f'(x) = {{ df }}$.
    mistakes:
      - {name: no-factor, answer: "a*x", feedback: Bring the exponent down.}
    verify: {derivative: f, wrt: x}
"""
